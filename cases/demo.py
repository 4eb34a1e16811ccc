"""Demo inspections with scored cases, for `manage.py load_demo`. Fictional and reproducible:
answers come from a fixed seed, so every run shows the same figures. Safe to run again."""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from inspections.models import Framework, Inspection, InspectionStatus, Recommendation
from inspections.services import inspection_create

from .models import Answer, Assessment, AssessmentStatus, Case, Marking
from .sampling.demo import create_demo_cohort_and_sample
from .services import case_assign, inspection_publish

# Chance that a question is answered Yes in each area (roughly Wigan 2009's profile).
YES_RATE = {"roh": 0.60, "lro": 0.66, "saf": 0.70}
DISPOSALS = ["out_of_court", "community", "community", "custody"]
RISKS = ["low", "medium", "medium", "high", "very_high"]

RECOMMENDATIONS = [
    ("roh", "Assessments of risk of harm to others are completed on time and are of good quality."),
    ("roh", "Plans to manage risk of harm are specific, reviewed when circumstances change, and shared."),
    ("lro", "Intervention plans address the factors most linked to offending and involve the young person."),
    ("saf", "Vulnerability assessments lead to timely plans, shared with children's social care where needed."),
    (None, "Management oversight of casework is consistent, recorded, and makes a difference to quality."),
]
FINDINGS = [
    ("roh", "Timeliness and quality of recording, assessment and planning, particularly in relation to risk."),
    (None, "Quality and consistency of management oversight."),
]


def _demo_case(inspection, rng, number, case_manager=None, **fields):
    start, end = inspection.period_start, inspection.period_end
    defaults = {
        "disposal": rng.choice(DISPOSALS),
        "rosh": rng.choice(RISKS),
        "gender": "female" if rng.random() < 0.2 else "male",
        "age_at_start": rng.randint(12, 17),
        "ethnicity": rng.choice(["White British", "Black British", "Asian British", "Mixed", "Not recorded"]),
        "looked_after": rng.random() < 0.15,
        "start_date": start + timedelta(days=rng.randint(0, (end - start).days)),
        "team": rng.choice(["North team", "South team"]),
        "in_sample": True,
    }
    defaults.update(fields)
    return Case.objects.create(
        inspection=inspection,
        reference=f"{inspection.service.slug[:2].upper()}-{inspection.pk:02d}-{number:04d}",
        case_manager=case_manager,
        case_manager_name="" if case_manager else rng.choice(["J. Patel", "S. Green"]),
        **defaults,
    )


def _score(assessment, questions, rng, shift=0.0):
    answers = []
    for question in questions:
        roll = rng.random()
        if roll < 0.08:
            value, note = "na", ""
        elif roll < 0.08 + YES_RATE.get(question.area.code, 0.65) + shift:
            value, note = "yes", ""
        else:
            value, note = "no", "Not evident on the file within the timescale."
        answers.append(Answer(assessment=assessment, question=question, value=value, note=note))
    bulk_create_with_history(answers, Answer, default_change_reason="Demo data")
    values = [a.value for a in answers]
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.answered = len(values)
    assessment.yes, assessment.no, assessment.na = values.count("yes"), values.count("no"), values.count("na")
    assessment.save()


