"""Writes on the ground floor: frameworks, inspections, findings and recommendations, overrides.

Each service is keyword-only, runs in one transaction, and raises `ValidationError` with a
message a user can act on when the write is refused.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .concurrency import claim_version
from .framework_definition import FrameworkDefinition
from .models import (
    NEXT_STATUS,
    Area,
    Band,
    Framework,
    Inspection,
    InspectionStatus,
    Judgement,
    OverallBand,
    Question,
)


@transaction.atomic
def framework_load(*, definition: FrameworkDefinition) -> tuple[Framework, bool]:
    """Store a validated framework definition. Returns (framework, created).

    A version already loaded is left as it is when the file says the same; a version that an
    inspection uses is frozen, so a changed file must carry a new version.
    """
    existing = Framework.objects.filter(code=definition.code, version=definition.version).first()
    if existing is not None:
        if _as_definition_fingerprint(existing) == _fingerprint(definition):
            return existing, False
        if existing.is_in_use:
            raise ValidationError(
                f"Framework {definition.code} version {definition.version} is used by an inspection, so it "
                "cannot change. Give the file a new version (for example "
                f'version: "{definition.version}.1") and load it again.'
            )
        existing.delete()

    framework = Framework.objects.create(
        code=definition.code,
        name=definition.name,
        version=definition.version,
        rule=definition.rule,
        description=definition.description,
    )
    points = definition.overall.points if definition.overall else {}
    Band.objects.bulk_create(
        Band(
            framework=framework,
            label=band.label,
            min_percent=band.min_percent,
            equivalent=band.equivalent,
            points=points.get(band.label),
        )
        for band in definition.bands
    )
    if definition.overall:
        OverallBand.objects.bulk_create(
            OverallBand(framework=framework, label=band.label, min_points=band.min_points)
            for band in definition.overall.bands
        )
    for area_order, area_definition in enumerate(definition.areas):
        area = Area.objects.create(
            framework=framework,
            code=area_definition.code,
            name=area_definition.name,
            order=area_order,
            judged_once=area_definition.judged_once,
            applies_to=area_definition.applies_to,
        )
        Question.objects.bulk_create(
            Question(
                framework=framework,
                area=area,
                code=question.code,
                stage=question.stage,
                text=question.text,
                guidance=question.guidance,
                key=question.key,
                applies_to=question.applies_to,
                order=order,
            )
            for order, question in enumerate(area_definition.questions)
        )
    return framework, True


def _fingerprint(definition: FrameworkDefinition):
    points = definition.overall.points if definition.overall else {}
    return (
        definition.name,
        definition.rule,
        definition.description,
        tuple(sorted((b.label, b.min_percent, b.equivalent, points.get(b.label)) for b in definition.bands)),
        tuple(sorted((b.label, b.min_points) for b in definition.overall.bands)) if definition.overall else (),
        tuple(
            (
                a.code,
                a.name,
                a.judged_once,
                a.applies_to,
                tuple((q.code, q.stage, q.text, q.guidance, q.key, q.applies_to) for q in a.questions),
            )
            for a in definition.areas
        ),
    )


def _as_definition_fingerprint(framework: Framework):
    areas = framework.areas.prefetch_related("questions")
    return (
        framework.name,
        framework.rule,
        framework.description,
        tuple(sorted((b.label, b.min_percent, b.equivalent, b.points) for b in framework.bands.all())),
        tuple(sorted((b.label, b.min_points) for b in framework.overall_bands.all())),
        tuple(
            (
                a.code,
                a.name,
                a.judged_once,
                a.applies_to,
                tuple((q.code, q.stage, q.text, q.guidance, q.key, q.applies_to) for q in a.questions.all()),
            )
            for a in areas
        ),
    )


INSPECTION_FIELDS = (
    "framework",
    "kind",
    "title",
    "period_start",
    "period_end",
    "notified_on",
    "fieldwork_start",
    "fieldwork_end",
    "published_on",
    "lead_inspector",
    "follows",
)


def _check_inspection(inspection: Inspection):
    problems = {}
    if inspection.period_start and inspection.period_end and inspection.period_start > inspection.period_end:
        problems["period_end"] = "The end of the period must be on or after its start"
    if (
        inspection.fieldwork_start
        and inspection.fieldwork_end
        and inspection.fieldwork_start > inspection.fieldwork_end
    ):
        problems["fieldwork_end"] = "The end of fieldwork must be on or after its start"
    if inspection.follows_id and inspection.follows.service_id != inspection.service_id:
        problems["follows"] = "The inspection followed up must be of the same service"
    if inspection.follows_id and inspection.pk and inspection.follows_id == inspection.pk:
        problems["follows"] = "An inspection cannot follow up itself"
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def inspection_create(*, service, created_by, **fields) -> Inspection:
    unknown = set(fields) - set(INSPECTION_FIELDS)
    if unknown:
        raise TypeError(f"unknown inspection fields: {', '.join(sorted(unknown))}")
    inspection = Inspection(service=service, **fields)
    _check_inspection(inspection)
    inspection._history_user = created_by
    inspection.save()
    return inspection


@transaction.atomic
def inspection_update(*, inspection: Inspection, changed_by, version=None, **fields) -> Inspection:
    """Change an inspection's details. Once scoring has started its framework cannot change: compared with
    the stored inspection (a form may already have written its values onto `inspection`). StaleEdit if it
    changed since `version` (the one the page showed) was read."""
    claim_version(inspection, version)
    for name, value in fields.items():
        if name not in INSPECTION_FIELDS:
            raise TypeError(f"unknown inspection field: {name}")
        setattr(inspection, name, value)
    Inspection.objects.select_for_update().filter(pk=inspection.pk).first()
    problems = inspection.frozen_field_problems()
    if problems:
        raise ValidationError(problems)
    _check_inspection(inspection)
    inspection._history_user = changed_by
    inspection.save()
    return inspection


@transaction.atomic
def area_judge(*, inspection: Inspection, area: Area, band_label: str, evidence: str, by, version=None) -> Judgement:
    """Judge an area that is judged once per inspection (`judged: once`): a band of the framework and
    the evidence it rests on; an empty band withdraws it. StaleEdit if the judgement changed since
    `version` was read."""
    if inspection.is_published:
        raise ValidationError("This inspection is published: its judgements can no longer change.")
    if area.framework_id != inspection.framework_id or not area.judged_once:
        raise ValidationError("That area is not judged once per inspection in this inspection's framework.")
    judgement, _ = Judgement.objects.select_for_update().get_or_create(inspection=inspection, area=area)
    claim_version(judgement, version)
    if band_label:
        if not inspection.framework.bands.filter(label=band_label).exists():
            raise ValidationError({"band_label": "Choose one of the framework's bands"})
        if not evidence.strip():
            raise ValidationError({"evidence": "Give the evidence the judgement rests on"})
        judgement.judged_band_label, judgement.evidence_note = band_label, evidence.strip()
        judgement.judged_by, judgement.judged_at = by, timezone.now()
        judgement._change_reason = "Judged from evidence"
    else:
        judgement.judged_band_label, judgement.evidence_note = "", ""
        judgement.judged_by, judgement.judged_at = None, None
        judgement._change_reason = "Judgement from evidence withdrawn"
    judgement._history_user = by
    judgement.save()
    return judgement


@transaction.atomic
def inspection_move_on(*, inspection: Inspection, to_status: str, changed_by) -> Inspection:
    """Move an inspection to its next status. Publishing goes through `cases.services.inspection_publish`."""
    if to_status == InspectionStatus.PUBLISHED:
        raise ValidationError("Publish from the judgements page: publishing stores the judgements.")
    locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if NEXT_STATUS.get(locked.status) != to_status:
        following = NEXT_STATUS.get(locked.status)
        can_go = InspectionStatus(following).label.lower() if following else "nothing: it is closed"
        raise ValidationError(
            f"This inspection is {locked.get_status_display().lower()}: it can only move on to {can_go}."
        )
    locked.status = to_status
    locked._history_user = changed_by
    locked._change_reason = f"Status moved to {InspectionStatus(to_status).label}"
    if to_status == InspectionStatus.CLOSED:
        locked.closed_at = timezone.now()
    locked.save(update_fields=["status", "closed_at"])
    inspection.status, inspection.closed_at = to_status, locked.closed_at
    return locked


@transaction.atomic
def judgement_override(
    *, inspection: Inspection, area: Area, band_label: str, reason: str, by, version=None
) -> Judgement:
    """Record (or, with an empty band, withdraw) an override of an area's computed band.

    With `version` (the area's judgement as the page showed it, 0 when there was none), a change
    made by someone else since then refuses the save with StaleEdit."""
    if inspection.is_published:
        raise ValidationError("This inspection is published: its judgements can no longer change.")
    if area.framework_id != inspection.framework_id:
        raise ValidationError("That area is not part of this inspection's framework.")
    judgement, _ = Judgement.objects.select_for_update().get_or_create(inspection=inspection, area=area)
    claim_version(judgement, version)
    if band_label:
        if not inspection.framework.bands.filter(label=band_label).exists():
            raise ValidationError({"band_label": "Choose one of the framework's bands"})
        if not reason.strip():
            raise ValidationError({"reason": "Give the reason for the override"})
        judgement.override_band_label = band_label
        judgement.override_reason = reason.strip()
        judgement.overridden_by = by
        judgement.overridden_at = timezone.now()
        judgement._change_reason = "Band overridden"
    else:
        judgement.override_band_label = ""
        judgement.override_reason = ""
        judgement.overridden_by = None
        judgement.overridden_at = None
        judgement._change_reason = "Override withdrawn"
    judgement._history_user = by
    judgement.save()
    return judgement


@transaction.atomic
def report_item_save(*, item, by, version=None, reason: str = "", **fields):
    """Add or change a finding or recommendation, on record with who did it; StaleEdit if it changed
    since `version` (the one the page showed) was read.

    Once the inspection is published the report is read-only: nothing is added, and a change is an
    amendment that needs its reason, kept in the record."""
    inspection = Inspection.objects.select_for_update().get(pk=item.inspection_id)
    if inspection.is_published:
        if item.pk is None:
            raise ValidationError("This inspection is published: its report cannot gain a finding or recommendation.")
        if not reason.strip():
            raise ValidationError({"reason": "Give the reason for the amendment: the report is published"})
        item._change_reason = f"Amended after publication: {reason.strip()}"
    else:
        item._change_reason = "Added" if item.pk is None else "Changed"
    if item.pk:
        claim_version(item, version)
    for name, value in fields.items():
        setattr(item, name, value)
    item.full_clean()
    item._history_user = by
    item.save()
    return item


@transaction.atomic
def report_item_delete(*, item, by):
    """Remove a finding or recommendation before publication (on record); refused once published."""
    inspection = Inspection.objects.select_for_update().get(pk=item.inspection_id)
    if inspection.is_published:
        raise ValidationError("This inspection is published: its findings and recommendations cannot be removed.")
    item._history_user = by
    item._change_reason = "Removed"
    item.delete()
