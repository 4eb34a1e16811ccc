"""Case pages: the inspection's cases, adding one, scoring, reopening, the record of changes,
and the judgements page (with overrides and publishing)."""

import re
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from inspections.access import my_inspection, require
from inspections.concurrency import StaleEdit, refuse_stale
from inspections.forms import OverrideForm
from inspections.models import Inspection
from inspections.scoping import ObjectInMyServices, get_in_my_services_or_404
from inspections.services import area_judge, judgement_override

from . import selectors, services
from .figures_version import TOKEN_KEPT, kept_part, with_reader_token
from .forms import CaseForm, ReopenForm
from .judgements import inspection_judgements
from .models import Assessment, AssessmentStatus, Case
from .oversight.disclosure import SMALL_GROUP
from .presenters import (
    answers_from_post,
    answers_list_html,
    area_band_form_html,
    area_progress_html,
    area_rows_html,
    question_rows_html,
    scoring_form_html,
    scoring_grid,
)
from .programme.scope import question_scope
from .rules import Perm, blind_case_ids, hidden_first_markings
from .services import (
    ScoringProblems,
    StaleAssessment,
    assessment_save,
    case_add,
    case_assign,
    inspection_publish,
)

RETURN_TO = re.compile(r"(question|area)-[a-z0-9-]{1,60}")

# Set in the new, signed-out session when the scoring page saved the answers as a draft just before
# the idle limit: the signed-out page (yos_audit.accounts.session_expired) says what was kept.
DRAFT_SAVED_SESSION_KEY = "draft_saved_on_timeout"