@transaction.atomic
def create_demo_inspections(services, people):
    """A Northshire HMIP inspection published about five months ago, the YJB mock inspection
    that follows it (scoring now), and an Eastbridge internal audit. Dates are relative to today,
    so the improvement plan built on the inspection reads as current. Returns {name: inspection}."""
    cci = Framework.objects.get(code="cci", version="2009")
    north, east = services["northshire"], services["eastbridge"]
    rng = random.Random(2015)
    inspections = {}
    today = timezone.localdate()
    published_on = today - timedelta(days=150)
    fieldwork_start = published_on - timedelta(days=110)
    inspection_title = f"HMIP core case inspection {fieldwork_start.year}"
    mock_title = f"YJB mock inspection {today.year}"

    published = Inspection.objects.filter(service=north, kind="hmip_inspection").first()
    if published is None:
        published = inspection_create(
            service=north,
            created_by=people["inspector"],
            framework=cci,
            kind="hmip_inspection",
            title=inspection_title,
            period_start=fieldwork_start - timedelta(days=365),
            period_end=fieldwork_start - timedelta(days=1),
            notified_on=fieldwork_start - timedelta(days=7),
            fieldwork_start=fieldwork_start,
            fieldwork_end=fieldwork_start + timedelta(days=18),
            lead_inspector=people["inspector"],
        )
        questions = list(cci.questions.select_related("area"))
        assessors = [people["inspector"], people["assessor"]]
        for number in range(1, 35):
            case = _demo_case(published, rng, number)
            assessment = Assessment.objects.create(case=case, assessor=assessors[number % 2])
            _score(assessment, questions, rng)
        for order, (area_code, text) in enumerate(RECOMMENDATIONS, start=1):
            Recommendation.objects.create(
                inspection=published,
                text=text,
                order=order,
                area=cci.areas.get(code=area_code) if area_code else None,
            )
        for order, (area_code, text) in enumerate(FINDINGS, start=1):
            published.findings.create(text=text, order=order, area=cci.areas.get(code=area_code) if area_code else None)
        published.status = InspectionStatus.MODERATION
        published.save()
        inspection_publish(inspection=published, by=people["inspector"], published_on=published_on)
        published.refresh_from_db()
    inspections["published"] = published

    mock = Inspection.objects.filter(service=north, kind="yjb_mock").first()
    if mock is None:
        mock = inspection_create(
            service=north,
            created_by=people["manager"],
            framework=cci,
            kind="yjb_mock",
            title=mock_title,
            period_start=published_on,
            period_end=today - timedelta(days=30),
            fieldwork_start=today - timedelta(days=7),
            fieldwork_end=today + timedelta(days=7),
            lead_inspector=people["inspector"],
            follows=published,
        )
        # The cohort of about 60 and its drawn, assigned sample of 34 ("a short list of 34 cases
        # out of a cohort of approximately 60"), then scoring under way.
        create_demo_cohort_and_sample(
            mock,
            assessors=[people["officer"], people["assessor"]],
            case_managers=[people["casemanager1"], people["casemanager2"]],
            seed="20160111",
            years_later=today.year - 2015,
        )
        mock.status = InspectionStatus.SCORING
        mock.save()
        questions = list(cci.questions.select_related("area"))
        # The other assessor has scored most of theirs (better than last time: the plan is working);
        # the officer's are still to do.
        scored_by_assessor = Assessment.objects.filter(
            case__inspection=mock, assessor=people["assessor"], marking=Marking.FIRST
        ).order_by("case__reference")[:12]
        for assessment in scored_by_assessor:
            _score(assessment, questions, rng, shift=0.12)
    create_demo_second_markings(mock, people)
    inspections["mock"] = mock

    audit = Inspection.objects.filter(service=east, kind="internal_audit").first()
    if audit is None:
        audit = inspection_create(
            service=east,
            created_by=people["manager2"],
            framework=cci,
            kind="internal_audit",
            title=f"Internal case audit {today.year}",
            period_start=today - timedelta(days=270),
            period_end=today - timedelta(days=90),
            lead_inspector=people["inspector2"],
        )
        audit.status = InspectionStatus.SCORING
        audit.save()
        for number in range(1, 4):
            case = _demo_case(audit, rng, number)
            case_assign(case=case, assessor=people["officer2"], assigned_by=people["manager2"])
    inspections["audit"] = audit
    return inspections


DEMO_SECOND_MARKINGS = 4


def _second_marking_from(first, second, questions, rng):
    """Score `second` like `first`, with some answers seen differently: disagreements to moderate."""
    given = {a.question_id: a for a in first.answers.all()}
    answers = []
    flipped = 0
    for question in questions:
        original = given.get(question.pk)
        value = original.value if original else "na"
        if value in ("yes", "no") and (rng.random() < 0.2 or (flipped == 0 and question.area.code == "roh")):
            value = "no" if value == "yes" else "yes"
            flipped += 1
        note = "Second marker: not evident on the file." if value == "no" else ""
        answers.append(Answer(assessment=second, question=question, value=value, note=note))
    bulk_create_with_history(answers, Answer, default_change_reason="Demo data")
    values = [a.value for a in answers]
    second.status = AssessmentStatus.SUBMITTED
    second.answered = len(values)
    second.yes, second.no, second.na = values.count("yes"), values.count("no"), values.count("na")
    second.save()


