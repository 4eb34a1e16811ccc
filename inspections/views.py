"""Inspection pages: list, set up, edit, detail, status, findings and recommendations; frameworks."""

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import services
from .access import my_inspection
from .concurrency import StaleEdit, refuse_stale
from .forms import FindingForm, InspectionForm, RecommendationForm
from .models import Finding, Framework, Inspection, InspectionStatus, Recommendation, Role
from .rules import Perm
from .scoping import in_my_services
from .selectors import report_record
from .services import inspection_move_on, inspection_update, report_item_save
from .services import report_item_delete as remove_report_item
from .tasks import task_list


@login_required
@require_GET
def inspection_list(request):
    inspections = (
        in_my_services(Inspection.objects.all(), request.user)
        .select_related("service", "framework")
        .annotate(sampled=Count("cases", distinct=True))
    )
    if request.membership and request.membership.role != Role.INSPECTOR:
        inspections = inspections.filter(service=request.service)
    return render(
        request,
        "inspections/inspection_list.html",
        {
            "page_title": "Inspections and audits",
            "inspections": inspections,
            "may_set_up": request.user.has_perm(Perm.CHANGE_INSPECTION, request.service),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def inspection_create(request):
    service = request.service
    if service is None or not request.user.has_perm(Perm.CHANGE_INSPECTION, service):
        raise PermissionDenied
    form = InspectionForm(request.POST or None, service=service)
    if request.method == "POST" and form.is_valid():
        try:
            inspection = services.inspection_create(service=service, created_by=request.user, **form.changes())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{inspection.title} is set up.")
            return redirect("inspections:inspection_detail", inspection.pk)
    return render(
        request,
        "inspections/inspection_form.html",
        {"page_title": f"Set up an inspection or audit of {service.name}", "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def inspection_edit(request, pk):
    inspection = my_inspection(request, pk, Perm.CHANGE_INSPECTION)
    form = InspectionForm(request.POST or None, instance=inspection, service=inspection.service)
    if request.method == "POST" and form.is_valid():
        try:
            inspection_update(
                inspection=inspection, changed_by=request.user, version=form.cleaned_data["version"], **form.changes()
            )
        except StaleEdit as stale:
            refuse_stale(form, stale.current, "inspection")
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Your changes are saved.")
            return redirect("inspections:inspection_detail", inspection.pk)
    return render(
        request,
        "inspections/inspection_form.html",
        {"page_title": f"Change {inspection.title}", "form": form, "inspection": inspection},
    )


@login_required
@require_GET
def inspection_detail(request, pk):
    inspection = my_inspection(request, pk)
    may_read_report = request.user.has_perm(Perm.VIEW_REPORT, inspection)
    return render(
        request,
        "inspections/inspection_detail.html",
        {
            "page_title": inspection.title,
            "inspection": inspection,
            "may_read_report": may_read_report,
            "findings": inspection.findings.select_related("area") if may_read_report else [],
            "recommendations": inspection.recommendations.select_related("area") if may_read_report else [],
            "may_change": request.user.has_perm(Perm.CHANGE_INSPECTION, inspection),
            "report_record": report_record(inspection)
            if request.user.has_perm(Perm.CHANGE_INSPECTION, inspection)
            else None,
            "next_status": InspectionStatus(inspection.next_status) if inspection.next_status else None,
            "tasks": _tasks_with_links(request, inspection),
        },
    )


def _tasks_with_links(request, inspection):
    """The task list, each task linked where the person may go."""
    may_change = request.user.has_perm(Perm.CHANGE_INSPECTION, inspection)
    may_read_judgements = request.user.has_perm("cases.view_judgements", inspection)
    rows = []
    for task in task_list(inspection.status):
        url = None
        if may_change or (task.key == "judgements" and may_read_judgements):
            try:
                url = reverse(task.url_name, args=[] if task.key == "plan" else [inspection.pk])
            except NoReverseMatch:
                url = None
        rows.append((task, url))
    return rows


@login_required
@require_POST
def inspection_status(request, pk):
    inspection = my_inspection(request, pk, Perm.CHANGE_INSPECTION)
    to_status = request.POST.get("status", "")
    if to_status == InspectionStatus.PUBLISHED:
        # Publishing stores the judgements: it happens on the judgements page.
        return redirect("cases:judgements", inspection.pk)
    if to_status == inspection.next_status and request.POST.get("confirmed") != "yes":
        # Nobody can move an inspection back: ask first, and say what is still to do.
        label = InspectionStatus(to_status).label.lower()
        return render(
            request,
            "includes/confirm_page.html",
            {
                "page_title": f"Move {inspection.title} on to {label}?",
                "caption": inspection.service.name,
                "outstanding": _outstanding(inspection, to_status),
                "warning": f"You cannot move the inspection back once it is in {label}.",
                "action": reverse("inspections:inspection_status", args=[inspection.pk]),
                "hidden": [("status", to_status)],
                "button": f"Move on to {label}",
                "cancel_url": reverse("inspections:inspection_detail", args=[inspection.pk]),
            },
        )
    try:
        inspection_move_on(inspection=inspection, to_status=to_status, changed_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{inspection.title} is now {inspection.get_status_display().lower()}.")
    return redirect("inspections:inspection_detail", inspection.pk)


def _outstanding(inspection, to_status):
    """What is still to do before the move, in words (the cases app's models looked up by name: this
    floor does not import them)."""
    lines = []
    if to_status in (InspectionStatus.SCORING, InspectionStatus.MODERATION):
        case_model = apps.get_model("cases", "Case")
        assessment_model = apps.get_model("cases", "Assessment")
        sampled = case_model.objects.filter(inspection=inspection, in_sample=True)
        if to_status == InspectionStatus.SCORING and not sampled.exists():
            lines.append("No sample has been drawn.")
        unassigned = sampled.filter(assessments__isnull=True).count()
        if unassigned:
            lines.append(f"{unassigned} sampled case{pluralize(unassigned)} not assigned to anyone.")
        if to_status == InspectionStatus.MODERATION:
            waiting = assessment_model.objects.filter(case__inspection=inspection).exclude(status="submitted").count()
            if waiting:
                lines.append(f"{waiting} assessment{pluralize(waiting)} not submitted yet.")
    return lines


REPORT_ITEMS = {
    "finding": (Finding, FindingForm, "findings"),
    "recommendation": (Recommendation, RecommendationForm, "recommendations"),
}


@login_required
@require_http_methods(["GET", "POST"])
def report_item_edit(request, pk, kind, item_pk=None):
    """Add or change a finding or recommendation of the report (once published: amend it, with a reason)."""
    inspection = my_inspection(request, pk, Perm.CHANGE_INSPECTION)
    model, form_class, related = REPORT_ITEMS[kind]
    item = get_object_or_404(model, pk=item_pk, inspection=inspection) if item_pk else None
    if item is None:
        if inspection.is_published:
            raise PermissionDenied("The inspection is published: its report cannot gain items")
        item = model(inspection=inspection, order=getattr(inspection, related).count() + 1)
    amending = inspection.is_published
    form = form_class(request.POST or None, instance=item, framework=inspection.framework, amending=amending)
    if request.method == "POST" and form.is_valid():
        try:
            changes = form.changes()
            reason = changes.pop("reason", "")
            report_item_save(item=item, by=request.user, version=form.cleaned_data["version"], reason=reason, **changes)
        except StaleEdit as stale:
            refuse_stale(form, stale.current, kind)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"The {kind} is {'amended' if amending else 'saved'}.")
            return redirect("inspections:inspection_detail", inspection.pk)
    return render(
        request,
        "inspections/report_item_form.html",
        {
            "page_title": f"{'Amend' if amending else 'Change' if item.pk else 'Add'} a {kind}",
            "form": form,
            "inspection": inspection,
            "cancel_url": reverse("inspections:inspection_detail", args=[inspection.pk]),
        },
    )


@login_required
@require_POST
def report_item_delete(request, pk, kind, item_pk):
    inspection = my_inspection(request, pk, Perm.CHANGE_INSPECTION)
    model = REPORT_ITEMS[kind][0]
    item = get_object_or_404(model, pk=item_pk, inspection=inspection)
    if inspection.is_published:
        raise PermissionDenied("The inspection is published: its report items cannot be removed")
    remove_report_item(item=item, by=request.user)
    messages.success(request, f"The {kind} is removed.")
    return redirect("inspections:inspection_detail", inspection.pk)


@login_required
@require_GET
def framework_list(request):
    if request.membership is None:
        raise PermissionDenied
    frameworks = Framework.objects.annotate(
        area_count=Count("areas", distinct=True),
        question_count=Count("questions", distinct=True),
        inspection_count=Count("inspections", distinct=True),
    )
    return render(request, "inspections/framework_list.html", {"page_title": "Frameworks", "frameworks": frameworks})


@login_required
@require_GET
def framework_detail(request, pk):
    if request.membership is None:
        raise PermissionDenied
    framework = get_object_or_404(Framework, pk=pk)
    areas = framework.areas.prefetch_related("questions")
    return render(
        request,
        "inspections/framework_detail.html",
        {"page_title": str(framework), "framework": framework, "areas": areas, "bands": framework.bands.all()},
    )
