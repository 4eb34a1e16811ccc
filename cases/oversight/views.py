"""Moderation and oversight pages (docs/architecture.md): parse, call a selector or service, render.

Managers and inspectors of the inspection's service may use the moderation pages, dashboards
and exports; board members may read the service's trend; inspectors the benchmark. Other
members get 403; an inspection or service outside the person's services answers 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from inspections.access import my_inspection, require
from inspections.db_router import read_only_page
from inspections.models import Service
from inspections.pagination import paginate
from inspections.scoping import get_in_my_services_or_404

from ..figures_version import kept_part
from ..rules import Perm, blind_case_ids, hidden_first_markings
from ..services import ScoringProblems, StaleAssessment
from . import charts, exports, presenters
from . import headings as h
from .agreement import moderation_lines
from .benchmark import benchmark as benchmark_figures
from .benchmark_table import services_rows_html
from .dashboard import dashboard, drill_down, filters_hide
from .figures import SMALL_GROUP, inspection_cases
from .filters import DashboardFilter, DrillDownFilter
from .forms import decisions_from_post, parse_sort, sort_links
from .moderation import case_comparison, case_in, moderation_complete, moderation_settle, unsettled_message
from .trend import service_trend, trend_inspections

FILTER_PARAMS = list(DashboardFilter.Meta.fields)


def _filter_params(filterset):
    """The dashboard filters in use, as query parameters."""
    if not filterset.is_bound or not filterset.is_valid():
        return {}
    return {k: v for k, v in filterset.form.cleaned_data.items() if k in FILTER_PARAMS and v not in (None, "")}


@login_required
@require_GET
@read_only_page
def inspection_dashboard(request, pk):
    inspection = my_inspection(request, pk, Perm.VIEW_DASHBOARD)
    # The cases whose first marking the reader is blind to (left out of every figure) and whether they
    # may moderate: with the query string, all that the figures' markup shows besides the data.
    blind = hidden_first_markings(request.user, [inspection.pk])
    may_moderate = request.user.has_perm(Perm.VIEW_MODERATION, inspection)
    content = kept_part(
        [inspection.pk],
        "dashboard",
        (sorted(blind), may_moderate, sorted(request.GET.lists())),
        lambda: _dashboard_content(request, inspection, blind, may_moderate),
    )
    return render(
        request,
        "cases/oversight/dashboard.html",
        {
            "page_title": f"Dashboard: {inspection.title}",
            "inspection": inspection,
            "content": content,
            "section": "dashboard",
        },
    )


def _dashboard_content(request, inspection, blind, may_moderate):
    """The dashboard's markup below its heading: the filter, the figures, the downloads."""
    base = inspection_cases(inspection)
    filterset = DashboardFilter(request.GET or None, queryset=base, inspection_id=inspection.pk)
    params = _filter_params(filterset)
    context = {
        "inspection": inspection,
        "filter": filterset,
        "filtered": bool(params),
        "selected": filterset.active,
        "downloads": presenters.download_items_html(inspection, exports.KINDS),
        "small_group": SMALL_GROUP,
    }
    if params and filters_hide(filterset, base, leave_out=blind, inspection_id=inspection.pk):
        # The filters single out a group the breakdowns hide: no figure of it, not even its size.
        return render_to_string("cases/oversight/_dashboard_content.html", {**context, "withheld": True}, request)
    read = dashboard(inspection, filterset.qs if params else None, leave_out=blind)
    figures = presenters.link_dashboard(read, inspection, params)

    area_chart = charts.bar_chart(
        "chart-areas",
        "Area scores against the bands",
        [(line.area.name, line.score.percent, presenters.score_text(line.score), line.href) for line in figures.areas],
        markers=presenters.band_markers(figures.bands),
        label_heading="Area",
    )
    weakest_chart = charts.bar_chart(
        "chart-weakest",
        "The weakest questions",
        [(f"{line.question.code}", line.score, f"{line.score}%", line.href) for line in figures.weakest],
        markers=presenters.band_markers(figures.bands),
        label_heading="Question",
    )
    return render_to_string(
        "cases/oversight/_dashboard_content.html",
        {
            **context,
            "figures": figures,
            "area_chart": area_chart,
            "weakest_chart": weakest_chart,
            **presenters.dashboard_tables(figures, SMALL_GROUP),
            "may_moderate": may_moderate,
            "blind_left_out": len(figures.left_out),
        },
        request,
    )


