"""The programme's writes: one audit per period however often it runs, the template's sample rule,
filters and assessors, and themed audits that read only their questions (scoring and judgements)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from cases.judgements import inspection_judgements
from cases.models import Assessment, Case, ProgrammeAudit
from cases.programme import services
from cases.programme.periods import Period
from cases.services import ScoringProblems, assessment_save
from inspections.models import Area, Inspection, InspectionStatus, Role
from tests.factories import AssessmentFactory, CaseFactory, FrameworkFactory, InspectionFactory, member

from .helpers import MARCH, cohort, template_for, themed_audit_case

pytestmark = pytest.mark.django_db


def test_a_periods_audit_is_created_once_however_often_it_runs(service, manager):
    template = template_for(service, manager)
    audit, created = services.programme_audit_create(template=template, period=MARCH, by=manager)
    again, created_again = services.programme_audit_create(template=template, period=MARCH, by=manager)
    assert created and not created_again and again.pk == audit.pk
    inspection = audit.inspection
    assert inspection.kind == "internal_audit" and inspection.status == "planned"
    assert (inspection.period_start, inspection.period_end) == (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert inspection.title == "Monthly case audits: March 2026"
    assert audit.due_on == dt.date(2026, 4, 14)
    assert Inspection.objects.filter(service=service).count() == 1


def test_the_command_creates_each_templates_audit_once_per_period(service, manager, capsys):
    template_for(service, manager)
    template_for(service, manager, name="Looked-after children", rhythm="quarterly", looked_after_only=True)
    call_command("create_programme_audits", "--date", "2026-02-28")
    call_command("create_programme_audits", "--date", "2026-02-10")
    out = capsys.readouterr().out
    assert "Monthly case audits: February 2026" in out and "already there" in out
    assert sorted(ProgrammeAudit.objects.values_list("inspection__title", flat=True)) == [
        "Looked-after children: January to March 2026",
        "Monthly case audits: February 2026",
    ]
    call_command("create_programme_audits", "--date", "2026-03-01")
    assert ProgrammeAudit.objects.count() == 3  # March is a new month, still the same quarter


def test_a_template_starting_mid_year_has_no_audit_before_its_start(service, manager):
    template = template_for(service, manager, starts_on=dt.date(2026, 6, 15))
    assert services.programme_run(today=dt.date(2026, 5, 31)) == []
    with pytest.raises(ValidationError, match="not a period"):
        services.programme_audit_create(
            template=template, period=Period(dt.date(2026, 5, 1), dt.date(2026, 5, 31)), by=manager
        )
    assert [d["what"] for d in services.programme_run(today=dt.date(2026, 6, 2))] == ["created"]


def test_n_cases_per_case_manager_never_to_their_own_case(service, manager):
    officers = [member(service, Role.OFFICER, username=f"cm{i}") for i in range(3)]
    template = template_for(service, manager, sample_number=2)
    audit, _ = services.programme_audit_create(template=template, period=MARCH, by=manager)
    cohort(audit, officers, [5, 3, 1])
    result = services.programme_audit_sample(audit=audit, by=manager)

    sampled = list(Case.objects.filter(inspection=audit.inspection, in_sample=True))
    per_manager = {o.pk: sum(1 for c in sampled if c.case_manager_id == o.pk) for o in officers}
    assert per_manager == {officers[0].pk: 2, officers[1].pk: 2, officers[2].pk: 1}
    assert result["first"] == 5 and result["unassigned"] == []
    for assessment in Assessment.objects.filter(case__inspection=audit.inspection).select_related("case"):
        assert assessment.assessor_id != assessment.case.case_manager_id
        assert assessment.assessor_id in {o.pk for o in officers}  # peers, not the manager
    audit.inspection.refresh_from_db()
    assert audit.inspection.status == InspectionStatus.SCORING
    with pytest.raises(ValidationError, match="drawn already"):
        services.programme_audit_sample(audit=audit, by=manager)


def test_the_same_cohort_gives_the_same_sample(service, manager):
    """The seed comes from the template and period: drawing again from the same cohort with the same
    arguments (here into a twin inspection holding the same cases) chooses the same cases."""
    from cases.sampling.services import sample_draw

    officers = [member(service, Role.OFFICER, username=f"p{i}") for i in range(2)]
    template = template_for(service, manager, sample_number=2)
    audit, _ = services.programme_audit_create(template=template, period=MARCH, by=manager)
    twin = InspectionFactory(service=service, framework=template.framework, status="sampling")
    for inspection in (audit.inspection, twin):
        for n in range(12):
            CaseFactory(
                inspection=inspection,
                reference=f"YP-{n:03d}",
                in_sample=False,
                case_manager=officers[n % 2],
                start_date=audit.period_start,
            )
    services.programme_audit_sample(audit=audit, by=manager)
    first = set(Case.objects.filter(inspection=audit.inspection, in_sample=True).values_list("reference", flat=True))
    arguments = services.draw_arguments(template, audit.period_start, audit.period_end)
    draw = sample_draw(inspection=twin, seed=services.audit_seed(audit), by=manager, **arguments)
    assert len(first) == 4 and set(draw.result["references"]) == first


def test_per_team_share_and_yjb_rules(service, manager):
    officers = [member(service, Role.OFFICER, username=f"t{i}") for i in range(2)]
    for rule, number, expected in [("per_team", 3, 6), ("share", 25, 5), ("yjb", 20, 20)]:
        template = template_for(service, manager, name=f"Rule {rule}", sample_rule=rule, sample_number=number)
        audit, _ = services.programme_audit_create(template=template, period=MARCH, by=manager)
        cases = cohort(audit, officers, [10, 10])
        for index, case in enumerate(cases):
            case.team = "North" if index % 2 else "South"
            case.save()
        services.programme_audit_sample(audit=audit, by=manager)
        assert Case.objects.filter(inspection=audit.inspection, in_sample=True).count() == expected, rule


def test_cohort_filters_looked_after_and_started_in_the_period(service, manager):
    officers = [member(service, Role.OFFICER, username=f"f{i}") for i in range(2)]
    template = template_for(
        service,
        manager,
        name="LAC",
        sample_rule="share",
        sample_number=100,
        looked_after_only=True,
        start_in_period=True,
    )
    audit, _ = services.programme_audit_create(template=template, period=MARCH, by=manager)
    cohort(audit, officers, [2, 2], looked_after=True)
    cohort(audit, officers, [3, 0], looked_after=False)
    cohort(audit, officers, [1, 1], looked_after=True, start_date=dt.date(2026, 1, 5))  # started before March
    services.programme_audit_sample(audit=audit, by=manager)
    sampled = Case.objects.filter(inspection=audit.inspection, in_sample=True)
    assert sampled.count() == 4
    assert all(c.looked_after and c.start_date >= MARCH.start for c in sampled)


def test_no_peer_to_assess_is_refused_and_nothing_is_half_saved(service, manager):
    template = template_for(service, manager)
    audit, _ = services.programme_audit_create(template=template, period=MARCH, by=manager)
    cohort(audit, [manager], [4])
    with pytest.raises(ValidationError, match="no officers"):
        services.programme_audit_sample(audit=audit, by=manager)
    assert not Case.objects.filter(inspection=audit.inspection, in_sample=True).exists()
    assert not audit.inspection.sample_draws.exists()


def test_a_themed_audit_reads_only_its_area_in_scoring_and_judgements(service, manager, officer):
    audit, case = themed_audit_case(service, manager)
    assert len(audit.question_ids) == 3
    assessment = AssessmentFactory(case=case, assessor=officer)
    answers = {f"saf-{n}": ("yes", "") for n in (1, 2)}
    with pytest.raises(ScoringProblems) as problems:
        assessment_save(assessment=assessment, answers=answers, version=0, by=officer, submit=True)
    assert set(problems.value.problems) == {"saf-3"}  # nothing asked of Risk of harm
    answers["saf-3"] = ("no", "Not done")
    answers["roh-1"] = ("yes", "")  # outside the audit: ignored
    assessment_save(assessment=assessment, answers=answers, version=0, by=officer, submit=True)
    assert sorted(assessment.answers.values_list("question__code", flat=True)) == ["saf-1", "saf-2", "saf-3"]

    figures = inspection_judgements(audit.inspection)
    assert [a.area.code for a in figures.areas] == ["saf"]
    assert figures.areas[0].score == 67


def test_the_scoring_page_of_a_themed_audit_asks_only_its_questions(client, service, manager, officer):
    from django.urls import reverse

    audit, case = themed_audit_case(service, manager)
    assessment = AssessmentFactory(case=case, assessor=officer)
    client.force_login(officer)
    url = reverse("cases:assessment", args=[assessment.pk])
    page = client.get(url).content.decode()
    assert 'name="q-saf-3"' in page and 'name="q-roh-1"' not in page
    assert "Answered 0 of 3 questions" in page
    saved = client.post(url, {"version": 0, "action": "draft", "q-saf-1": "yes", "q-roh-1": "yes"})
    assert saved.status_code == 302
    assert list(assessment.answers.values_list("question__code", flat=True)) == ["saf-1"]
    assert "Answered 1 of 3 questions" in client.get(url).content.decode()


def test_template_checks(service, other_service, manager):
    framework = FrameworkFactory()
    other_framework = FrameworkFactory()
    with pytest.raises(ValidationError) as refused:
        template_for(
            service,
            manager,
            framework=framework,
            areas=[Area.objects.filter(framework=other_framework).first()],
            sample_rule="share",
            sample_number=150,
        )
    assert set(refused.value.message_dict) == {"areas", "sample_number"}
    template_for(service, manager)
    with pytest.raises(ValidationError, match="already has an audit of that name"):
        template_for(service, manager)
    template_for(other_service, manager)  # the same name in another service is fine
    with pytest.raises(ValidationError, match="at least one period"):
        template_for(service, manager, name="Dates", rhythm="dates", dates=[])


def test_a_themed_audits_case_is_moderated_on_its_questions_alone(client, service, manager, officer):
    """The moderation page compares, and moderation settles, only the questions the audit reads: a
    question outside it, answered by neither marker, is neither shown nor left to settle."""
    from django.urls import reverse

    from cases.oversight.moderation import case_comparison, moderation_complete, moderation_settle

    audit, case = themed_audit_case(service, manager)
    second_officer = member(service, Role.OFFICER, username="second-marker")
    for assessor, marking, third in ((officer, "first", "no"), (second_officer, "second", "yes")):
        assessment = AssessmentFactory(case=case, assessor=assessor, marking=marking)
        answers = {"saf-1": ("yes", ""), "saf-2": ("yes", ""), "saf-3": (third, "Plan not reviewed")}
        assessment_save(assessment=assessment, answers=answers, version=0, by=assessor, submit=True)

    comparison = case_comparison(Case.objects.select_related("inspection").get(pk=case.pk))
    assert [q.question.code for q in comparison.questions] == ["saf-1", "saf-2", "saf-3"]
    client.force_login(manager)
    page = client.get(reverse("cases:moderation_case", args=[audit.inspection.pk, case.pk])).content.decode()
    assert "saf-3" in page and "roh-1" not in page

    moderation_settle(case=case, decisions={"saf-3": ("yes", "Checked the plan")}, by=manager)
    final = moderation_complete(case=case, by=manager)
    assert final.status == "submitted"
    assert (final.yes, final.no, final.na) == (3, 0, 0)
