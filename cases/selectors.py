"""Reads the case pages share, each in a fixed number of queries."""

from django.db.models import Prefetch, Q

from inspections.models import Area, Question

from .models import Answer, Assessment, Case, SampleChange


def framework_areas(framework_id):
    """The framework's areas with their questions, in order: two queries."""
    return list(
        Area.objects.filter(framework_id=framework_id).prefetch_related(
            Prefetch("questions", queryset=Question.objects.order_by("order"))
        )
    )


def answers_of(assessment):
    """{question code: (value, note)} as saved."""
    return {
        code: (value, note) for code, value, note in assessment.answers.values_list("question__code", "value", "note")
    }


def cases_with_assessments(inspection):
    """The inspection's cases with their assessments and assessors: two queries."""
    return (
        Case.objects.filter(inspection=inspection)
        .select_related("case_manager")
        .prefetch_related(
            Prefetch("assessments", queryset=Assessment.objects.select_related("assessor").order_by("marking"))
        )
    )


def assessment_record(assessment):
    """Every change to the assessment and its answers, newest first, with old and new values."""
    entries = []
    for record in assessment.history.select_related("history_user").order_by("history_date"):
        entries.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "what": record.history_change_reason or record.get_history_type_display(),
                "detail": "",
                "old": "",
                "new": record.get_status_display(),
            }
        )
    previous = {}
    answer_history = (
        Answer.history.filter(assessment_id=assessment.pk)
        .select_related("history_user", "question")
        .order_by("history_date", "history_id")
    )
    labels = dict(Answer.Value.choices)
    for record in answer_history:
        old = previous.get(record.question_id)
        entries.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "what": "Answer changed" if old else "Answered",
                "detail": record.question.code,
                "old": f"{labels[old.value]}{': ' + old.note if old.note else ''}" if old else "",
                "new": f"{labels[record.value]}{': ' + record.note if record.note else ''}",
            }
        )
        previous[record.question_id] = record
    return sorted(entries, key=lambda e: e["when"], reverse=True)


def override_record(inspection):
    """Every override recorded or withdrawn on the inspection's judgements: who, when, old and new band."""
    from inspections.models import Judgement

    entries, previous = [], {}
    history = (
        Judgement.history.filter(inspection_id=inspection.pk)
        .select_related("history_user", "area")
        .order_by("history_date", "history_id")
    )
    for record in history:
        old = previous.get(record.area_id, "")
        previous[record.area_id] = record.override_band_label
        if old == record.override_band_label:
            continue  # a publication or another change that left the override as it was
        entries.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "area": record.area.name,
                "old": old or "Computed band",
                "new": record.override_band_label or "Computed band",
                "reason": record.override_reason,
            }
        )
    return list(reversed(entries))


# --- the record of a case -------------------------------------------------------------------

SKIPPED_FIELDS = {"created_at"}


def case_record_entries(case):
    """Changes, newest first: {when, who, what, detail, old, new}."""
    entries = []
    history = list(case.history.select_related("history_user").order_by("history_date", "history_id"))
    labels = {f.name: f.verbose_name for f in Case._meta.fields}
    previous = None
    for record in history:
        if previous is None or record.history_type != "~":
            what = {"+": "Added", "~": "Changed", "-": "Deleted"}[record.history_type]
            entries.append(
                {
                    "when": record.history_date,
                    "who": record.history_user,
                    "what": what,
                    "detail": "",
                    "old": "",
                    "new": "",
                }
            )
        else:
            for change in record.diff_against(previous).changes:
                if change.field in SKIPPED_FIELDS:
                    continue
                entries.append(
                    {
                        "when": record.history_date,
                        "who": record.history_user,
                        "what": record.history_change_reason or "Changed",
                        "detail": str(labels.get(change.field, change.field)).capitalize(),
                        "old": _shown(change.old),
                        "new": _shown(change.new),
                    }
                )
        previous = record
    for change in SampleChange.objects.filter(Q(removed=case) | Q(added=case)).select_related(
        "removed", "added", "changed_by"
    ):
        entries.append(
            {
                "when": change.changed_at,
                "who": change.changed_by,
                "what": f"Sample: {change.removed} replaced by {change.added} ({change.reason})",
                "detail": "In sample",
                "old": change.removed.reference,
                "new": change.added.reference,
            }
        )
    entries.sort(key=lambda e: e["when"], reverse=True)
    return entries


def _shown(value):
    if value is None or value == "":
        return "(none)"
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    return str(value)
