"""Writes of the audit programme: templates, each period's audit, its sample and assignment.

The button on the template page and `manage.py create_programme_audits` (cron) call the same
`programme_audit_create`; it creates nothing twice for one period however often it runs (the
template row is locked and the database holds one audit per template and period). The sample
is drawn and assigned by the sampling package's own services, with the template's rule and
filters and a seed made from the template and period, so the same cohort gives the same sample.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from inspections.models import InspectionKind, InspectionStatus, Question, Role
from inspections.services import inspection_create, inspection_move_on

from ..models import AuditTemplate, Case, ProgrammeAudit, Rhythm, SampleRule, WhoAssesses
from ..sampling.selectors import eligible_assessors, latest_draw
from ..sampling.services import assessments_assign, sample_draw
from . import periods

TEMPLATE_FIELDS = (
    "name",
    "framework",
    "rhythm",
    "dates",
    "starts_on",
    "days_to_complete",
    "sample_rule",
    "sample_number",
    "disposals",
    "rosh_levels",
    "looked_after_only",
    "start_in_period",
    "assessed_by",
    "active",
)


def given_dates(template) -> list[periods.Period]:
    return periods.given_periods(
        (dt.date.fromisoformat(d["start"]), dt.date.fromisoformat(d["end"])) for d in template.dates or []
    )


def template_period_of(template, day) -> periods.Period | None:
    """The template's period holding `day`, or None (before it starts, or between given dates)."""
    dates = given_dates(template) if template.rhythm == Rhythm.DATES else ()
    return periods.period_of(template.rhythm, day, template.starts_on, dates)


def template_periods(template, year) -> list[periods.Period]:
    dates = given_dates(template) if template.rhythm == Rhythm.DATES else ()
    return periods.periods_in_year(template.rhythm, year, template.starts_on, dates)


def _check_template(template, areas, questions):
    problems = {}
    if template.rhythm == Rhythm.DATES:
        try:
            if not given_dates(template):
                problems["dates"] = "Enter at least one period for an audit on given dates."
        except (ValueError, KeyError, TypeError) as error:
            problems["dates"] = f"The given dates cannot be read: {error}."
    if template.sample_rule == SampleRule.SHARE and not 1 <= template.sample_number <= 100:
        problems["sample_number"] = "A share of the cohort is from 1 to 100 per cent."
    if template.sample_number < 1:
        problems["sample_number"] = "Enter 1 or more."
    if any(a.framework_id != template.framework_id for a in areas):
        problems["areas"] = "Choose areas of the template's framework."
    if any(q.framework_id != template.framework_id for q in questions):
        problems["questions"] = "Choose questions of the template's framework."
    clash = AuditTemplate.objects.filter(service_id=template.service_id, name=template.name).exclude(pk=template.pk)
    if clash.exists():
        problems["name"] = "The programme already has an audit of that name."
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def audit_template_create(*, service, by, areas=(), questions=(), **fields) -> AuditTemplate:
    """A new recurring audit in the service's programme."""
    unknown = set(fields) - set(TEMPLATE_FIELDS)
    if unknown:
        raise TypeError(f"unknown template fields: {', '.join(sorted(unknown))}")
    template = AuditTemplate(service=service, created_by=by, **fields)
    areas, questions = list(areas), list(questions)
    _check_template(template, areas, questions)
    template._history_user = by
    template.save()
    template.areas.set(areas)
    template.questions.set(questions)
    return template


def audit_question_ids(template) -> list[int]:
    """The questions a template's audits read: the chosen questions and every question of the chosen
    areas; [] when neither is chosen (the whole framework)."""
    area_ids = list(template.areas.values_list("pk", flat=True))
    ids = set(template.questions.values_list("pk", flat=True))
    if area_ids:
        ids |= set(Question.objects.filter(area_id__in=area_ids).values_list("pk", flat=True))
    return sorted(ids)


