"""Judgements: computed by the rules, each case counted once, overrides, publishing, the report command."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils.html import escape

from cases.judgements import inspection_judgements
from cases.models import Answer, Assessment
from inspections.models import Role
from inspections.services import judgement_override
from tests.factories import AssessmentFactory, CaseFactory, InspectionFactory, member

pytestmark = pytest.mark.django_db


def scored(inspection, answers, marking="first", status="submitted", case=None):
    """A case with an assessment whose answers are {code: value}."""
    case = case or CaseFactory(inspection=inspection)
    assessment = AssessmentFactory(case=case, marking=marking, status=status)
    questions = {q.code: q for q in inspection.framework.questions.all()}
    Answer.objects.bulk_create(
        Answer(assessment=assessment, question=questions[c], value=v) for c, v in answers.items()
    )
    return assessment


@pytest.fixture
def inspection(service):
    return InspectionFactory(service=service, status="moderation")


def test_pooled_area_score_and_band_from_answers(inspection):
    # Risk of harm: 5 yes of 8 rated = 62.5% -> 63% Substantial; N/A leaves both sides.
    scored(inspection, {"roh-1": "yes", "roh-2": "yes", "roh-3": "no", "saf-1": "yes"})
    scored(inspection, {"roh-1": "yes", "roh-2": "no", "roh-3": "na", "saf-1": "yes"})
    scored(inspection, {"roh-1": "yes", "roh-2": "yes", "roh-3": "no", "saf-1": "na"})
    figures = inspection_judgements(inspection)
    roh, saf = figures.areas
    assert (roh.score, roh.band.label, roh.band.equivalent) == (63, "Substantial improvement required", "Satisfactory")
    assert (roh.result.tally.yes, roh.result.tally.no, roh.result.tally.na) == (5, 3, 1)
    assert roh.cases == 3
    assert saf.score == 100
    assert saf.cases == 2


def test_an_area_with_no_applicable_answer_is_not_rated(inspection):
    scored(inspection, {"roh-1": "yes", "saf-1": "na", "saf-2": "na"})
    assert inspection_judgements(inspection).areas[1].score is None


def test_each_case_counts_once_through_its_moderated_assessment(inspection):
    first = scored(inspection, {"roh-1": "no"})
    scored(inspection, {"roh-1": "yes"}, marking="second", case=first.case)
    assert inspection_judgements(inspection).areas[0].score == 0
    scored(inspection, {"roh-1": "yes"}, marking="final", case=first.case)
    assert inspection_judgements(inspection).areas[0].score == 100


def test_drafts_do_not_count(inspection):
    scored(inspection, {"roh-1": "no"}, status="draft")
    assert inspection_judgements(inspection).areas[0].score is None


def test_manager_overrides_a_band_with_a_reason_and_both_stay_visible(client, manager, inspection):
    scored(inspection, {"roh-1": "yes", "roh-2": "no"})
    client.force_login(manager)
    url = reverse("cases:judgements", args=[inspection.pk])
    roh = inspection.framework.areas.get(code="roh")
    refused = client.post(url, {"area": roh.pk, "band_label": "Moderate improvement required", "reason": ""})
    assert refused.status_code == 400
    assert "Give the reason" in refused.content.decode()
    client.post(url, {"area": roh.pk, "band_label": "Moderate improvement required", "reason": "Small sample"})
    page = client.get(url).content.decode()
    assert "Moderate improvement required</strong> (override)" in page
    assert "Computed: Substantial improvement required" in page
    assert "Small sample" in page
    # The equivalent shown is the overriding band's own (Good), not the computed band's (Satisfactory).
    row = page[page.index("Moderate improvement required</strong> (override)") :].split("</tr>")[0]
    equivalent = row.split('<td class="govuk-table__cell">')[1].split("</td>")[0]
    assert equivalent.startswith("Good") and "Computed: Satisfactory" in equivalent
    assert inspection_judgements(inspection).areas[0].shown_equivalent == "Good"
    client.post(url, {"area": roh.pk, "band_label": "", "reason": ""})
    page = client.get(url).content.decode()
    assert "Record of overrides" in page
    record = page[page.index("Record of overrides") :]
    rows = record[record.index("<tbody") : record.index("</tbody>")].split("<tr")[1:]
    assert len(rows) == 2
    assert rows[0].index("Moderate improvement required") < rows[0].index("Computed band")  # withdrawn, newest first
    assert rows[1].index("Computed band") < rows[1].index("Moderate improvement required")  # recorded
    assert escape(manager.get_full_name()) in record


def test_a_stale_override_is_refused_and_keeps_what_was_typed(client, manager, service, inspection):
    scored(inspection, {"roh-1": "yes", "roh-2": "no"})
    roh = inspection.framework.areas.get(code="roh")
    url = reverse("cases:judgements", args=[inspection.pk])
    client.force_login(manager)
    assert 'name="version" value="0"' in client.get(url).content.decode()
    colleague = member(service, Role.INSPECTOR, username="ivy", first_name="Ivy", last_name="Lee")
    judgement_override(
        inspection=inspection, area=roh, band_label="Drastic improvement required", reason="Thin files", by=colleague
    )
    response = client.post(
        url, {"area": roh.pk, "band_label": "Moderate improvement required", "reason": "My reason", "version": "0"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Someone else changed this judgement while you were editing it (Ivy Lee" in page
    assert (
        "Band to record instead is now Drastic improvement required; Reason for the override is now Thin files" in page
    )
    assert "My reason" in page
    judgement = inspection.judgements.get(area=roh)
    assert judgement.override_band_label == "Drastic improvement required"
    response = client.post(
        url,
        {
            "area": roh.pk,
            "band_label": "Moderate improvement required",
            "reason": "My reason",
            "version": str(judgement.version),
        },
    )
    assert response.status_code == 302
    judgement.refresh_from_db()
    assert judgement.override_band_label == "Moderate improvement required"


def test_officers_and_board_members_cannot_override(client, officer, board_member, inspection):
    roh = inspection.framework.areas.get(code="roh")
    data = {"area": roh.pk, "band_label": "Moderate improvement required", "reason": "x"}
    client.force_login(board_member)
    assert client.get(reverse("cases:judgements", args=[inspection.pk])).status_code == 403  # not yet published
    assert client.post(reverse("cases:judgements", args=[inspection.pk]), data).status_code == 403
    client.force_login(officer)
    assert client.get(reverse("cases:judgements", args=[inspection.pk])).status_code == 403


def test_another_service_gets_404(client, other_officer, inspection):
    client.force_login(member(other_officer.memberships.get().service, Role.MANAGER))
    assert client.get(reverse("cases:judgements", args=[inspection.pk])).status_code == 404


def test_publishing_stores_judgements_that_later_answers_do_not_change(client, manager, inspection):
    assessment = scored(inspection, {"roh-1": "yes", "roh-2": "no"})
    client.force_login(manager)
    client.post(reverse("cases:judgements", args=[inspection.pk]), {"action": "publish", "confirmed": "yes"})
    inspection.refresh_from_db()
    assert inspection.status == "published"
    assert inspection.judgements.get(area__code="roh").score == 50
    Answer.objects.filter(assessment=assessment).update(value="yes")
    scored(inspection, {"roh-1": "yes", "roh-2": "yes"})
    assert inspection_judgements(inspection).areas[0].score == 50
    page = client.get(reverse("cases:judgements", args=[inspection.pk])).content.decode()
    assert "Published" in page
    assert "Override the band" not in page


def test_inspection_report_prints_the_figures_of_the_page(inspection, capsys):
    scored(inspection, {"roh-1": "yes", "roh-2": "no", "roh-3": "yes", "saf-1": "na"})
    call_command("inspection_report", inspection.pk, "--format", "json")
    report = json.loads(capsys.readouterr().out)
    figures = inspection_judgements(inspection)
    assert [(a["code"], a["score"], a["band"]) for a in report["areas"]] == [
        (a.area.code, a.score, a.band.label if a.band else None) for a in figures.areas
    ]
    assert report["areas"][0] == {
        "code": "roh",
        "name": "Risk of harm to others",
        "score": 67,
        "band": "Moderate improvement required",
        "equivalent": "Good",
        "judged": "per_case",
        "evidence": None,
        "override": None,
        "override_equivalent": None,
        "cases": 1,
        "yes": 2,
        "no": 1,
        "na": 0,
    }
    assert {"code": "roh-2", "area": "roh", "score": 0} in report["questions"]
    call_command("inspection_report", inspection.pk, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows[0]["code"] == "roh" and rows[0]["score"] == "67" and rows[0]["equivalent"] == "Good"


def test_inspection_report_csv_neutralises_formula_like_cells(inspection, capsys):
    area = inspection.framework.areas.get(code="roh")
    area.name = '=HYPERLINK("http://evil.example","click")'
    area.save()
    scored(inspection, {"roh-1": "yes"})
    call_command("inspection_report", inspection.pk, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows[0]["name"] == '\'=HYPERLINK("http://evil.example","click")'
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values())


@pytest.mark.parametrize("cases", [2, 20])
@pytest.mark.parametrize("published", [False, True])
def test_judgement_page_queries_do_not_grow_with_cases(client, manager, inspection, cases, published):
    from django.db import DEFAULT_DB_ALIAS, connection
    from django.test.utils import CaptureQueriesContext

    from cases.figures_version import triggers_in_place
    from cases.services import inspection_publish

    for _ in range(cases):
        scored(inspection, {"roh-1": "yes", "roh-2": "no", "saf-1": "yes"})
    if published:
        inspection_publish(inspection=inspection, by=manager)
    client.force_login(manager)
    triggers_in_place(DEFAULT_DB_ALIAS)  # asked once per process: not a query of any page's
    counts = []
    for _ in ("first", "again"):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("cases:judgements", args=[inspection.pk]))
        assert response.status_code == 200
        counts.append(len(queries))
    assert Assessment.objects.count() == cases
    # Read first, live, 11: the session and the person with their memberships, the inspection with its
    # programme audit (the questions a themed audit covers: cases/programme/scope.py), the cases the
    # reader marks blind, the figures' versions (cases/figures_version.py), the framework's bands with
    # its overall bands, its questions with their areas, the stored judgements, the cases' markings
    # (the counting ones), the counting answers added up (a row a question and value, a row an area),
    # the record of overrides. Published, 10: the question figures publishing stored, not the
    # markings and answers. Read again, nothing changed, 5: the markup below the heading kept.
    assert counts == [10 if published else 11, 5], "\n".join(q["sql"] for q in queries)


def test_framework_bands_are_the_frameworks_bands_and_overall_bands_highest_first(inspection):
    from cases.judgements import framework_bands
    from inspections.models import OverallBand

    framework = inspection.framework
    OverallBand.objects.create(framework=framework, label="Good", min_points=6)
    OverallBand.objects.create(framework=framework, label="Inadequate", min_points=0)
    OverallBand.objects.create(framework=framework, label="Outstanding", min_points=9)
    read = framework_bands(framework)
    bands = framework.bands.order_by("-min_percent")
    assert [(b.label, b.min_percent, b.equivalent) for b in read.bands] == [
        (b.label, b.min_percent, b.equivalent) for b in bands
    ]
    assert read.points == {b.label: b.points for b in bands if b.points is not None}
    assert [(b.label, b.min_points) for b in read.overall] == [("Outstanding", 9), ("Good", 6), ("Inadequate", 0)]


def test_the_areas_and_questions_read_are_the_frameworks_in_order(inspection):
    from cases.judgements import areas_with_questions

    framework = inspection.framework
    read = areas_with_questions(framework)
    expected = [
        (area, list(area.questions.order_by("order")))
        for area in framework.areas.order_by("order", "id")
        if area.questions.exists()
    ]
    assert [(a.pk, a.code, a.name, a.judged_once) for a, _ in read] == [
        (a.pk, a.code, a.name, a.judged_once) for a, _ in expected
    ]
    shown = ("pk", "framework_id", "area_id", "code", "stage", "text", "key", "order")
    assert [[tuple(getattr(q, name) for name in shown) for q in questions] for _, questions in read] == [
        [tuple(getattr(q, name) for name in shown) for q in questions] for _, questions in expected
    ]
    # Questions as the ORM makes them from the database: saved, their area read with them, the
    # columns left out read if asked for.
    question = read[0][1][0]
    assert not question._state.adding and question.area is read[0][0] and question.key in (True, False)
    assert question.guidance == expected[0][1][0].guidance