CASES_PER_PAGE = 25  # as the inspector's home: the cohort behind a figure may be thousands of cases

DRILL_COLUMNS = [
    ("reference", h.CASE),
    ("team", h.TEAM),
    ("manager", h.CASE_MANAGER),
    ("disposal", h.DISPOSAL),
    ("rosh", h.ROSH),
    ("yes", h.YES),
    ("no", h.NO),
    ("score", h.SCORE),
]


def _sort_value(line, key):
    if key in ("yes", "no"):
        return getattr(line.tally, key)
    if key == "score":
        return -1 if line.score is None else line.score
    if key == "manager":
        return line.manager.casefold()
    return str(getattr(line.case, key) or "").casefold()


@login_required
@require_GET
@read_only_page
def dashboard_cases(request, pk):
    """The cases behind a dashboard figure: the same filters, plus area, stage, question, answer."""
    inspection = my_inspection(request, pk, Perm.VIEW_DASHBOARD)
    blind = blind_case_ids(request.user, inspection)
    content = kept_part(
        [inspection.pk],
        "cases",
        (sorted(blind), sorted(request.GET.lists())),
        lambda: _cases_content(request, inspection, blind),
    )
    return render(
        request,
        "cases/oversight/cases.html",
        {
            "page_title": f"Cases behind the figures: {inspection.title}",
            "inspection": inspection,
            "content": content,
            "section": "cases",
        },
    )


def _cases_content(request, inspection, blind):
    """The drill-down's markup below its heading: the filter and a page of the cases."""
    base = inspection_cases(inspection)
    filterset = DrillDownFilter(
        request.GET or None, queryset=base, inspection_id=inspection.pk, framework=inspection.framework
    )
    cases = filterset.qs if filterset.is_bound and filterset.is_valid() else base
    withheld = filters_hide(filterset, base, leave_out=blind, inspection_id=inspection.pk)
    lines = (
        [] if withheld else [line for line in drill_down(cases, filterset.answer_filter()) if line.case.pk not in blind]
    )
    key, descending = parse_sort(request.GET.get("sort"), {k for k, _ in DRILL_COLUMNS}, "reference")
    lines.sort(key=lambda line: (_sort_value(line, key), line.case.reference), reverse=descending)
    pages = paginate(lines, request.GET, CASES_PER_PAGE)  # every filter and the sort kept in its links
    unpaged = request.GET.copy()
    unpaged.pop("page", None)  # a new sort starts at the first page
    return render_to_string(
        "cases/oversight/_cases_content.html",
        {
            "inspection": inspection,
            "filter": filterset,
            "filtered": bool(filterset.active),
            "selected": filterset.active,
            "lines": pages["page"].object_list,  # the page's CaseLines (their rows written by case_rows_html)
            "case_rows": presenters.case_rows_html(pages["page"].object_list, withheld),
            **pages,
            "withheld": withheld,
            "small_group": SMALL_GROUP,
            "hidden": len(blind),
            "columns": sort_links(DRILL_COLUMNS, key, descending, unpaged),
        },
        request,
    )


MODERATION_COLUMNS = [("reference", "Case"), ("agreement", "Agreement"), ("state", "State")]


