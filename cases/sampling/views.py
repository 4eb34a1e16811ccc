"""Pages for the cohort (import, exclusions), the sample (draw, replace) and the assignment.

Managers and inspectors of the inspection's service may use them; other members get 403,
and an inspection outside the person's services answers 404. Views parse, call a service
from `services` and render.
"""

import secrets

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from inspections.access import my_inspection

from ..models import Case, Marking
from ..rules import Perm
from . import selectors, services
from .cohort import UnreadableFile, read_cells
from .forms import (
    AutoAssignForm,
    CohortConfirmForm,
    CohortFilter,
    CohortUploadForm,
    DrawForm,
    ExcludeForm,
    ReplaceForm,
    new_seed,
)

GET_POST = ["GET", "POST"]


def _pending_key(inspection):
    return f"cohort-upload-{inspection.pk}"


def _inspection(request, pk):
    """The inspection if it is in one of the person's services (else 404) and they may manage its sample."""
    return my_inspection(
        request, pk, Perm.MANAGE_SAMPLE, "Only the service's managers and inspectors can manage the cohort and sample."
    )


def _case(inspection, case_pk):
    return get_object_or_404(
        Case.objects.select_related("inspection", "case_manager"), inspection=inspection, pk=case_pk
    )


def _context(inspection, section, **extra):
    return {"inspection": inspection, "section": section, **extra}


def _error_text(error: ValidationError):
    return " ".join(error.messages)


# --- cohort ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def cohort(request, pk):
    inspection = _inspection(request, pk)
    totals, breakdown = selectors.cohort_summary(inspection)
    cohort_filter = CohortFilter(request.GET or None, queryset=selectors.cohort_cases(inspection))
    cases = cohort_filter.qs if cohort_filter.is_bound and cohort_filter.is_valid() else cohort_filter.queryset
    return render(
        request,
        "cases/sample/cohort.html",
        _context(
            inspection,
            "cohort",
            page_title=f"Cohort: {inspection.title}",
            totals=totals,
            breakdown=breakdown,
            filter=cohort_filter,
            cases=cases,
            filtered=bool(request.GET),
            can_import=inspection.status in selectors.SAMPLING_STATUSES,
        ),
    )


def _upload_page(request, inspection, form, problems=(), status=200):
    problems = list(problems)
    return render(
        request,
        "cases/sample/upload.html",
        _context(
            inspection,
            "cohort",
            page_title=("Error: " if problems or form.errors else "") + "Upload the cohort",
            form=form,
            problems=problems,
            error_count=sum(1 for p in problems if not p.warning),
            can_import=inspection.status in selectors.SAMPLING_STATUSES,
            max_mb=round(_max_bytes() / (1024 * 1024)),
        ),
        status=status,
    )


def _max_bytes():
    from django.conf import settings

    return settings.UPLOAD_MAX_BYTES


@login_required
@require_http_methods(GET_POST)
def cohort_upload(request, pk):
    inspection = _inspection(request, pk)
    if request.method == "GET":
        return _upload_page(request, inspection, CohortUploadForm())
    form = CohortUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_page(request, inspection, form)
    if inspection.status not in selectors.SAMPLING_STATUSES:
        form.add_error(None, "The cohort can be imported only while the inspection is Planned or Sampling")
        return _upload_page(request, inspection, form)
    upload = form.cleaned_data["file"]
    try:
        cells = read_cells(upload.read(), upload.name, max_bytes=_max_bytes())
    except UnreadableFile as unreadable:
        return _upload_page(request, inspection, form, [unreadable.problem])
    check = services.cohort_check(inspection=inspection, cells=cells)
    if check.errors:
        return _upload_page(request, inspection, form, check.problems)
    # Kept on the server (in the session store) until confirmed; the browser only holds the token.
    request.session[_pending_key(inspection)] = {
        "token": secrets.token_urlsafe(16),
        "filename": upload.name[:200],
        "cells": cells,
    }
    return redirect("cases:cohort_preview", pk=inspection.pk)


