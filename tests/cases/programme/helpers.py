"""Building blocks for the programme's tests: a template, its period's audit, a cohort, scored answers."""

import datetime as dt

from cases.models import Answer, Assessment, AssessmentStatus, Case
from cases.programme import services
from cases.programme.periods import Period
from inspections.models import Area, Question
from tests.factories import CaseFactory, FrameworkFactory

MARCH = Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def template_for(service, by, framework=None, **fields):
    defaults = {
        "name": "Monthly case audits",
        "framework": framework or FrameworkFactory(),
        "rhythm": "monthly",
        "starts_on": dt.date(2026, 1, 1),
        "sample_rule": "per_case_manager",
        "sample_number": 2,
    }
    areas = fields.pop("areas", ())
    questions = fields.pop("questions", ())
    return services.audit_template_create(
        service=service, by=by, areas=areas, questions=questions, **{**defaults, **fields}
    )


def themed_audit_case(service, manager):
    """A Safeguarding-only audit (its template reads the area's three questions) of March, and one
    sampled case of its cohort."""
    framework = FrameworkFactory()
    safeguarding = Area.objects.get(framework=framework, code="saf")
    template = template_for(service, manager, framework=framework, name="Safeguarding", areas=[safeguarding])
    audit, _ = services.programme_audit_create(template=template, period=MARCH, by=manager)
    case = cohort(audit, [None], [1])[0]
    case.in_sample = True
    case.save()
    return audit, case


def cohort(audit, managers, per_manager, **case_fields):
    """Cases of the audit's cohort: `per_manager[i]` cases managed by `managers[i]`."""
    cases = []
    for manager, n in zip(managers, per_manager, strict=True):
        for _ in range(n):
            cases.append(
                CaseFactory(
                    inspection=audit.inspection,
                    in_sample=False,
                    case_manager=manager,
                    start_date=case_fields.get("start_date", audit.period_start),
                    **{k: v for k, v in case_fields.items() if k != "start_date"},
                )
            )
    return cases


def score(inspection, assessor, yes_share, cases=None):
    """Submitted first markings on `cases` (default: the sampled cases), Yes to `yes_share` of each area's questions."""
    questions = list(Question.objects.filter(framework=inspection.framework).order_by("area__order", "order"))
    cases = cases if cases is not None else list(Case.objects.filter(inspection=inspection, in_sample=True))
    for case in cases:
        assessment, _ = Assessment.objects.get_or_create(
            case=case, marking="first", defaults={"assessor": assessor, "status": AssessmentStatus.SUBMITTED}
        )
        assessment.status = AssessmentStatus.SUBMITTED
        assessment.save()
        by_area = {}
        for question in questions:
            by_area.setdefault(question.area_id, []).append(question)
        for area_questions in by_area.values():
            yes_count = int(len(area_questions) * yes_share + 0.5)
            for index, question in enumerate(area_questions):
                yes = index < yes_count
                Answer.objects.update_or_create(
                    assessment=assessment,
                    question=question,
                    defaults={"value": "yes" if yes else "no", "note": "" if yes else "Gap"},
                )
