"""manage.py purge_expired: case data of long-closed inspections goes; published judgements stay."""

import datetime
import json
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from cases.models import Answer, Assessment, Case, SampleChange, SampleDraw
from cases.services import assessment_save, inspection_publish
from inspections.models import InspectionStatus, Judgement, PublishedQuestionScore, Role
from inspections.services import inspection_move_on
from tests.factories import AssessmentFactory, CaseFactory, InspectionFactory, member


def scored_inspection(service, title):
    """An inspection with two scored cases (with history), a sample draw and change, published."""
    inspection = InspectionFactory(service=service, title=title, status=InspectionStatus.SCORING)
    assessor = member(service, Role.OFFICER, username=f"assessor-{title}")
    manager = member(service, Role.MANAGER, username=f"manager-{title}")
    codes = list(inspection.framework.questions.values_list("code", flat=True))
    cases = [CaseFactory(inspection=inspection) for _ in range(2)]
    for n, case in enumerate(cases):
        assessment = AssessmentFactory(case=case, assessor=assessor)
        answers = {code: ("yes" if (i + n) % 3 else "no", "note") for i, code in enumerate(codes)}
        assessment_save(assessment=assessment, answers=answers, version=0, by=assessor, submit=True)
    SampleDraw.objects.create(inspection=inspection, seed="1", cohort_hash="x", result={})
    spare = CaseFactory(inspection=inspection, in_sample=False)
    SampleChange.objects.create(inspection=inspection, removed=cases[1], added=spare, reason="Transferred out")
    inspection_move_on(inspection=inspection, to_status=InspectionStatus.MODERATION, changed_by=manager)
    inspection_publish(inspection=inspection, by=manager, published_on=datetime.date(2019, 5, 1))
    return inspection, manager


def report(inspection):
    out = StringIO()
    call_command("inspection_report", inspection.pk, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def closed_long_ago(service):
    with time_machine.travel(datetime.datetime(2019, 6, 1, tzinfo=datetime.UTC)):
        inspection, manager = scored_inspection(service, "old")
        inspection_move_on(inspection=inspection, to_status=InspectionStatus.CLOSED, changed_by=manager)
    inspection.refresh_from_db()
    return inspection


@pytest.fixture
def closed_recently(service):
    inspection, manager = scored_inspection(service, "recent")
    inspection_move_on(inspection=inspection, to_status=InspectionStatus.CLOSED, changed_by=manager)
    return inspection


def case_rows(inspection):
    """Rows of the inspection's case data, live and history (history found by id, as its rows outlive joins)."""
    case_ids = Case.history.model.objects.filter(inspection_id=inspection.pk).values_list("id", flat=True)
    assessment_ids = Assessment.history.model.objects.filter(case_id__in=list(case_ids)).values_list("id", flat=True)
    return {
        "cases": Case.objects.filter(inspection=inspection).count(),
        "assessments": Assessment.objects.filter(case__inspection=inspection).count(),
        "answers": Answer.objects.filter(assessment__case__inspection=inspection).count(),
        "draws": SampleDraw.objects.filter(inspection=inspection).count(),
        "changes": SampleChange.objects.filter(inspection=inspection).count(),
        "case history": Case.history.model.objects.filter(inspection_id=inspection.pk).count(),
        "assessment history": len(assessment_ids),
        "answer history": Answer.history.model.objects.filter(assessment_id__in=list(assessment_ids)).count(),
    }


def test_closing_an_inspection_records_when(service, manager):
    inspection = InspectionFactory(service=service, status=InspectionStatus.PUBLISHED)
    inspection_move_on(inspection=inspection, to_status=InspectionStatus.CLOSED, changed_by=manager)
    inspection.refresh_from_db()
    assert inspection.closed_at is not None
    assert abs((timezone.now() - inspection.closed_at).total_seconds()) < 60


@override_settings(RETENTION_DAYS=6 * 365)
def test_a_dry_run_says_what_would_go_and_deletes_nothing(closed_long_ago, closed_recently):
    before = case_rows(closed_long_ago)
    out = StringIO()
    call_command("purge_expired", stdout=out)
    text = out.getvalue()
    assert "Dry run: nothing is deleted" in text
    assert "old (id" in text and "would delete 3 cases, 2 assessments" in text
    assert "recent (id" not in text
    assert "--apply" in text
    assert case_rows(closed_long_ago) == before


@override_settings(RETENTION_DAYS=6 * 365)
def test_apply_deletes_case_data_and_its_record_but_keeps_the_published_judgements(closed_long_ago, closed_recently):
    report_before = report(closed_long_ago)
    judgements_before = list(Judgement.objects.filter(inspection=closed_long_ago).values("area_id", "score", "yes"))
    scores_before = PublishedQuestionScore.objects.filter(inspection=closed_long_ago).count()
    recent_before = case_rows(closed_recently)
    assert all(case_rows(closed_long_ago).values())
    assessment_ids = list(Assessment.objects.filter(case__inspection=closed_long_ago).values_list("pk", flat=True))

    out = StringIO()
    call_command("purge_expired", "--apply", stdout=out)

    assert "old (id" in out.getvalue() and "deleted 3 cases" in out.getvalue()
    assert not any(case_rows(closed_long_ago).values()), case_rows(closed_long_ago)
    assert not Assessment.history.model.objects.filter(id__in=assessment_ids).exists()
    assert not Answer.history.model.objects.filter(assessment_id__in=assessment_ids).exists()
    assert list(Judgement.objects.filter(inspection=closed_long_ago).values("area_id", "score", "yes")) == (
        judgements_before
    )
    assert PublishedQuestionScore.objects.filter(inspection=closed_long_ago).count() == scores_before > 0
    assert report(closed_long_ago) == report_before  # the report reads the same
    assert case_rows(closed_recently) == recent_before  # within the retention period: untouched


@override_settings(RETENTION_DAYS=30)
def test_the_retention_period_comes_from_the_setting(closed_recently):
    with time_machine.travel(timezone.now() + datetime.timedelta(days=31)):
        call_command("purge_expired", "--apply", stdout=StringIO())
    assert not Case.objects.filter(inspection=closed_recently).exists()


def test_open_and_undated_inspections_are_never_purged(service):
    open_one, _ = scored_inspection(service, "open")
    undated, _ = scored_inspection(service, "undated")
    undated.status = InspectionStatus.CLOSED
    undated.save()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=365 * 50)):
        out = StringIO()
        call_command("purge_expired", "--apply", stdout=out)
    assert Case.objects.filter(inspection=open_one).count() == 3
    assert Case.objects.filter(inspection=undated).count() == 3
    assert "undated (id" in out.getvalue() and "has no closing date" in out.getvalue()
