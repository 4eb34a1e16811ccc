"""Feedback pages: a case's feedback page (case holder, feedback, case actions, re-audit), writing
feedback, adding a case action, "Feedback on my cases" for the case holder (acknowledge, mark done),
the re-audit page and the feedback figures of an inspection."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from inspections.access import my_inspection, require
from inspections.concurrency import StaleEdit, last_changed_by, refuse_stale
from inspections.people import display_name
from inspections.scoping import get_in_my_services_or_404

from ..models import Answer, AssessmentStatus, Case, CaseAction, Feedback, ReAudit
from ..oversight.disclosure import SMALL_GROUP
from ..rules import Perm
from ..safeguarding.selectors import open_concerns_for
from . import selectors, services
from .forms import AcknowledgeForm, CaseActionDoneForm, CaseActionForm, CaseHolderForm, FeedbackForm, ReAuditForm


def _my_case(request, pk, permission):
    case = get_in_my_services_or_404(
        Case.objects.select_related("inspection__service", "inspection__framework", "case_manager"),
        request.user,
        "inspection__service",
        pk=pk,
    )
    return require(request.user, permission, case)


def _feedback_of(case):
    return selectors.feedback_with_parts(Feedback.objects.filter(case=case)).first()


def _form_page(request, context, status=200):
    return render(request, "cases/feedback/form_page.html", context, status=status)


@login_required
@require_GET
def case_feedback(request, pk):
    """The case's feedback page: its case holder, the feedback, case actions and any re-audit."""
    case = _my_case(request, pk, Perm.VIEW_CASE_FEEDBACK)
    re_audit = ReAudit.objects.filter(case=case).select_related("assessor").first()
    return render(
        request,
        "cases/feedback/case_feedback.html",
        {
            "page_title": f"Feedback: case {case.reference}",
            "case": case,
            "feedback": _feedback_of(case),
            "final": services.counting_assessment(case),
            "today": timezone.localdate(),
            "re_audit": re_audit,
            "re_audit_answers": re_audit.answers.select_related("question") if re_audit else [],
            "may_link": request.user.has_perm(Perm.LINK_CASE_HOLDER, case),
            "may_write": request.user.has_perm(Perm.WRITE_FEEDBACK, case),
            "may_re_audit": request.user.has_perm(Perm.MARK_RE_AUDIT, case),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_holder_link(request, pk):
    case = _my_case(request, pk, Perm.LINK_CASE_HOLDER)
    form = CaseHolderForm(
        request.POST or None,
        service=case.inspection.service,
        initial={"case_holder": case.case_manager_id, "version": services.case_holder_version(case)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.case_holder_link(case=case, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        except StaleEdit as stale:
            refuse_stale(form, stale.current, "case holder")
        else:
            messages.success(request, f"Case {case.reference} is linked to its case holder.")
            return redirect("cases:case_feedback", case.pk)
    return _form_page(
        request,
        {
            "page_title": f"Case holder of case {case.reference}",
            "intro": f"Named in the cohort file as: {case.case_manager_name or 'nobody'}.",
            "form": form,
            "cancel_url": reverse("cases:case_feedback", args=[case.pk]),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def feedback_write(request, pk):
    """Write (or change, until acknowledged) the feedback, prefilled with the questions answered No."""
    case = _my_case(request, pk, Perm.WRITE_FEEDBACK)
    counting = services.counting_assessment(case)
    if counting is None:
        messages.error(request, "Feedback can be written once the case's counting assessment is final.")
        return redirect("cases:case_feedback", case.pk)
    areas = list(case.inspection.framework.areas.all())
    existing = _feedback_of(case)
    if existing:
        parts = {part.area_id: part for part in existing.areas.all()}
        initial = {"done_well": existing.done_well, "to_improve": existing.to_improve}
        for area in areas:
            part = parts.get(area.pk)
            initial[f"area_{area.pk}_done_well"] = part.done_well if part else ""
            initial[f"area_{area.pk}_to_improve"] = part.to_improve if part else ""
    else:
        prefill = services.feedback_prefill(counting)
        initial = {f"area_{area.pk}_to_improve": prefill.get(area.pk, "") for area in areas}
    initial["version"] = services.feedback_version(existing)
    form = FeedbackForm(request.POST or None, areas=areas, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_give(
                case=case,
                by=request.user,
                done_well=form.cleaned_data["done_well"],
                to_improve=form.cleaned_data["to_improve"],
                areas=form.area_values(),
                version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        except StaleEdit as stale:
            refuse_stale(form, stale.current, "feedback")
        else:
            messages.success(request, f"The feedback on case {case.reference} is given to its case holder.")
            return redirect("cases:case_feedback", case.pk)
    return _form_page(
        request,
        {
            "page_title": f"Feedback for the case holder: case {case.reference}",
            "intro": f"For {display_name(case.case_manager) or 'the case holder (link one first)'}. "
            "They read it under \u201cFeedback on my cases\u201d and acknowledge it.",
            "form": form,
            "button": "Give feedback",
            "cancel_url": reverse("cases:case_feedback", args=[case.pk]),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_action_create(request, pk):
    case = _my_case(request, pk, Perm.WRITE_FEEDBACK)
    feedback = Feedback.objects.filter(case=case).select_related("case__inspection", "case_holder").first()
    if feedback is None:
        messages.error(request, "Give feedback on the case before adding case actions.")
        return redirect("cases:case_feedback", case.pk)
    form = CaseActionForm(
        request.POST or None, service=case.inspection.service, initial={"owner": feedback.case_holder_id}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.case_action_add(feedback=feedback, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The case action is added.")
            return redirect("cases:case_feedback", case.pk)
    return _form_page(
        request,
        {
            "page_title": f"Add a case action: case {case.reference}",
            "intro": "Something specific to put right on this child's file.",
            "form": form,
            "button": "Add the case action",
            "cancel_url": reverse("cases:case_feedback", args=[case.pk]),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def my_feedback(request):
    """Feedback on my cases: the case holder's own feedback and case actions in this service."""
    if request.membership is None:
        raise PermissionDenied
    return render(
        request,
        "cases/feedback/my_feedback.html",
        {"page_title": "Feedback on my cases", "feedbacks": selectors.my_feedback(request.user, request.service)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def feedback_detail(request, pk):
    """The case holder reads the feedback and acknowledges it, with an optional reply."""
    feedback = get_in_my_services_or_404(
        selectors.feedback_with_parts(Feedback.objects.all()),
        request.user,
        "case__inspection__service",
        pk=pk,
    )
    require(request.user, Perm.ACKNOWLEDGE_FEEDBACK, feedback)
    form = AcknowledgeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_acknowledge(feedback=feedback, by=request.user, reply=form.cleaned_data["reply"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"You have acknowledged the feedback on case {feedback.case.reference}.")
            return redirect("cases:feedback_detail", feedback.pk)
    return render(
        request,
        "cases/feedback/feedback_detail.html",
        {
            "page_title": f"Feedback on case {feedback.case.reference}",
            "feedback": feedback,
            "form": form,
            "today": timezone.localdate(),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_action_done(request, pk):
    action = get_in_my_services_or_404(
        CaseAction.objects.select_related("feedback__case__inspection"),
        request.user,
        "feedback__case__inspection__service",
        pk=pk,
    )
    require(request.user, Perm.COMPLETE_CASE_ACTION, action)
    form = CaseActionDoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_action_complete(action=action, by=request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The case action is marked done.")
            return redirect("cases:feedback_detail", action.feedback_id)
    return _form_page(
        request,
        {
            "page_title": f"Mark a case action done: case {action.feedback.case.reference}",
            "intro": action.text,
            "form": form,
            "button": "Mark done",
            "cancel_url": reverse("cases:feedback_detail", args=[action.feedback_id]),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def feedback_figures(request, pk):
    inspection = my_inspection(request, pk, Perm.VIEW_FEEDBACK_FIGURES)
    return render(
        request,
        "cases/feedback/figures.html",
        {
            "page_title": f"Feedback to case holders: {inspection.title}",
            "inspection": inspection,
            "figures": selectors.feedback_figures(inspection),
            "overdue": selectors.overdue_case_actions(inspection.service),
            "small_group": SMALL_GROUP,
            "section": "feedback",
            "open_concerns": open_concerns_for(request.user, inspection.service),
            "now": timezone.now(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def re_audit_mark(request, pk):
    case = _my_case(request, pk, Perm.MARK_RE_AUDIT)
    form = ReAuditForm(request.POST or None, service=case.inspection.service)
    if request.method == "POST" and form.is_valid():
        try:
            services.re_audit_mark(case=case, by=request.user, assessor=form.cleaned_data["assessor"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Case {case.reference} is marked for re-audit.")
            return redirect("cases:case_feedback", case.pk)
    return _form_page(
        request,
        {
            "page_title": f"Mark case {case.reference} for re-audit",
            "intro": "A short re-check of the questions answered No in its counting assessment, read again "
            "by the person you choose. The case page then shows before and after side by side.",
            "form": form,
            "button": "Mark for re-audit",
            "cancel_url": reverse("cases:case_feedback", args=[case.pk]),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def re_audit_page(request, pk):
    """The re-auditor answers again each question answered No before."""
    re_audit = get_in_my_services_or_404(
        ReAudit.objects.select_related("case__inspection"), request.user, "case__inspection__service", pk=pk
    )
    if re_audit.assessor_id != request.user.pk:
        require(request.user, Perm.VIEW_CASE_FEEDBACK, re_audit.case)
    rows = list(re_audit.answers.select_related("question__area"))
    may_record = re_audit.assessor_id == request.user.pk and re_audit.status != AssessmentStatus.SUBMITTED
    error = None
    stale_version = services.re_audit_version(re_audit, rows)
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied
        answers = {
            row.question_id: (request.POST.get(f"q{row.question_id}", ""), request.POST.get(f"n{row.question_id}", ""))
            for row in rows
        }
        submit = request.POST.get("action") == "submit"
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = None
        try:
            services.re_audit_save(re_audit=re_audit, by=request.user, answers=answers, submit=submit, version=version)
        except ValidationError as problem:
            error = " ".join(problem.messages)
        except StaleEdit as stale:
            who = last_changed_by(stale.current)
            error = (
                f"This re-audit changed while you were editing it{f' ({who})' if who else ''}, in another tab "
                "perhaps. Your answers are not saved yet: they are shown below as you chose them. "
                "Save again to replace the other change with them."
            )
            stale_version = stale.current.version
        if error:
            for row in rows:
                row.value, row.note = answers[row.question_id]
        else:
            messages.success(request, "The re-audit is submitted." if submit else "Your draft is saved.")
            return redirect("cases:re_audit", re_audit.pk)
    return render(
        request,
        "cases/feedback/re_audit.html",
        {
            "page_title": f"Re-audit of case {re_audit.case.reference}",
            "re_audit": re_audit,
            "rows": rows,
            "choices": Answer.Value.choices,
            "may_record": may_record,
            "error": error,
            "version": stale_version,
        },
        status=400 if error else 200,
    )
