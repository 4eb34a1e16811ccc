"""The demo's audit programme, for `manage.py load_demo`: Northshire's monthly case audits with six
past months finished (scores drifting upwards as the improvement plan bites) and this month's open,
and a quarterly looked-after-children audit that reads only Safeguarding. Fictional, reproducible
(fixed seeds) and safe to run again: each step is skipped once done."""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from inspections.models import Framework, InspectionStatus

from ..demo import _demo_case, _score
from ..models import Assessment, AssessmentStatus, AuditTemplate, Marking
from ..services import inspection_publish
from . import periods, services

MONTHLY = "Monthly case audits"
LOOKED_AFTER = "Looked-after children"
CASES_PER_MONTH = 12
# How much likelier a Yes is than in the 2015 inspection, month by month (oldest first).
DRIFT = [-0.18, -0.12, -0.08, -0.02, 0.04, 0.10]


def _template(service, by, name, areas=(), **fields):
    template = AuditTemplate.objects.filter(service=service, name=name).first()
    return template or services.audit_template_create(service=service, by=by, areas=areas, name=name, **fields)


def _fill(audit, rng, case_managers, by, looked_after=None):
    """The period's cohort (cases managed by `case_managers`), drawn and assigned by the template's rules."""
    inspection = audit.inspection
    if inspection.cases.exists():
        return
    for number in range(1, CASES_PER_MONTH + 1):
        extra = {"in_sample": False}
        if looked_after is not None:
            extra["looked_after"] = looked_after(number)
        _demo_case(inspection, rng, number, case_manager=case_managers[number % len(case_managers)], **extra)
    services.programme_audit_sample(audit=audit, by=by)


def _finish(audit, rng, questions, shift, by, late_days=0):
    """Score every first marking and publish the audit (on time, or `late_days` after its due date)."""
    inspection = audit.inspection
    if inspection.is_published:
        return
    for assessment in Assessment.objects.filter(case__inspection=inspection, marking=Marking.FIRST).exclude(
        status=AssessmentStatus.SUBMITTED
    ):
        _score(assessment, questions, rng, shift=shift)
    inspection.status = InspectionStatus.MODERATION
    inspection.save()
    on = audit.due_on + timedelta(days=late_days) if late_days else audit.period_end + timedelta(days=10)
    inspection_publish(inspection=inspection, by=by, published_on=min(on, timezone.localdate()))


@transaction.atomic
def create_demo_programme(service, people, today=None):
    """Northshire's programme. Returns the monthly template (the improvement plan's action links to it)."""
    today = today or timezone.localdate()
    cci = Framework.objects.get(code="cci", version="2009")
    manager = people["manager"]
    case_managers = [people["casemanager1"], people["casemanager2"], people["officer"]]
    this_month = periods.month_of(today)
    first_month = periods.month_of(periods.add_months(this_month.start, -6))
    monthly = _template(
        service,
        manager,
        MONTHLY,
        framework=cci,
        rhythm="monthly",
        starts_on=first_month.start,
        days_to_complete=14,
        sample_rule="per_case_manager",
        sample_number=2,
        assessed_by="peer",
    )
    questions = list(cci.questions.select_related("area"))
    for index, shift in enumerate(DRIFT):
        period = periods.month_of(periods.add_months(first_month.start, index))
        audit, _ = services.programme_audit_create(template=monthly, period=period, by=manager)
        rng = random.Random(f"programme-{index}")
        _fill(audit, rng, case_managers, manager)
        _finish(audit, rng, questions, shift, manager, late_days=9 if index == 1 else 0)
    current, _ = services.programme_audit_create(template=monthly, period=this_month, by=manager)
    _fill(current, random.Random("programme-now"), case_managers, manager)

    quarter = periods.quarter_of(periods.add_months(periods.quarter_of(today).start, -3))
    looked_after = _template(
        service,
        manager,
        LOOKED_AFTER,
        framework=cci,
        rhythm="quarterly",
        starts_on=quarter.start,
        days_to_complete=21,
        sample_rule="share",
        sample_number=50,
        looked_after_only=True,
        assessed_by="manager",
        areas=list(cci.areas.filter(code="saf")),
    )
    audit, _ = services.programme_audit_create(template=looked_after, period=quarter, by=manager)
    rng = random.Random("programme-lac")
    _fill(audit, rng, case_managers, manager, looked_after=lambda n: n % 4 != 0)
    scoped = [q for q in questions if q.pk in set(audit.question_ids)]
    _finish(audit, rng, scoped, 0.05, manager)
    return monthly