@login_required
@require_http_methods(GET_POST)
def cohort_preview(request, pk):
    inspection = _inspection(request, pk)
    pending = request.session.get(_pending_key(inspection))
    if not pending:
        messages.info(request, "Upload the cohort file first.")
        return redirect("cases:cohort_upload", pk=inspection.pk)
    # Check again: the cohort may have changed since the upload.
    check = services.cohort_check(inspection=inspection, cells=pending["cells"])
    if check.errors:
        return _upload_page(request, inspection, CohortUploadForm(), check.problems)
    form = CohortConfirmForm(initial={"token": pending["token"]})
    if request.method == "POST":
        if request.POST.get("action") == "cancel":
            request.session.pop(_pending_key(inspection), None)
            messages.info(request, "Nothing was imported.")
            return redirect("cases:cohort", pk=inspection.pk)
        form = CohortConfirmForm(request.POST)
        if form.is_valid() and form.cleaned_data["token"] != pending["token"]:
            form.add_error(None, "This upload has been replaced by a newer one. Check the preview again")
        if form.is_valid():
            try:
                created = services.cohort_import(
                    inspection=inspection,
                    cells=pending["cells"],
                    by=request.user,
                    accept_warnings=form.cleaned_data["accept_warnings"],
                )
            except services.CohortImportError as refused:
                if refused.unaccepted_warnings:
                    form.add_error(
                        "accept_warnings", "Tick the box to confirm you have checked the warnings, or fix the file"
                    )
                else:
                    return _upload_page(request, inspection, CohortUploadForm(), refused.check.problems)
            except ValidationError as refused:
                form.add_error(None, _error_text(refused))
            else:
                request.session.pop(_pending_key(inspection), None)
                messages.success(request, f"{len(created)} cases imported into the cohort.")
                return redirect("cases:cohort", pk=inspection.pk)
    return render(
        request,
        "cases/sample/preview.html",
        _context(
            inspection,
            "cohort",
            page_title=("Error: " if form.errors else "") + "Check the cohort before importing",
            form=form,
            filename=pending["filename"],
            rows=check.rows,
            warnings=check.warnings,
            breakdown=selectors.breakdown(check.counts()),
        ),
    )


@login_required
@require_http_methods(GET_POST)
def cohort_case_exclude(request, pk, case_pk):
    inspection = _inspection(request, pk)
    case = _case(inspection, case_pk)
    form = ExcludeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_exclude(case=case, reason=form.cleaned_data["reason"], by=request.user)
        except ValidationError as refused:
            form.add_error(None, _error_text(refused))
        else:
            messages.success(request, f"{case.reference} is left out of the cohort.")
            return redirect("cases:cohort", pk=inspection.pk)
    return render(
        request,
        "cases/sample/exclude.html",
        _context(inspection, "cohort", page_title=f"Leave {case.reference} out of the cohort", form=form, case=case),
    )


@login_required
@require_POST
def cohort_case_restore(request, pk, case_pk):
    inspection = _inspection(request, pk)
    case = _case(inspection, case_pk)
    try:
        services.case_restore(case=case, by=request.user)
    except ValidationError as refused:
        messages.error(request, _error_text(refused))
    else:
        messages.success(request, f"{case.reference} is back in the cohort.")
    return redirect("cases:cohort", pk=inspection.pk)


# --- sample ----------------------------------------------------------------------------------


@login_required
@require_http_methods(GET_POST)
def sample_draw(request, pk):
    inspection = _inspection(request, pk)
    population = Case.objects.in_cohort().filter(inspection=inspection).count()
    can_draw = inspection.status in selectors.SAMPLING_STATUSES
    worked_out = None
    if request.method == "POST" and can_draw:
        form = DrawForm(request.POST)
        if form.is_valid():
            arguments = form.size_arguments()
            try:
                worked_out = services.work_out_size(population=population, **arguments)
            except ValidationError as refused:
                form.add_error(None, _error_text(refused))
            if worked_out is not None and request.POST.get("action") == "draw":
                try:
                    services.sample_draw(
                        inspection=inspection,
                        seed=form.cleaned_data["seed"],
                        strata=form.cleaned_data["strata"],
                        cap=form.cleaned_data["cap"],
                        by=request.user,
                        **arguments,
                    )
                except ValidationError as refused:
                    form.add_error(None, _error_text(refused))
                else:
                    messages.success(request, f"{worked_out} cases drawn from a cohort of {population}.")
                    return redirect("cases:sample_result", pk=inspection.pk)
    else:
        form = DrawForm(initial={"seed": new_seed()})
    return render(
        request,
        "cases/sample/draw.html",
        _context(
            inspection,
            "sample",
            page_title=("Error: " if form.errors else "") + "Draw the sample",
            form=form,
            population=population,
            worked_out=worked_out,
            can_draw=can_draw,
            has_draw=selectors.latest_draw(inspection) is not None,
        ),
    )