@transaction.atomic
def programme_audit_create(*, template, period, by) -> tuple[ProgrammeAudit, bool]:
    """The period's audit of the template: created (an internal audit, Planned) or the one already
    there. Returns (audit, created)."""
    template = AuditTemplate.objects.select_for_update().select_related("service", "framework").get(pk=template.pk)
    existing = ProgrammeAudit.objects.filter(template=template, period_start=period.start).first()
    if existing is not None:
        return existing, False
    if template_period_of(template, period.start) != period:
        raise ValidationError(f"{period.label} is not a period of {template.name}.")
    inspection = inspection_create(
        service=template.service,
        created_by=by,
        framework=template.framework,
        kind=InspectionKind.INTERNAL_AUDIT,
        title=f"{template.name}: {period.label}",
        period_start=period.start,
        period_end=period.end,
    )
    audit = ProgrammeAudit.objects.create(
        template=template,
        inspection=inspection,
        period_start=period.start,
        period_end=period.end,
        due_on=periods.due_on(period, template.days_to_complete),
        question_ids=audit_question_ids(template),
        created_by=by,
    )
    return audit, True


def audit_seed(audit) -> str:
    return f"programme-{audit.template_id}-{audit.period_start:%Y-%m-%d}"


def draw_arguments(template, period_start, period_end) -> dict:
    """The sampling services' arguments for the template's sample rule and cohort filters."""
    rule = template.sample_rule
    if rule == SampleRule.PER_CASE_MANAGER:
        arguments = {"method": "per_group", "size": template.sample_number, "strata": ["case_manager"]}
    elif rule == SampleRule.PER_TEAM:
        arguments = {"method": "per_group", "size": template.sample_number, "strata": ["team"]}
    elif rule == SampleRule.SHARE:
        arguments = {"method": "share", "share": template.sample_number}
    else:
        arguments = {"method": "yjb"}
    filters = {
        "disposals": list(template.disposals or []),
        "rosh_levels": list(template.rosh_levels or []),
        "looked_after_only": template.looked_after_only,
        "started_between": [period_start, period_end] if template.start_in_period else None,
    }
    if any(filters.values()):
        arguments["cohort_filters"] = filters
    return arguments


def assessor_roles(template):
    return [Role.OFFICER] if template.assessed_by == WhoAssesses.PEER else [Role.MANAGER]


@transaction.atomic
def programme_audit_sample(*, audit, by) -> dict:
    """Draw the period's sample from the cohort uploaded to the audit and assign it, by the template's
    rules (never to a case's own case manager); the audit moves on to Scoring."""
    template = audit.template
    inspection = audit.inspection
    if latest_draw(inspection) is not None:
        raise ValidationError("The sample of this audit is drawn already.")
    arguments = draw_arguments(template, audit.period_start, audit.period_end)
    draw = sample_draw(inspection=inspection, seed=audit_seed(audit), by=by, **arguments)
    roles = assessor_roles(template)
    assessors = eligible_assessors(inspection, roles)
    if not assessors:
        who = "officers" if roles == [Role.OFFICER] else "managers"
        raise ValidationError(f"The service has no {who} to assess the cases.")
    result = assessments_assign(inspection=inspection, assessors=assessors, by=by, roles=roles)
    inspection.refresh_from_db()
    if inspection.status == InspectionStatus.SAMPLING:
        inspection_move_on(inspection=inspection, to_status=InspectionStatus.SCORING, changed_by=by)
    return {"draw": draw, **result}


def programme_run(*, today, by=None, service=None) -> list[dict]:
    """What cron runs each day: each active template's audit for the period holding `today`
    (created once), and the sample of every audit whose cohort is uploaded but not yet drawn.
    Returns one line per thing done or refused, for the command to print."""
    templates = AuditTemplate.objects.filter(active=True).select_related("service").order_by("service__name", "name")
    if service is not None:
        templates = templates.filter(service=service)
    done = []
    for template in templates:
        period = template_period_of(template, today)
        if period is None:
            continue
        audit, created = programme_audit_create(template=template, period=period, by=by)
        done.append({"audit": audit, "what": "created" if created else "already there"})
    waiting = (
        ProgrammeAudit.objects.filter(
            template__in=templates,
            inspection__status__in=[InspectionStatus.PLANNED, InspectionStatus.SAMPLING],
            inspection__sample_draws__isnull=True,
        )
        .filter(pk__in=ProgrammeAudit.objects.filter(inspection__cases__isnull=False).values("pk"))
        .select_related("template", "inspection")
        .distinct()
    )
    for audit in waiting:
        try:
            result = programme_audit_sample(audit=audit, by=by)
        except ValidationError as error:
            done.append({"audit": audit, "what": "not sampled: " + " ".join(error.messages)})
        else:
            done.append({"audit": audit, "what": f"sampled and assigned {result['first']} cases"})
    return done


def has_cohort(audit) -> bool:
    return Case.objects.filter(inspection_id=audit.inspection_id).exists()
