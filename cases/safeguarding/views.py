"""Safeguarding concern pages: raising one from the scoring page, a concern with its steps, the
register of a service (filterable, exportable) and who holds the safeguarding roles."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from inspections.access import require
from inspections.concurrency import StaleEdit, refuse_stale
from inspections.people import display_name
from inspections.scoping import get_in_my_services_or_404

from ..models import Assessment, ConcernStatus, SafeguardingConcern
from ..oversight.exports import Table, download
from ..rules import Perm
from . import selectors, services
from .forms import ConcernForm, ConcernStepForm, RegisterFilterForm, SafeguardingRolesForm


@login_required
@require_http_methods(["GET", "POST"])
def concern_raise(request, pk):
    """Raise an immediate safeguarding concern about the child, apart from scoring."""
    assessment = get_in_my_services_or_404(
        Assessment.objects.select_related("case__inspection__service"), request.user, "case__inspection__service", pk=pk
    )
    require(request.user, Perm.RAISE_CONCERN, assessment)
    form = ConcernForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            concern = services.concern_raise(assessment=assessment, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"Your safeguarding concern about case {concern.case_reference} is sent to the service's "
                "managers and safeguarding lead. Your scoring is unchanged.",
            )
            return redirect("cases:assessment", assessment.pk)
    return render(
        request,
        "cases/feedback/form_page.html",
        {
            "page_title": f"Raise a safeguarding concern: case {assessment.case.reference}",
            "intro": "Use this when something on the file suggests the child is at risk now. It goes at once to "
            "the service's managers and safeguarding lead, is kept whether or not your assessment is finished, "
            "and never changes a score.",
            "form": form,
            "button": "Raise the concern",
            "cancel_url": reverse("cases:assessment", args=[assessment.pk]),
        },
        status=400 if form.errors else 200,
    )


def _my_concern(request, pk, permission):
    concern = get_in_my_services_or_404(
        SafeguardingConcern.objects.select_related("service", "raised_by", "case__inspection"), request.user, pk=pk
    )
    require(request.user, permission, concern)
    if not selectors.visible_concerns(request.user).filter(pk=concern.pk).exists():
        raise Http404  # marking this case blind: another marker's concern stays hidden
    return concern


@login_required
@require_http_methods(["GET", "POST"])
def concern_detail(request, pk):
    """The concern, its steps (who, when, note) and, for those who act on it, the next step."""
    concern = _my_concern(request, pk, Perm.VIEW_CONCERN)
    may_act = request.user.has_perm(Perm.ACT_ON_CONCERN, concern) and concern.next_status is not None
    form = ConcernStepForm(request.POST or None)
    if request.method == "POST":
        if not may_act:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.concern_move_on(
                    concern=concern,
                    by=request.user,
                    to_status=request.POST.get("status", ""),
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                concern.refresh_from_db()
                messages.success(request, f"The concern is now {concern.get_status_display().lower()}.")
                return redirect("cases:concern_detail", concern.pk)
    return render(
        request,
        "cases/safeguarding/concern_detail.html",
        {
            "page_title": f"Safeguarding concern: case {concern.case_reference}",
            "concern": concern,
            "steps": concern.steps.select_related("by"),
            "overdue": selectors.is_overdue(concern),
            "may_act": may_act,
            "next_status": ConcernStatus(concern.next_status) if concern.next_status else None,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


def _register(request):
    service = request.service
    if service is None or not request.user.has_perm(Perm.VIEW_CONCERN_REGISTER, service):
        raise PermissionDenied
    filters = RegisterFilterForm(request.GET or None)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    rows = selectors.concern_register(
        request.user, service, status=cleaned.get("status", ""), overdue=cleaned.get("overdue", False)
    )
    return service, filters, rows


@login_required
@require_GET
def concern_register(request):
    service, filters, rows = _register(request)
    return render(
        request,
        "cases/safeguarding/register.html",
        {
            "page_title": f"Safeguarding concerns: {service.name}",
            "rows": rows,
            "filters": filters,
            "query": request.GET.urlencode(),
            "may_set_roles": request.user.has_perm(Perm.SET_SAFEGUARDING_ROLES, service),
        },
    )


def _shown_time(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


@login_required
@require_GET
def concern_register_export(request):
    """The register as CSV, with the same filters, in the words of the page (exports.download
    neutralises formulas and sends it as a private attachment)."""
    service, _, rows = _register(request)
    table = Table(
        "Safeguarding concerns",
        [
            "Case",
            "Inspection",
            "Raised by",
            "Raised",
            "Status",
            "Acknowledge by",
            "Acknowledged",
            "Working days to acknowledge",
            "Acknowledged late",
            "Closed",
            "Working days to close",
            "Escalated",
        ],
        [
            [
                row.concern.case_reference,
                row.concern.case.inspection.title if row.concern.case_id else "",
                display_name(row.concern.raised_by),
                _shown_time(row.concern.raised_at),
                row.concern.get_status_display(),
                _shown_time(row.concern.acknowledge_by),
                _shown_time(row.concern.acknowledged_at),
                row.days_to_acknowledge,
                _acknowledged_late(row),
                _shown_time(row.concern.closed_at),
                row.days_to_close,
                _shown_time(row.concern.escalated_at),
            ]
            for row in rows
        ],
    )
    return download([table], name=f"safeguarding concerns {service.slug}", fmt="csv")


def _acknowledged_late(row):
    c = row.concern
    return bool(row.overdue or (c.acknowledged_at and c.acknowledged_at > c.acknowledge_by))


@login_required
@require_http_methods(["GET", "POST"])
def safeguarding_roles(request):
    """Managers choose the service's safeguarding leads and heads of service."""
    service = request.service
    if service is None or not request.user.has_perm(Perm.SET_SAFEGUARDING_ROLES, service):
        raise PermissionDenied
    current = services.safeguarding_roles(service)
    form = SafeguardingRolesForm(
        request.POST or None,
        service=service,
        initial={"leads": list(current.leads), "heads": list(current.heads), "version": current.version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.safeguarding_roles_set(service=service, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        except StaleEdit as stale:
            refuse_stale(form, stale.current, "set of safeguarding roles")
        else:
            messages.success(request, "The safeguarding roles are saved.")
            return redirect("cases:concern_register")
    return render(
        request,
        "cases/feedback/form_page.html",
        {
            "page_title": f"Safeguarding roles: {service.name}",
            "form": form,
            "cancel_url": reverse("cases:concern_register"),
        },
        status=400 if form.errors else 200,
    )
