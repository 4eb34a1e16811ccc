"""The audit programme's pages: the calendar, a recurring audit's page, its run charts, the form for a
new one, and the buttons that create a period's audit and draw and assign its sample.

Managers, inspectors and board members of the service read the programme; managers add recurring
audits; managers and inspectors create and sample a period's audit. A template or audit outside the
person's services answers 404.
"""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from inspections.access import require
from inspections.scoping import get_in_my_services_or_404

from ..models import AuditTemplate, ProgrammeAudit
from ..oversight import charts
from ..rules import Perm
from . import selectors, services
from .forms import AuditTemplateForm


def _service(request, permission):
    if request.service is None:
        raise PermissionDenied
    return require(request.user, permission, request.service)


def _template(request, pk, permission=Perm.VIEW_PROGRAMME):
    template = get_in_my_services_or_404(
        AuditTemplate.objects.select_related("service", "framework"), request.user, pk=pk
    )
    return require(request.user, permission, template)


def _year(request, today):
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError as error:
        raise Http404 from error
    if not 2000 <= year <= 2100:
        raise Http404
    return year


def _error_text(error):
    return " ".join(error.messages)


@login_required
@require_GET
def calendar(request):
    """What is due, open, late and done this year, per recurring audit, with progress."""
    service = _service(request, Perm.VIEW_PROGRAMME)
    today = timezone.localdate()
    year = _year(request, today)
    rows = selectors.programme_calendar(service, dt.date(year, 1, 1), dt.date(year, 12, 31), today)
    return render(
        request,
        "cases/programme/calendar.html",
        {
            "page_title": f"Audit programme {year}",
            "service": service,
            "rows": rows,
            "year": year,
            "previous_year": year - 1,
            "next_year": year + 1,
            "today": today,
            "may_add": request.user.has_perm(Perm.CHANGE_PROGRAMME, service),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def template_create(request):
    service = _service(request, Perm.CHANGE_PROGRAMME)
    if request.method == "POST":
        form = AuditTemplateForm(request.POST)
        if form.is_valid():
            try:
                template = services.audit_template_create(service=service, by=request.user, **form.template_fields())
            except ValidationError as refused:
                if hasattr(refused, "error_dict"):
                    for field, errors in refused.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, _error_text(refused))
            else:
                messages.success(request, f"{template.name} is in the programme.")
                return redirect("cases:programme_template", pk=template.pk)
    else:
        form = AuditTemplateForm(initial={"starts_on": timezone.localdate().replace(day=1).strftime("%-d/%-m/%Y")})
    return render(
        request,
        "cases/programme/template_form.html",
        {"page_title": ("Error: " if form.errors else "") + "Add a recurring audit", "form": form, "service": service},
    )


@login_required
@require_GET
def template_detail(request, pk):
    template = _template(request, pk)
    today = timezone.localdate()
    year = _year(request, today)
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    row = selectors.programme_calendar(
        template.service, first, last, today, AuditTemplate.objects.filter(pk=template.pk)
    )[0]
    current = services.template_period_of(template, today)
    current_audit = (
        ProgrammeAudit.objects.filter(template=template, period_start=current.start).first() if current else None
    )
    return render(
        request,
        "cases/programme/template.html",
        {
            "page_title": template.name,
            "template": template,
            "row": row,
            "year": year,
            "previous_year": year - 1,
            "next_year": year + 1,
            "current": current,
            "current_audit": current_audit,
            "areas": list(template.areas.all()),
            "questions": list(template.questions.all()),
            "may_run": request.user.has_perm(Perm.RUN_PROGRAMME_AUDIT, template),
        },
    )


@login_required
@require_POST
def audit_create(request, pk):
    """The button: this period's audit of the template (the one already there if it exists)."""
    template = _template(request, pk, Perm.RUN_PROGRAMME_AUDIT)
    period = services.template_period_of(template, timezone.localdate())
    if period is None:
        messages.error(request, f"{template.name} has no period holding today's date.")
        return redirect("cases:programme_template", pk=template.pk)
    try:
        audit, created = services.programme_audit_create(template=template, period=period, by=request.user)
    except ValidationError as refused:
        messages.error(request, _error_text(refused))
        return redirect("cases:programme_template", pk=template.pk)
    if created:
        messages.success(request, f"The audit of {period.label} is created. Upload its cohort to draw the sample.")
    else:
        messages.info(request, f"The audit of {period.label} was created already.")
    return redirect("inspections:inspection_detail", pk=audit.inspection_id)


@login_required
@require_POST
def audit_sample(request, pk):
    """The button: draw the audit's sample from its uploaded cohort and assign it, by the template's rules."""
    audit = get_in_my_services_or_404(
        ProgrammeAudit.objects.select_related("template", "inspection"), request.user, "template__service", pk=pk
    )
    require(request.user, Perm.RUN_PROGRAMME_AUDIT, audit.template)
    try:
        result = services.programme_audit_sample(audit=audit, by=request.user)
    except ValidationError as refused:
        messages.error(request, _error_text(refused))
    else:
        text = f"{result['first']} cases drawn and assigned."
        if result["unassigned"]:
            text += f" Nobody could take {', '.join(result['unassigned'])}: assign them by hand."
        messages.success(request, text)
    return redirect("cases:sample_assign", pk=audit.inspection_id)


def _chart(chart_id, title, run):
    """The run chart's SVG geometry (oversight's trend chart): the programme's points, the reference
    inspections and the median, each a series over the same months."""
    columns = [p.label for p in run.points]
    audits = [None if p.reference else p.percent for p in run.points]
    references = [p.percent if p.reference else None for p in run.points]
    series = [("Audits of the programme", audits)]
    if any(v is not None for v in references):
        series.append(("Inspections and mock inspections", references))
    if run.median is not None:
        series.append((f"Median of the audits, {run.median}%", [run.median] * len(columns)))
    return charts.trend_chart(chart_id, title, columns, series)


@login_required
@require_GET
def run_charts(request, pk):
    template = _template(request, pk)
    area_code = request.GET.get("area") or None
    series = selectors.run_charts(template, area_code)
    if area_code and not any(run.code == area_code for run in series):
        raise Http404
    shown = []
    for run in series:
        charted = {"run": run, "chart": _chart(f"chart-{run.code}", f"{run.name}: each audit", run), "questions": []}
        for q in run.questions:
            charted["questions"].append({"run": q, "chart": _chart(f"chart-q-{q.code}", f"{q.code}. {q.name}", q)})
        shown.append(charted)
    return render(
        request,
        "cases/programme/run_charts.html",
        {
            "page_title": f"Run charts: {template.name}",
            "template": template,
            "shown": shown,
            "area_code": area_code,
            "areas_url": reverse("cases:programme_run_charts", args=[template.pk]),
        },
    )
