"""The record of a case: who changed which of its attributes and when (old and new), and its
replacements in the sample. Managers and inspectors of the case's service."""

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import render
from django.views.decorators.http import require_GET

from inspections.access import require
from inspections.scoping import get_in_my_services_or_404

from .models import Case, SampleChange
from .rules import Perm, blind_case_ids

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


@login_required
@require_GET
def case_record(request, pk):
    case = get_in_my_services_or_404(
        Case.objects.select_related("inspection__service"), request.user, "inspection__service", pk=pk
    )
    require(request.user, Perm.VIEW_CASES, case.inspection)
    assessments = case.assessments.select_related("assessor")
    if case.pk in blind_case_ids(request.user, case.inspection):
        # Marking this case blind: the other marking, and who made it, stay hidden.
        assessments = assessments.filter(assessor=request.user)
    return render(
        request,
        "cases/case_record.html",
        {
            "page_title": f"Record of changes: case {case.reference}",
            "case": case,
            "entries": case_record_entries(case),
            "assessments": list(assessments),
        },
    )