@login_required
@require_http_methods(["GET"])
def sample_result(request, pk):
    inspection = _inspection(request, pk)
    draw = selectors.latest_draw(inspection)
    return render(
        request,
        "cases/sample/result.html",
        _context(
            inspection,
            "sample",
            page_title=f"Sample: {inspection.title}",
            draw=draw,
            strata_names=[dict(selectors.STRATA_CHOICES).get(code, code) for code in draw.parameters.get("strata", [])]
            if draw
            else [],
            strata=selectors.sample_strata_table(inspection, draw),
            cases=selectors.sampled_cases(inspection) if draw else [],
            changes=selectors.sample_changes(inspection),
            can_draw=inspection.status in selectors.SAMPLING_STATUSES,
        ),
    )


@login_required
@require_http_methods(GET_POST)
def sample_replace(request, pk, case_pk):
    inspection = _inspection(request, pk)
    case = _case(inspection, case_pk)
    form = ReplaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            change = services.sample_replace(case=case, reason=form.cleaned_data["reason"], by=request.user)
        except ValidationError as refused:
            form.add_error(None, _error_text(refused))
        else:
            messages.success(request, f"{change.removed.reference} replaced by {change.added.reference}.")
            return redirect("cases:sample_result", pk=inspection.pk)
    replacement = services.replacement_for(case) if case.in_sample else None
    return render(
        request,
        "cases/sample/replace.html",
        _context(
            inspection,
            "sample",
            page_title=("Error: " if form.errors else "") + f"Replace {case.reference} in the sample",
            form=form,
            case=case,
            replacement=replacement,
        ),
    )


# --- assignment ------------------------------------------------------------------------------


@login_required
@require_http_methods(GET_POST)
def sample_assign(request, pk):
    inspection = _inspection(request, pk)
    assessors = selectors.eligible_assessors(inspection)
    assessor_ids = [a.pk for a in assessors]
    queryset = get_user_model().objects.filter(pk__in=assessor_ids).order_by("first_name", "last_name", "username")
    can_assign = inspection.status in selectors.ASSIGNING_STATUSES
    form = AutoAssignForm(assessors=queryset)
    problems = []
    if request.method == "POST" and can_assign:
        if request.POST.get("action") == "auto":
            form = AutoAssignForm(request.POST, assessors=queryset)
            if form.is_valid():
                try:
                    done = services.assessments_assign(
                        inspection=inspection,
                        assessors=sorted(form.cleaned_data["assessors"], key=lambda u: assessor_ids.index(u.pk)),
                        second_share=form.cleaned_data["second_share"],
                        by=request.user,
                    )
                except ValidationError as refused:
                    form.add_error(None, _error_text(refused))
                else:
                    text = f"{done['first']} cases assigned for first marking and {done['second']} for second marking."
                    if done["unassigned"]:
                        text += f" Nobody could take {', '.join(done['unassigned'])}: choose more assessors."
                    messages.success(request, text)
                    return redirect("cases:sample_assign", pk=inspection.pk)
        else:
            problems = _save_by_hand(request, inspection, assessors)
            if not problems:
                messages.success(request, "Assignments saved.")
                return redirect("cases:sample_assign", pk=inspection.pk)
    rows = selectors.assignment_rows(inspection)
    loads = selectors.assessor_loads(inspection)
    if not form.is_bound:
        form.initial = {"assessors": [a for a in assessor_ids if a in loads], "second_share": 20}
    return render(
        request,
        "cases/sample/assign.html",
        _context(
            inspection,
            "assign",
            page_title=("Error: " if form.errors or problems else "") + "Assign the sample",
            form=form,
            rows=rows,
            assessors=assessors,
            loads=[(a, loads.get(a.pk, {"first": 0, "second": 0})) for a in assessors],
            problems=problems,
            can_assign=can_assign,
        ),
    )


def _save_by_hand(request, inspection, assessors):
    """Apply the per-case choices that changed; return the refusals, each with its case."""
    by_id = {str(a.pk): a for a in assessors}
    problems = []
    for row in selectors.assignment_rows(inspection):
        case = row["case"]
        for marking in (Marking.FIRST, Marking.SECOND):
            name = f"{marking}-{case.pk}"
            if name not in request.POST:
                continue
            chosen = request.POST[name]
            current = row[marking]
            if chosen == (str(current.assessor_id) if current else ""):
                continue
            if chosen and chosen not in by_id:
                problems.append((name, f"{case.reference}: choose an assessor from the list"))
                continue
            try:
                services.assessment_set_assessor(
                    case=case, marking=marking, assessor=by_id.get(chosen), by=request.user
                )
            except ValidationError as refused:
                problems.append((name, _error_text(refused)))
    return problems