@login_required
@require_GET
def case_list(request, pk):
    inspection = my_inspection(request, pk, Perm.VIEW_CASES)
    return render(
        request,
        "cases/case_list.html",
        {
            "page_title": f"Cases: {inspection.title}",
            "inspection": inspection,
            "cases": selectors.cases_with_assessments(inspection),
            "blind": blind_case_ids(request.user, inspection),
            "may_add": request.user.has_perm(Perm.ADD_CASE, inspection),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_create(request, pk):
    inspection = my_inspection(request, pk, Perm.ADD_CASE)
    form = CaseForm(request.POST or None, service=inspection.service)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        assessor = fields.pop("assessor")
        try:
            with transaction.atomic():
                case = case_add(inspection=inspection, added_by=request.user, in_sample=True, **fields)
                if assessor:
                    case_assign(case=case, assessor=assessor, assigned_by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Case {case.reference} is added.")
            return redirect("cases:case_list", inspection.pk)
    return render(
        request,
        "cases/case_form.html",
        {"page_title": "Add a case", "form": form, "inspection": inspection},
    )


def _my_assessment(request, pk, permission, *related):
    assessment = get_in_my_services_or_404(
        # Not the service or the framework: these pages need only their ids (a narrower join plans faster).
        Assessment.objects.select_related("case__inspection", "assessor", *related),
        request.user,
        "case__inspection__service",
        pk=pk,
    )
    return require(request.user, permission, assessment)


@login_required
@require_http_methods(["GET", "POST"])
def assessment(request, pk):
    """Score a case: every question of the framework, grouped by area then stage."""
    # With the inspection's programme audit, if any: which questions it reads (question_scope), no query
    # of its own. Found within the person's services (404 outside them), by a read built once per process.
    assessment = require(request.user, Perm.VIEW_ASSESSMENT, selectors.assessment_for_scoring_or_404(request.user, pk))
    may_score = request.user.has_perm(Perm.SCORE_ASSESSMENT, assessment) and (
        assessment.status != AssessmentStatus.SUBMITTED
    )
    areas = selectors.case_areas(assessment.case, question_scope(assessment.case.inspection))
    questions = [q for area in areas for q in area.asked]
    problems, conflict, status = {}, None, 200

    if request.method == "POST":
        if not may_score:
            raise PermissionDenied
        typed = answers_from_post(request.POST, questions)
        submit = request.POST.get("action") == "submit"
        # Posted by the page's script just before the idle limit: keep the answers as a draft, then sign out.
        on_timeout = request.POST.get("action") == "timeout"
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = -1
        try:
            assessment_save(
                assessment=assessment,
                answers=typed,
                version=version,
                by=request.user,
                submit=submit,
                questions=questions,
            )
        except StaleAssessment as stale:
            conflict, status = stale.assessment, 409
            assessment = stale.assessment
        except ScoringProblems as refused:
            problems = refused.problems
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("cases:assessment", assessment.pk)
        else:
            if on_timeout:
                next_url = reverse("cases:assessment", args=[assessment.pk])
                logout(request)
                request.session[DRAFT_SAVED_SESSION_KEY] = assessment.case.reference
                return redirect(reverse("session_expired") + "?" + urlencode({"next": next_url}))
            if submit:
                messages.success(request, f"Case {assessment.case.reference} is submitted.")
                return redirect("cases:assessment", assessment.pk)
            messages.success(request, "Your draft is saved. You can come back to it at any time.")
            # Back to where the person was on the long page (the page's script names the question in view).
            return_to = request.POST.get("return_to", "")
            anchor = f"#{return_to}" if RETURN_TO.fullmatch(return_to) else ""
            return redirect(reverse("cases:assessment", args=[assessment.pk]) + anchor)
        answers = typed  # keep what the person typed, never drop it
    else:
        answers = selectors.answers_of(assessment)

    grid = scoring_grid(areas, answers, problems)
    answered = sum(1 for value, _ in answers.values() if value)
    # The areas' links with their progress, written in Python (two template loops over the areas took 2,000 calls).
    area_links, area_bar_links = area_progress_html(grid) if may_score else ("", "")
    return render(
        request,
        "cases/assessment.html",
        {
            "page_title": f"{'Error: ' if problems else ''}Case {assessment.case.reference}",
            "assessment": assessment,
            "next_assessment": selectors.next_assessment_for(assessment)
            if assessment.status == AssessmentStatus.SUBMITTED and assessment.assessor_id == request.user.pk
            else None,
            "case": assessment.case,
            "inspection": assessment.case.inspection,
            "grid": grid,
            # The questions' markup, written in Python: the form's, or the answers' once it cannot be scored.
            "scoring_form": scoring_form_html(grid) if may_score else "",
            "area_links": area_links,
            "area_bar_links": area_bar_links,
            "answers_list": "" if may_score else answers_list_html(grid),
            "problems": problems,
            "problem_rows": [row for area in grid for stage in area.stages for row in stage.rows if row.error],
            "conflict": conflict,
            "answered": answered,
            "total": len(questions),
            "may_score": may_score,
            # Only a submitted assessment can be reopened: the permission is asked only then.
            "may_reopen": assessment.status == AssessmentStatus.SUBMITTED
            and request.user.has_perm(Perm.REOPEN_ASSESSMENT, assessment),
            "may_see_record": request.user.has_perm(Perm.VIEW_ASSESSMENT_RECORD, assessment),
        },
        status=status,
    )


@login_required
@require_POST
def assessment_reopen(request, pk):
    assessment = _my_assessment(request, pk, Perm.REOPEN_ASSESSMENT)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the assessment is reopened.")
        return redirect("cases:assessment", assessment.pk)
    try:
        services.assessment_reopen(assessment=assessment, by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Case {assessment.case.reference} is reopened for its assessor.")
    return redirect("cases:assessment", assessment.pk)


@login_required
@require_GET
def assessment_record(request, pk):
    """Who changed what and when, for one assessment: answers, submissions, reopenings."""
    assessment = _my_assessment(request, pk, Perm.VIEW_ASSESSMENT_RECORD)
    return render(
        request,
        "cases/assessment_record.html",
        {
            "page_title": f"Record of changes: case {assessment.case.reference}",
            "assessment": assessment,
            "entries": selectors.assessment_record(assessment),
        },
    )


# What the one form of an area records: (service, its band and text attributes, word for success).
_AREA_BAND_WRITES = {
    True: (area_judge, "evidence", {"band_label": "judged_band_label", "reason": "evidence_note"}, "judgement"),
    False: (
        judgement_override,
        "reason",
        {"band_label": "override_band_label", "reason": "override_reason"},
        "override",
    ),
}


def _record_area_band(request, inspection, form):
    """Record the band posted for an area: judged from evidence for an area judged once per
    inspection, else an override of the computed band. True when saved; otherwise the form says why
    (a stale save keeps what was typed and says what changed)."""
    area = form.cleaned_data["area"]
    write, text_name, attributes, word = _AREA_BAND_WRITES[area.judged_once]
    try:
        write(
            inspection=inspection,
            area=area,
            band_label=form.cleaned_data["band_label"],
            by=request.user,
            version=form.cleaned_data["version"],
            **{text_name: form.cleaned_data["reason"]},
        )
    except StaleEdit as stale:
        refuse_stale(form, stale.current, "judgement", attributes)
        return False
    except ValidationError as error:
        problems = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
        for field, texts in problems.items():
            for message in texts:
                form.add_error({"evidence": "reason"}.get(field, field), message)
        return False
    messages.success(request, f"The {word} for {area.name} is recorded.")
    return True


# The judgements page's inspection (the query built once per process: inspections.scoping).
_JUDGED_INSPECTION = ObjectInMyServices(
    lambda: Inspection.objects.select_related("service", "framework", "programme_audit")
)


def _area_forms(figures, posted, *, may_override):
    """[(area, its form, its question rows, its form's markup)] of the judgements page: for those who
    may override, each area's form to judge it from evidence or override its band, as markup written
    in Python (`area_band_form_html`, with the kept part's stand-in for the reader's CSRF token), or,
    for the area whose form was posted back with errors, an `OverrideForm` the template shows with
    what was typed."""
    band_labels = [band.label for band in figures.bands]  # the framework's, read once
    forms = []
    for area in figures.areas:
        rows = question_rows_html(area, every_count=may_override, small_group=SMALL_GROUP)
        if not may_override:  # the page shows the forms only to those who may override
            forms.append((area, None, rows, None))
            continue
        override = area.override
        version, band_label, reason = override.version if override else 0, None, None
        if area.judged_once and override:
            band_label, reason = override.judged_band_label, override.evidence_note
        elif area.is_overridden:
            band_label, reason = override.override_band_label, override.override_reason
        if posted is not None and posted.data.get("area") == str(area.area.pk):
            forms.append((area, posted, rows, None))
            continue
        markup = area_band_form_html(
            area, version=version, band_label=band_label, reason=reason, band_labels=band_labels, csrf_token=TOKEN_KEPT
        )
        forms.append((area, None, rows, markup))
    return forms


@login_required
@require_http_methods(["GET", "POST"])
def judgements(request, pk):
    """Each area's score and band; overrides by a manager or the lead inspector; publishing."""
    # The inspection with what the page shows of it and its programme audit, if any (the questions
    # the judgements read: `question_scope`), not the lead inspector and the inspection it follows.
    inspection = require(request.user, Perm.VIEW_JUDGEMENTS, _JUDGED_INSPECTION.get_or_404(request.user, pk))
    may_override = request.user.has_perm(Perm.OVERRIDE_JUDGEMENT, inspection)
    override_form = None
    if request.method == "POST":
        if request.POST.get("action") == "publish":
            require(request.user, Perm.PUBLISH_INSPECTION, inspection)
            if request.POST.get("confirmed") != "yes":
                outstanding = selectors.outstanding_before_publishing(inspection)
                return render(
                    request,
                    "includes/confirm_page.html",
                    {
                        "page_title": f"Publish the judgements of {inspection.title}?",
                        "caption": inspection.service.name,
                        "outstanding": outstanding,
                        "warning": "Publishing stores these judgements for good: later changes to answers, "
                        "moderation included, will not alter them.",
                        "action": reverse("cases:judgements", args=[inspection.pk]),
                        "hidden": [("action", "publish")],
                        "button": "Publish anyway" if outstanding else "Publish the judgements",
                        "cancel_url": reverse("cases:judgements", args=[inspection.pk]),
                    },
                )
            try:
                inspection_publish(inspection=inspection, by=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, "The judgements are published. Later changes to answers do not alter them.")
            return redirect("cases:judgements", inspection.pk)
        if not may_override:
            raise PermissionDenied
        band_labels = [band.label for band in inspection.framework.bands.all()]
        override_form = OverrideForm(request.POST, framework=inspection.framework, band_labels=band_labels)
        if override_form.is_valid() and _record_area_band(request, inspection, override_form):
            return redirect("cases:judgements", inspection.pk)

    # Live figures leave out the cases whose first marking the reader is blind to; published ones are
    # as stored, with no marking left out. With what they may do, all the figures' markup shows
    # besides the data: kept until the data changes (cases/figures_version.py), unless a form was
    # posted back with errors (what was typed is never kept).
    blind = hidden_first_markings(request.user, [inspection.pk])
    may_publish = request.user.has_perm(Perm.PUBLISH_INSPECTION, inspection) and inspection.status == "moderation"

    def content():
        return _judgements_content(
            request, inspection, blind, override_form, may_override=may_override, may_publish=may_publish
        )

    if override_form is None:
        markup = kept_part([inspection.pk], "judgements", (sorted(blind), may_override, may_publish), content)
    else:
        markup = content()
    return render(
        request,
        "cases/judgements.html",
        {
            "page_title": f"Judgements: {inspection.title}",
            "inspection": inspection,
            "content": with_reader_token(markup, get_token(request)),
        },
        status=400 if override_form is not None and override_form.errors else 200,
    )


def _judgements_content(request, inspection, blind, posted, *, may_override, may_publish):
    """The judgements page's markup below its heading: the areas, the record of overrides, the overall
    rating, publishing and each area's questions and form (`posted`: an override form posted back)."""
    figures = inspection_judgements(inspection, leave_out=blind)
    return render_to_string(
        "cases/_judgements_content.html",
        {
            "inspection": inspection,
            "figures": figures,
            "area_rows": area_rows_html(figures.areas, every_count=may_override, small_group=SMALL_GROUP),
            "areas_with_forms": _area_forms(figures, posted, may_override=may_override),
            "override_record": selectors.override_record(inspection),
            "blind_left_out": len(figures.left_out),
            "may_override": may_override,  # those rating the inspection read every count
            "small_group": SMALL_GROUP,
            "may_publish": may_publish,
            "csrf_token": TOKEN_KEPT,  # the reader's own is put in as the page is served
        },
        request,
    )


@login_required
@require_GET
def case_record(request, pk):
    """The record of a case: who changed which of its attributes and when (old and new), and its
    replacements in the sample. Managers and inspectors of the case's service."""
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
            "entries": selectors.case_record_entries(case),
            "assessments": list(assessments),
        },
    )


@login_required
@require_GET
def inspection_record(request, pk):
    inspection = my_inspection(request, pk, Perm.VIEW_INSPECTION_RECORD)
    return render(
        request,
        "cases/inspection_record.html",
        {
            "page_title": f"Record of changes: {inspection.title}",
            "inspection": inspection,
            "entries": selectors.inspection_record_entries(inspection, request.user),
        },
    )