@login_required
@require_GET
def moderation_list(request, pk):
    inspection = my_inspection(request, pk, Perm.VIEW_MODERATION)
    lines = moderation_lines(inspection)
    key, descending = parse_sort(request.GET.get("sort"), {k for k, _ in MODERATION_COLUMNS}, "reference")
    sorters = {
        "reference": lambda line: line.reference,
        "agreement": lambda line: (-1 if line.percent is None else line.percent, line.reference),
        "state": lambda line: (line.moderated, line.reference),
    }
    lines.sort(key=sorters[key], reverse=descending)
    return render(
        request,
        "cases/oversight/moderation_list.html",
        {
            "page_title": f"Moderation: {inspection.title}",
            "inspection": inspection,
            "rows": presenters.moderation_rows_html(lines, inspection.pk),
            "columns": sort_links(MODERATION_COLUMNS, key, descending, request.GET),
            "to_moderate": sum(1 for line in lines if not line.moderated),
            "section": "moderation",
        },
    )


def _with_blank_disagreements(problems, comparison, typed):
    """Every problem at once: the disagreements left blank too, not only once the others are fixed."""
    problems = dict(problems)
    for compared in comparison.disagreements:
        code = compared.question.code
        blank = not typed.get(code, ("", ""))[0] and not (compared.final and compared.final[0])
        if code not in problems and blank:
            problems[code] = unsettled_message(compared)
    return problems


def _posted_version(request):
    """The version of the moderated assessment the page showed (0: none yet); -1 when missing."""
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


def _show_choices(comparison, typed, problems, conflict):
    """Put each question's error and the moderator's choice (as typed, else as saved) on it; with
    a refused stale save, the questions whose saved answer now differs from what they chose."""
    changed = []
    for compared in comparison.questions:
        compared.error = problems.get(compared.question.code, "")
        value, note = typed.get(compared.question.code, compared.final)
        compared.chosen, compared.chosen_note = value, note
        if conflict is not None and compared.question.code in typed and compared.final[0] != (value or ""):
            changed.append(compared)
    return changed


@login_required
@require_http_methods(["GET", "POST"])
def moderation_case(request, pk, case_pk):
    """Both markings side by side; the moderator settles each disagreement with a note."""
    inspection = my_inspection(request, pk, Perm.VIEW_MODERATION)
    case = case_in(inspection, case_pk)
    comparison = case_comparison(case)
    if not comparison.ready:
        # Until both markings are submitted there is nothing to compare, and showing either would
        # break the blind second marking.
        raise Http404("Both markings must be submitted first")
    may_moderate = request.user.has_perm(Perm.MODERATE_CASE, case) and not comparison.moderated
    problems, typed, conflict, status = {}, {}, None, 200
    if request.method == "POST":
        if not may_moderate:
            raise PermissionDenied
        typed = decisions_from_post(request.POST, comparison)
        try:
            with transaction.atomic():
                moderation_settle(case=case, decisions=typed, by=request.user, version=_posted_version(request))
                if request.POST.get("action") == "complete":
                    moderation_complete(case=case, by=request.user)
        except StaleAssessment as stale:
            conflict, status = stale.assessment, 409
        except ScoringProblems as refused:
            problems = dict(refused.problems)
            if request.POST.get("action") == "complete":
                problems = _with_blank_disagreements(problems, comparison, typed)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("cases:moderation_case", inspection.pk, case.pk)
        else:
            if request.POST.get("action") == "complete":
                messages.success(request, f"Case {case.reference} is moderated. The judgements now count it this way.")
                return redirect("cases:moderation_list", inspection.pk)
            messages.success(request, "Your moderation is saved. You can come back to it.")
            return redirect("cases:moderation_case", inspection.pk, case.pk)
        comparison = case_comparison(case)
    changed = _show_choices(comparison, typed, problems, conflict)
    markers = {comparison.first.assessor_id, comparison.second.assessor_id}
    disagreements = comparison.disagreements
    return render(
        request,
        "cases/oversight/moderation_case.html",
        {
            "page_title": f"{'Error: ' if problems or conflict else ''}Moderate case {case.reference}",
            "inspection": inspection,
            "case": case,
            "comparison": comparison,
            "disagreements": disagreements,
            "disagreement_blocks": presenters.disagreements_html(disagreements, may_moderate=may_moderate),
            "agreed_rows": presenters.agreed_rows_html(comparison.questions),
            "may_moderate": may_moderate,
            "is_marker": request.user.pk in markers,
            "problems": [q for q in comparison.questions if q.error],
            "conflict": conflict,
            "changed": changed,
            "version": comparison.final.version if comparison.final else 0,
            "section": "moderation",
        },
        status=status,
    )