@transaction.atomic
def create_demo_second_markings(mock, people):
    """A few blind second markings of the mock inspection, submitted beside their first markings
    and disagreeing on some questions, ready for a manager to moderate. Runs once: nothing happens
    if the mock inspection already has a submitted second marking."""
    seconds = Assessment.objects.filter(case__inspection=mock, marking=Marking.SECOND)
    if seconds.filter(status=AssessmentStatus.SUBMITTED).exists():
        return
    rng = random.Random(2016)
    questions = list(mock.framework.questions.select_related("area").order_by("area__order", "order"))
    done = 0
    # The officer second-marks cases the other assessor marked first; the officer's own first
    # markings are left for them to do.
    for second in seconds.filter(assessor=people["officer"]).select_related("case").order_by("case__reference"):
        first = Assessment.objects.filter(case=second.case, marking=Marking.FIRST).first()
        if first is None or first.assessor_id == people["officer"].pk or second.status != AssessmentStatus.NOT_STARTED:
            continue
        if first.status != AssessmentStatus.SUBMITTED:
            if first.answers.exists():
                continue
            _score(first, questions, rng, shift=0.12)
        _second_marking_from(first, second, questions, rng)
        done += 1
        if done == DEMO_SECOND_MARKINGS:
            break


DOMAIN_1_EVIDENCE = {
    "s1-1": ("Good", "Board minutes for the last four quarters; the chair's challenge is recorded and followed up."),
    "s1-2": ("Requires improvement", "Staff survey and supervision records: supervision is irregular in one team."),
    "s1-3": ("Good", "Partnership agreements with health, education and children's social care are current."),
    "s1-4": ("Good", "Policies are up to date; case records are accessible; the office is fit for children."),
}


@transaction.atomic
def create_demo_2018_inspection(services, people):
    """An Eastbridge inspection on the 2018-style framework, in moderation: domain 1 judged once
    from evidence by the lead inspector, eight court and out-of-court cases scored on the per-case
    standards, so the judgements page shows every standard and the overall rating. Safe to run again."""
    from inspections.services import area_judge

    framework = Framework.objects.filter(code="hmip2018").order_by("-loaded_at").first()
    east = services["eastbridge"]
    title = "HMIP youth offending inspection (2018 style)"
    existing = Inspection.objects.filter(service=east, framework=framework, title=title).first()
    if framework is None or existing is not None:
        return existing
    today = timezone.localdate()
    inspection = inspection_create(
        service=east,
        created_by=people["inspector2"],
        framework=framework,
        kind="hmip_inspection",
        title=title,
        period_start=today - timedelta(days=400),
        period_end=today - timedelta(days=60),
        lead_inspector=people["inspector2"],
    )
    inspection.status = InspectionStatus.MODERATION
    inspection.save()
    rng = random.Random(2018)
    questions = list(
        framework.questions.filter(area__judged_once=False).select_related("area").order_by("area__order", "order")
    )
    for number in range(1, 9):
        case = _demo_case(
            inspection,
            rng,
            number,
            disposal="out_of_court" if number % 3 == 0 else "community",
            looked_after=number in (1, 3, 5),  # asked the looked-after questions (s2-1-a5, s3-1-a4...)
            rosh="high" if number in (2, 4) else "medium",  # asked the high-risk ones (s2-2-p4, s2-4-r4)
        )
        assessment = case_assign(case=case, assessor=people["officer2"], assigned_by=people["manager2"])
        _score(assessment, [q for q in questions if q.applies_to_case(case)], rng, shift=0.15)
    for area in framework.areas.filter(judged_once=True):
        band, evidence = DOMAIN_1_EVIDENCE.get(area.code, ("Good", "Evidence from the service's documents."))
        area_judge(inspection=inspection, area=area, band_label=band, evidence=evidence, by=people["inspector2"])
    return inspection
