"""Improvement plan pages. Thin: find the object in the person's services (404 outside), check the
permission (403), call a service or selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.figures_version import FIGURES_MIGRATION, TOKEN_KEPT, kept_part, with_reader_token
from inspections.access import require
from inspections.concurrency import StaleEdit, refuse_stale
from inspections.models import Inspection, Role
from inspections.people import display_name
from inspections.scoping import get_in_my_services_or_404

from . import presenters, reports, selectors, services
from .forms import (
    ActionForm,
    ApprovalForm,
    BoardForm,
    MeetingForm,
    PlanForm,
    ProgressUpdateForm,
    TermForm,
    ThemeForm,
)
from .models import Action, Board, BoardReport, Term, Theme
from .presenters import Glossary
from .rules import Perm

get_or_post = require_http_methods(["GET", "POST"])


def _posted(request, files=False):
    """The submitted data when the form was posted (even empty), else None: an unbound form."""
    if request.method != "POST":
        return (None, None) if files else None
    return (request.POST, request.FILES) if files else request.POST


def _plan(request, pk, with_people=True):
    plan = selectors.plan_in_my_services(request.user, pk, with_people)
    if plan is None:
        raise Http404
    return plan


def _action(request, pk):
    return get_in_my_services_or_404(
        Action.objects.select_related("plan__inspection__service", "plan__inspection__framework", "theme", "owner"),
        request.user,
        "plan__inspection__service",
        pk=pk,
    )


def _glossary(service):
    return Glossary(selectors.glossary_terms(service), link_base=reverse("improvement:glossary"))


def _form_page(request, form, *, title, caption="", button="Save", cancel_url=None, intro=""):
    return render(
        request,
        "improvement/form_page.html",
        {
            "page_title": title,
            "caption": caption,
            "form": form,
            "button": button,
            "cancel_url": cancel_url,
            "intro": intro,
        },
    )


# Plans ---------------------------------------------------------------------------------------


@login_required
@require_GET
def plan_list(request):
    service = request.service
    plans = list(selectors.plans_of_service(service)) if service else []
    can_create = service is not None and request.user.has_perm(Perm.CREATE_PLAN, service)
    waiting = list(selectors.inspections_needing_a_plan(service)) if can_create else []
    return render(
        request,
        "improvement/plan_list.html",
        {"page_title": "Improvement plans", "plans": plans, "waiting": waiting, "can_create": can_create},
    )


@login_required
@get_or_post
def plan_create(request, inspection_pk):
    inspection = get_in_my_services_or_404(Inspection.objects.published(), request.user, pk=inspection_pk)
    require(request.user, Perm.CREATE_PLAN, inspection)
    if hasattr(inspection, "improvement_plan"):
        return redirect(inspection.improvement_plan)
    initial_due = None
    if inspection.published_on:
        from .models import add_months

        initial_due = add_months(inspection.published_on, 12)
    form = PlanForm(_posted(request), initial={"reinspection_due": initial_due})
    if request.method == "POST" and form.is_valid():
        plan = services.plan_create(
            inspection=inspection, by=request.user, reinspection_due=form.cleaned_data["reinspection_due"]
        )
        messages.success(request, "The improvement plan has been started. Add its themes, then its actions.")
        return redirect(plan)
    return _form_page(
        request,
        form,
        title="Start the improvement plan",
        caption=inspection.title,
        button="Start the plan",
        cancel_url=reverse("improvement:plan_list"),
    )


@login_required
@require_GET
def plan_detail(request, pk):
    plan = _plan(request, pk)
    require(request.user, Perm.VIEW_PLAN, plan)
    # What the reader may do: with the plan's data, all its markup shows.
    may = {name: request.user.has_perm(perm, plan) for name, perm in PLAN_PAGE_PERMISSIONS.items()}
    content = _kept_for_service(plan, "plan", (plan.pk, sorted(may.items())), lambda: _plan_content(request, plan, may))
    return render(
        request,
        "improvement/plan_detail.html",
        {"page_title": str(plan), "plan": plan, "content": with_reader_token(content, get_token(request))},
    )


PLAN_PAGE_PERMISSIONS = {
    "can_change": Perm.CHANGE_PLAN,
    "can_submit": Perm.SUBMIT_PLAN,
    "can_approve": Perm.APPROVE_PLAN,
    "can_start": Perm.START_PLAN,
    "can_close": Perm.CLOSE_PLAN,
    "can_see_history": Perm.VIEW_PLAN_HISTORY,
}


def _plan_content(request, plan, may):
    """The plan page below its heading (its forms with the kept part's stand-in for the CSRF token)."""
    overview = selectors.plan_overview(plan)
    glossary = _glossary(plan.inspection.service)
    add_action_href = reverse("improvement:action_create", args=[plan.pk]) if may["can_change"] else None
    return render_to_string(
        "improvement/_plan_detail_content.html",
        {
            "plan": plan,
            **overview,
            "days_left": plan.days_to_reinspection(),
            "meetings": selectors.meetings_of_service(plan.inspection.service_id, plan),
            "glossary": glossary,
            "recommendation_rows": presenters.recommendation_rows(
                overview["recommendations"], glossary, add_action_href
            ),
            **may,
            "csrf_token": TOKEN_KEPT,
        },
        request,
    )


@login_required
@get_or_post
def plan_edit(request, pk):
    plan = _plan(request, pk)
    require(request.user, Perm.CHANGE_PLAN, plan)
    form = PlanForm(_posted(request), initial={"reinspection_due": plan.reinspection_due, "version": plan.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(
                plan=plan,
                by=request.user,
                reinspection_due=form.cleaned_data["reinspection_due"],
                version=form.cleaned_data["version"],
            )
        except StaleEdit as stale:
            refuse_stale(form, stale.current, "plan")
        else:
            messages.success(request, "The re-inspection date has been saved.")
            return redirect(plan)
    return _form_page(
        request, form, title="Change the re-inspection date", caption=str(plan), cancel_url=plan.get_absolute_url()
    )


@login_required
@get_or_post
def plan_submit(request, pk):
    plan = _plan(request, pk)
    require(request.user, Perm.SUBMIT_PLAN, plan)
    uncovered = services.uncovered_recommendations(plan)
    if request.method == "POST" and not uncovered:
        try:
            services.plan_submit(plan=plan, by=request.user)
        except services.CoverageIncomplete as error:
            uncovered = error.uncovered
        else:
            messages.success(request, "The plan has been submitted to the lead inspector for approval.")
            return redirect(plan)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "improvement/plan_submit.html",
        {"page_title": "Submit the plan for approval", "plan": plan, "uncovered": uncovered, "posted": status == 400},
        status=status,
    )


@login_required
@get_or_post
def plan_approve(request, pk):
    plan = _plan(request, pk)
    require(request.user, Perm.APPROVE_PLAN, plan)
    form = ApprovalForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["decision"] == "approve":
            services.plan_approve(plan=plan, by=request.user)
            messages.success(request, "You have approved the improvement plan.")
        else:
            services.plan_return(plan=plan, by=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, "The plan has been sent back to the service.")
        return redirect(plan)
    return _form_page(
        request,
        form,
        title="Approve the improvement plan",
        caption=str(plan),
        button="Save your decision",
        cancel_url=plan.get_absolute_url(),
        intro="As lead inspector, approve the plan or send it back with what needs to change.",
    )


@login_required
@require_POST
def plan_start(request, pk):
    plan = _plan(request, pk)
    require(request.user, Perm.START_PLAN, plan)
    services.plan_start(plan=plan, by=request.user)
    messages.success(request, "The plan is now in progress.")
    return redirect(plan)


@login_required
@require_POST
def plan_close(request, pk):
    plan = _plan(request, pk)
    require(request.user, Perm.CLOSE_PLAN, plan)
    services.plan_close(plan=plan, by=request.user)
    messages.success(request, "The plan has been closed.")
    return redirect(plan)


@login_required
@require_GET
def plan_history(request, pk):
    plan = _plan(request, pk)
    require(request.user, Perm.VIEW_PLAN_HISTORY, plan)
    return render(
        request,
        "improvement/plan_history.html",
        {"page_title": "Changes to the plan", "plan": plan, "changes": selectors.plan_changes(plan)},
    )


# Themes --------------------------------------------------------------------------------------


@login_required
@get_or_post
def theme_create(request, pk):
    plan = _plan(request, pk)
    require(request.user, Perm.CHANGE_PLAN, plan)
    form = ThemeForm(_posted(request), plan=plan)
    if request.method == "POST" and form.is_valid():
        services.theme_create(
            plan=plan, by=request.user, title=form.cleaned_data["title"], order=form.cleaned_data.get("order")
        )
        messages.success(request, "The theme has been added.")
        return redirect(plan)
    return _form_page(
        request,
        form,
        title="Add a theme",
        caption=str(plan),
        button="Add the theme",
        cancel_url=plan.get_absolute_url(),
        intro="For example: Leadership and partnership, Quality, Looked after children, Voice of the young person.",
    )


def _theme(request, pk):
    return get_in_my_services_or_404(
        Theme.objects.select_related("plan__inspection__service"), request.user, "plan__inspection__service", pk=pk
    )


@login_required
@get_or_post
def theme_edit(request, pk):
    theme = _theme(request, pk)
    plan = theme.plan
    require(request.user, Perm.CHANGE_PLAN, plan)
    form = ThemeForm(_posted(request), instance=theme, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.theme_update(
                theme=theme,
                by=request.user,
                title=form.cleaned_data["title"],
                order=form.cleaned_data.get("order") or 0,
                version=form.cleaned_data["version"],
            )
        except StaleEdit as stale:
            refuse_stale(form, stale.current, "theme")
        else:
            messages.success(request, "The theme has been saved.")
            return redirect(plan)
    return _form_page(request, form, title="Change the theme", caption=str(plan), cancel_url=plan.get_absolute_url())


@login_required
@get_or_post
def theme_delete(request, pk):
    theme = _theme(request, pk)
    plan = theme.plan
    require(request.user, Perm.CHANGE_PLAN, plan)
    error = ""
    if request.method == "POST":
        try:
            services.theme_delete(theme=theme, by=request.user)
        except ValidationError as problem:
            error = problem.messages[0]
        else:
            messages.success(request, f"The theme {theme.title} has been removed.")
            return redirect(plan)
    return render(
        request,
        "improvement/confirm_delete.html",
        {
            "page_title": f"Remove the theme {theme.title}",
            "caption": str(plan),
            "error": error,
            "cancel_url": plan.get_absolute_url(),
            "what": "theme",
        },
        status=400 if error else 200,
    )


# Actions and progress ------------------------------------------------------------------------


@login_required
@get_or_post
def action_create(request, pk):
    plan = _plan(request, pk)
    require(request.user, Perm.CHANGE_PLAN, plan)
    if not plan.themes.exists():
        messages.info(request, "Add a theme first: every action belongs to a theme.")
        return redirect("improvement:theme_create", pk=plan.pk)
    initial = {"status": "not_started", "brag": "green"}
    if "recommendation" in request.GET:
        initial["recommendations"] = request.GET.getlist("recommendation")
    form = ActionForm(_posted(request), plan=plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        action = services.action_create(plan=plan, by=request.user, **form.service_kwargs())
        messages.success(request, f"The action {action.title} has been added.")
        return redirect(plan)
    return _form_page(
        request,
        form,
        title="Add an action",
        caption=str(plan),
        button="Add the action",
        cancel_url=plan.get_absolute_url(),
    )


@login_required
@require_GET
def action_detail(request, pk):
    action = _action(request, pk)
    plan = action.plan
    require(request.user, Perm.VIEW_PLAN, plan)
    return render(
        request,
        "improvement/action_detail.html",
        {
            "page_title": action.title,
            "plan": plan,
            "action": action,
            "recommendations": list(action.recommendations.all()),
            "areas": list(action.areas.all()),
            "questions": list(action.questions.all()),
            "updates": selectors.action_with_timeline(action),
            "glossary": _glossary(plan.inspection.service),
            "can_change": request.user.has_perm(Perm.CHANGE_PLAN, plan),
            "can_update": request.user.has_perm(Perm.ADD_UPDATE, action),
        },
    )


@login_required
@get_or_post
def action_edit(request, pk):
    action = _action(request, pk)
    plan = action.plan
    require(request.user, Perm.CHANGE_PLAN, plan)
    form = ActionForm(_posted(request), plan=plan, initial=ActionForm.initial_from(action))
    if request.method == "POST" and form.is_valid():
        try:
            services.action_update(
                action=action, by=request.user, version=form.cleaned_data.get("version"), **form.service_kwargs()
            )
        except services.StaleAction as stale:
            form = _stale_action_form(request, plan, stale.action)
        else:
            messages.success(request, "The action has been saved.")
            return redirect(action)
    return _form_page(
        request, form, title="Change the action", caption=action.title, cancel_url=action.get_absolute_url()
    )


def _stale_action_form(request, plan, current):
    """The person's input kept, with an error saying someone else saved first; saving again keeps theirs."""
    data = request.POST.copy()
    data["version"] = current.version
    form = ActionForm(data, plan=plan, initial=ActionForm.initial_from(current))
    form.is_valid()
    last = current.history.select_related("history_user").first()
    who = ""
    if last is not None and last.history_user is not None:
        who = f" ({display_name(last.history_user)}, {last.history_date:%H:%M})"
    form.add_error(
        None,
        f"Someone else changed this action while you were editing it{who}. Your changes are not saved yet. "
        f"Open the action in a new tab to see it as it is now; then save again to replace it with what is below.",
    )
    return form


@login_required
@get_or_post
def update_create(request, pk):
    action = _action(request, pk)
    require(request.user, Perm.ADD_UPDATE, action)
    from django.utils import timezone

    form = ProgressUpdateForm(
        *_posted(request, files=True), initial={"date": timezone.localdate(), "brag": action.brag}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.progress_update_create(
            action=action,
            by=request.user,
            date=data["date"],
            brag=data["brag"],
            note=data["note"],
            files=data["evidence"],
        )
        messages.success(request, "The progress update has been added.")
        return redirect(action)
    return _form_page(
        request,
        form,
        title="Add a progress update",
        caption=action.title,
        button="Add the update",
        cancel_url=action.get_absolute_url(),
    )


@login_required
@never_cache
@require_GET
def evidence_download(request, pk):
    """An evidence file, only for people who may see its plan; always as a download."""
    item = get_object_or_404(selectors.evidence_in_my_services(request.user), pk=pk)
    require(request.user, Perm.VIEW_PLAN, item.update.action.plan)
    try:
        handle = open(item.path, "rb")  # noqa: SIM115 (FileResponse closes it)
    except FileNotFoundError:
        raise Http404("The file is missing") from None
    response = FileResponse(handle, as_attachment=True, filename=item.original_name, content_type=item.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# Board reports -------------------------------------------------------------------------------


def _plan_and_meeting(request, pk, meeting_pk):
    plan = _plan(request, pk, with_people=False)  # the board report names neither
    meeting = selectors.meeting_of_service(meeting_pk, plan.inspection.service_id)
    if meeting is None:
        raise Http404
    return plan, meeting


def _chosen_version(request, versions):
    """The issued version asked for (`?version=N`), else the current one (the highest number)."""
    asked = request.GET.get("version")
    if asked is None:
        return versions[0] if versions else None
    chosen = next((v for v in versions if str(v.number) == asked), None)
    if chosen is None:
        raise Http404("No such version of this report")
    return chosen


@login_required
@require_GET
def board_report(request, pk, meeting_pk):
    plan, meeting = _plan_and_meeting(request, pk, meeting_pk)
    require(request.user, Perm.VIEW_PLAN, plan)
    versions = selectors.report_versions(plan.pk, meeting.pk)
    issued = _chosen_version(request, versions)
    if issued is None and _reads_issued_reports_only(request, plan):
        return render(
            request,
            "improvement/board_report.html",
            {
                "page_title": f"Board report: {meeting}",
                "plan": plan,
                "meeting": meeting,
                "hidden_draft": True,
                "latest_issued": selectors.latest_issued_report(plan.inspection.service_id),
            },
        )
    body = issued.html if issued else _draft_report_body(plan, meeting)
    return render(
        request,
        "improvement/board_report.html",
        {
            "page_title": f"Board report: {meeting}",
            "plan": plan,
            "meeting": meeting,
            "issued": issued,
            "versions": versions,
            "current": versions[0] if versions else None,
            "body": body,
            "can_issue": request.user.has_perm(Perm.ISSUE_REPORT, plan),
        },
    )


# The migration whose triggers move an inspection's figures' version on every change to its plan, and
# every inspection's of a service on a change to its board, meetings or glossary.
PLAN_MIGRATION = "improvement.migrations.0008_figures_version_triggers"


def _kept_for_service(plan, part, shown_with, render):
    """`part` of a page about the plan, kept until anything it may show changes: the figures' versions
    of every inspection of the plan's service (the plan, its actions and their history, updates, the
    board's meetings, the glossary, the recurring audits promised, the figures "did it work" reads; see
    improvement migration 0008) and the service's name; `shown_with`: all else it depends on."""
    return kept_part(
        selectors.service_inspection_ids(plan.inspection.service_id),
        part,
        (plan.inspection.service.name, *shown_with),
        render,
        kept_by=(FIGURES_MIGRATION, PLAN_MIGRATION),
    )


def _draft_report_body(plan, meeting):
    """The body of the report for `meeting` not issued yet, as it stands (kept: `_kept_for_service`)."""
    return _kept_for_service(
        plan,
        "board-report",
        (plan.pk, meeting.pk),
        lambda: reports.render_report_html(selectors.board_report_data(plan, meeting)),
    )


def _reads_issued_reports_only(request, plan):
    """Board members read reports as issued, never the draft of one not issued yet."""
    roles = {m.role for m in getattr(request, "memberships", []) if m.service_id == plan.inspection.service_id}
    return roles == {Role.BOARD_MEMBER}


@login_required
@never_cache
@require_GET
def board_report_pdf(request, pk, meeting_pk):
    plan, meeting = _plan_and_meeting(request, pk, meeting_pk)
    require(request.user, Perm.VIEW_PLAN, plan)
    issued = _chosen_version(request, list(BoardReport.objects.filter(plan=plan, meeting=meeting).order_by("-number")))
    if issued is None and _reads_issued_reports_only(request, plan):
        raise Http404("The report for this meeting has not been issued yet")
    if issued:
        pdf = bytes(issued.pdf)
    else:
        pdf = reports.html_to_pdf(_draft_report_body(plan, meeting), title=f"Board report: {meeting}")
    response = HttpResponse(pdf, content_type="application/pdf")
    suffix = f"-version-{issued.number}" if issued else ""
    response["Content-Disposition"] = f'attachment; filename="board-report-{meeting.held_on:%Y-%m-%d}{suffix}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def board_report_issue(request, pk, meeting_pk):
    plan, meeting = _plan_and_meeting(request, pk, meeting_pk)
    require(request.user, Perm.ISSUE_REPORT, plan)
    if request.POST.get("confirmed") != "yes":
        issued = BoardReport.objects.filter(plan=plan, meeting=meeting).order_by("-number").first()
        overdue = len(selectors.plan_overview(plan)["overdue"])
        outstanding = [f"{overdue} action{pluralize(overdue)} overdue."] if overdue else []
        return render(
            request,
            "includes/confirm_page.html",
            {
                "page_title": f"Issue the board report for {meeting}?",
                "caption": str(plan),
                "outstanding": outstanding,
                "warning": (
                    f"This makes a new version of the report with today's figures. The version issued on "
                    f"{issued.issued_at:%-d %B %Y} stays on record."
                    if issued
                    else "Once issued, board members read the report as it is today: it will not change."
                ),
                "action": reverse("improvement:board_report_issue", args=[plan.pk, meeting.pk]),
                "hidden": [],
                "button": "Issue a new version" if issued else "Issue the report",
                "cancel_url": reverse("improvement:board_report", args=[plan.pk, meeting.pk]),
            },
        )
    services.board_report_issue(plan=plan, meeting=meeting, by=request.user)
    messages.success(request, "The report has been issued. It will read the same from now on.")
    return redirect("improvement:board_report", pk=plan.pk, meeting_pk=meeting.pk)


# Boards and meetings -------------------------------------------------------------------------


@login_required
@require_GET
def board_list(request):
    service = request.service
    return render(
        request,
        "improvement/board_list.html",
        {
            "page_title": "Boards",
            "boards": list(selectors.boards_of_service(service)) if service else [],
            "can_change": service is not None and request.user.has_perm(Perm.CHANGE_BOARDS, service),
        },
    )


@login_required
@get_or_post
def board_create(request):
    service = request.service
    if service is None:
        raise PermissionDenied
    require(request.user, Perm.CHANGE_BOARDS, service)
    form = BoardForm(_posted(request), service=service)
    if request.method == "POST" and form.is_valid():
        board = services.board_create(
            service=service, by=request.user, name=form.cleaned_data["name"], members=list(form.cleaned_data["members"])
        )
        messages.success(request, f"{board.name} has been added.")
        return redirect("improvement:board_detail", pk=board.pk)
    return _form_page(
        request, form, title="Add a board", caption=service.name, cancel_url=reverse("improvement:board_list")
    )


def _board(request, pk):
    return get_in_my_services_or_404(Board.objects.select_related("service"), request.user, pk=pk)


@login_required
@require_GET
def board_detail(request, pk):
    board = _board(request, pk)
    require(request.user, Perm.VIEW_BOARDS, board)
    return render(
        request,
        "improvement/board_detail.html",
        {
            "page_title": board.name,
            "board": board,
            "members": list(board.members.order_by("first_name", "last_name")),
            "meetings": list(board.meetings.order_by("-held_on")),
            "plans": list(selectors.plans_of_service(board.service_id)),
            "can_change": request.user.has_perm(Perm.CHANGE_BOARDS, board),
        },
    )


@login_required
@get_or_post
def board_edit(request, pk):
    board = _board(request, pk)
    require(request.user, Perm.CHANGE_BOARDS, board)
    form = BoardForm(
        _posted(request),
        service=board.service,
        board=board,
        initial={"name": board.name, "members": list(board.members.all()), "version": board.version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.board_update(
                board=board,
                by=request.user,
                name=form.cleaned_data["name"],
                members=list(form.cleaned_data["members"]),
                version=form.cleaned_data["version"],
            )
        except StaleEdit as stale:
            refuse_stale(form, stale.current, "board")
        else:
            messages.success(request, "The board has been saved.")
            return redirect("improvement:board_detail", pk=board.pk)
    return _form_page(
        request,
        form,
        title="Change the board",
        caption=board.name,
        cancel_url=reverse("improvement:board_detail", args=[board.pk]),
    )


@login_required
@get_or_post
def meeting_create(request, pk):
    board = _board(request, pk)
    require(request.user, Perm.CHANGE_BOARDS, board)
    form = MeetingForm(_posted(request), board=board)
    if request.method == "POST" and form.is_valid():
        services.meeting_create(
            board=board, by=request.user, held_on=form.cleaned_data["held_on"], notes=form.cleaned_data["notes"]
        )
        messages.success(request, "The meeting has been added.")
        return redirect("improvement:board_detail", pk=board.pk)
    return _form_page(
        request,
        form,
        title="Add a meeting",
        caption=board.name,
        button="Add the meeting",
        cancel_url=reverse("improvement:board_detail", args=[board.pk]),
    )


# Glossary ------------------------------------------------------------------------------------


def _can_change_glossary(request):
    """Whether the person manages the service they are working in now (its own terms only)."""
    return request.service is not None and request.user.has_perm(Perm.CHANGE_GLOSSARY, request.service)


def _own_term(request, pk):
    """One of the person's services' own terms, which they manage; a national term or another
    service's answers 404."""
    entry = get_in_my_services_or_404(Term.objects.select_related("service"), request.user, "service", pk=pk)
    require(request.user, Perm.CHANGE_GLOSSARY, entry.service)
    return entry


@login_required
@require_GET
def glossary(request):
    return render(
        request,
        "improvement/glossary.html",
        {
            "page_title": "Glossary",
            "terms": selectors.glossary_terms(request.service),
            "service": request.service,
            "can_change": _can_change_glossary(request),
        },
    )


@login_required
@get_or_post
def term_create(request):
    if not _can_change_glossary(request):
        raise PermissionDenied
    form = TermForm(_posted(request), service=request.service)
    if request.method == "POST" and form.is_valid():
        services.term_create(service=request.service, by=request.user, **form.changes())
        messages.success(request, f"The term has been added to {request.service.name}'s glossary.")
        return redirect("improvement:glossary")
    return _form_page(
        request,
        form,
        title="Add a term",
        caption=f"Glossary of {request.service.name}",
        cancel_url=reverse("improvement:glossary"),
    )


@login_required
@get_or_post
def term_edit(request, pk):
    entry = _own_term(request, pk)
    form = TermForm(_posted(request), instance=entry, service=entry.service)
    if request.method == "POST" and form.is_valid():
        try:
            services.term_update(entry=entry, by=request.user, version=form.cleaned_data["version"], **form.changes())
        except StaleEdit as stale:
            refuse_stale(form, stale.current, "term")
        else:
            messages.success(request, "The term has been saved.")
            return redirect("improvement:glossary")
    return _form_page(
        request,
        form,
        title="Change the term",
        caption=f"Glossary of {entry.service.name}",
        cancel_url=reverse("improvement:glossary"),
    )


@login_required
@get_or_post
def term_delete(request, pk):
    entry = _own_term(request, pk)
    if request.method == "POST":
        services.term_delete(entry=entry, by=request.user)
        messages.success(request, f"{entry.term} has been removed from the glossary.")
        return redirect("improvement:glossary")
    return render(
        request,
        "improvement/confirm_delete.html",
        {
            "page_title": f"Remove {entry.term} from the glossary",
            "caption": f"Glossary of {entry.service.name}",
            "cancel_url": reverse("improvement:glossary"),
            "what": "term",
        },
    )