@login_required
@require_GET
def inspection_export(request, pk, kind, fmt):
    inspection = my_inspection(request, pk, Perm.EXPORT_INSPECTION)
    if kind not in exports.KINDS or fmt not in ("csv", "xlsx"):
        raise Http404
    if kind == "answers":
        tables = [exports.answers_table(inspection, request.user)]
    else:
        tables = exports.summary_tables(dashboard(inspection, hidden_from=request.user))
        if kind != "summary":
            tables = [t for t in tables if t.name == exports.SUMMARY_KINDS[kind]]
    return exports.download(tables, name=f"{inspection.title} {kind}", fmt=fmt)


def _service(request):
    """The service asked for (`?service=`, one of the person's) or the one they work in now."""
    if request.GET.get("service"):
        try:
            service_id = int(request.GET["service"])
        except ValueError as error:
            raise Http404 from error
        return get_in_my_services_or_404(Service.objects.all(), request.user, "pk", pk=service_id)
    if request.service is None:
        raise PermissionDenied
    return request.service


@login_required
@require_GET
@read_only_page
def service_trends(request):
    service = require(request.user, Perm.VIEW_SERVICE_TRENDS, _service(request))
    published_only = not request.user.has_perm(Perm.VIEW_LIVE_FIGURES, service)
    inspections = trend_inspections(service, published_only=published_only)
    # The cases of the live inspections whose first marking the reader is blind to (left out of the
    # live figures) and the service's name: with the inspections, all the figures' markup shows.
    live_ids = [inspection.pk for inspection in inspections if not inspection.is_published]
    blind = hidden_first_markings(request.user, live_ids) if live_ids else frozenset()
    content = kept_part(
        [inspection.pk for inspection in inspections],
        "trend",
        (service.pk, service.name, published_only, sorted(blind)),
        lambda: _trend_content(request, service, inspections, blind, published_only),
    )
    return render(
        request,
        "cases/oversight/service_trends.html",
        {"page_title": f"Over time: {service.name}", "service": service, "content": content},
    )


def _trend_content(request, service, inspections, blind, published_only):
    """The service trend's markup below its heading: the chart, the area scores, the questions that moved."""
    trend = service_trend(service, published_only=published_only, inspections=inspections, leave_out=blind)
    columns = [point.inspection.title for point in trend.points]
    chart = charts.trend_chart(
        "chart-trend",
        f"Area scores over time, {service.name}",
        columns,
        [
            (name, [point.scores.get(code).percent if point.scores.get(code) else None for point in trend.points])
            for code, name in trend.areas
        ],
    )
    for point in trend.points:
        point.cells = [point.scores.get(code) for code, _ in trend.areas]
    return render_to_string(
        "cases/oversight/_service_trends_content.html",
        {
            "service": service,
            "trend": trend,
            "chart": chart,
            "trend_rows": presenters.trend_rows_html(trend.points),
            "mover_rows": presenters.mover_rows_html(trend.movers),
        },
        request,
    )


@login_required
@require_GET
@read_only_page
def benchmark(request):
    require(request.user, Perm.VIEW_BENCHMARK)
    figures = benchmark_figures(request.user)
    area_charts = []
    for area in figures.areas:
        rows = [
            (row.service_name, row.scores.get(area.code), presenters.published_text(row.scores.get(area.code)))
            for row in figures.rows
        ]
        markers = [(f"Average {area.average}%", area.average)]
        area_charts.append((area, charts.bar_chart(f"chart-{area.code}", f"{area.name}: each service", rows, markers)))
    return render(
        request,
        "cases/oversight/benchmark.html",
        {
            "page_title": "Benchmark",
            "figures": figures,
            "area_charts": area_charts,
            "services_rows": services_rows_html(figures, reverse("cases:service_trends")),
        },
    )
