"""Writes for the cohort, the sample and the assignment: keyword-only, each in one transaction.

The pages and the management commands call these same functions. `by` is the person doing
it (None for a command run by an operator); it is recorded on the draw, the changes and, via
django-simple-history, on every case and assessment row written here.
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from inspections.models import Inspection, InspectionStatus, Membership
from inspections.people import display_name

from ..bulk import bulk_insert_with_history
from ..models import Assessment, AssessmentStatus, Case, Marking, SampleChange, SampleDraw
from .arithmetic import allocate, cohort_hash, draw, replacement_candidates, sample_size_for_margin, seeded_order
from .arithmetic import yjb_sample_size as yjb_size
from .cohort import CohortCheck, check_cells, match_case_managers
from .selectors import (
    ASSIGNING_STATUSES,
    DEFAULT_STRATA,
    SAMPLING_STATUSES,
    STRATA_CHOICES,
    case_manager_key,
    case_stratum,
    cohort_hash_rows,
    cohort_values,
    eligible_assessors,
    latest_draw,
)

METHODS = ("number", "margin", "yjb")


class CohortImportError(Exception):
    """The file has problems; nothing was imported. `check.problems` lists them."""

    def __init__(self, check: CohortCheck, unaccepted_warnings: bool = False):
        self.check = check
        self.unaccepted_warnings = unaccepted_warnings
        super().__init__(f"{len(check.errors)} errors and {len(check.warnings)} warnings")


def _status_label(inspection):
    return InspectionStatus(inspection.status).label


def _lock(inspection) -> Inspection:
    """The inspection row, locked for the rest of the transaction (writes to one cohort queue up)."""
    return Inspection.objects.select_for_update().get(pk=inspection.pk)


def _save(instance, by, **kwargs):
    instance._history_user = by
    instance.save(**kwargs)


def _delete(instance, by):
    instance._history_user = by
    instance.delete()


# --- cohort ----------------------------------------------------------------------------------


def cohort_check(*, inspection, cells, today=None) -> CohortCheck:
    """Check a file's cells against the inspection (its period, the references already in it)."""
    existing = set(Case.objects.filter(inspection=inspection).values_list("reference", flat=True))
    return check_cells(
        cells,
        period_start=inspection.period_start,
        period_end=inspection.period_end,
        existing_references=existing,
        today=today,
    )


@transaction.atomic
def cohort_import(*, inspection, cells, by, accept_warnings=False, today=None, allow_any_status=False) -> list[Case]:
    """Import every row of the file, or none: raises CohortImportError while any problem remains."""
    inspection = _lock(inspection)
    if not allow_any_status and inspection.status not in SAMPLING_STATUSES:
        raise ValidationError(
            f"The cohort can be imported only while the inspection is Planned or Sampling; "
            f"it is {_status_label(inspection)}."
        )
    check = cohort_check(inspection=inspection, cells=cells, today=today)
    if check.errors:
        raise CohortImportError(check)
    if check.warnings and not accept_warnings:
        raise CohortImportError(check, unaccepted_warnings=True)

    member_ids = Membership.objects.filter(service_id=inspection.service_id).values("user_id")
    people = [
        (pk, username, f"{first} {last}".strip())
        for pk, username, first, last in get_user_model()
        .objects.filter(pk__in=member_ids)
        .values_list("pk", "username", "first_name", "last_name")
    ]
    matched = match_case_managers({row.case_manager for row in check.rows if row.case_manager}, people)
    cases = [
        dict(
            inspection_id=inspection.pk,
            reference=row.reference,
            disposal=row.disposal,
            rosh=row.rosh,
            gender=row.gender,
            age_at_start=row.age_at_start,
            ethnicity=row.ethnicity,
            looked_after=row.looked_after,
            start_date=row.start_date,
            case_manager_id=matched.get(row.case_manager),
            case_manager_name="" if row.case_manager in matched else row.case_manager,
            team=row.team,
        )
        for row in check.rows
    ]
    return bulk_insert_with_history(Case, cases, scope_field="inspection", scope_value=inspection.pk, by=by)


@transaction.atomic
def case_exclude(*, case, reason, by) -> Case:
    """Leave a case out of the cohort, with the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Enter why the case is left out of the cohort.")
    if case.in_sample:
        raise ValidationError(f"{case.reference} is in the sample. Replace it in the sample first.")
    if case.inspection.is_published:
        raise ValidationError("The inspection is published; its cohort cannot change.")
    case.excluded_reason = reason
    _save(case, by, update_fields=["excluded_reason"])
    return case


@transaction.atomic
def case_restore(*, case, by) -> Case:
    """Put an excluded case back in the cohort."""
    if case.inspection.is_published:
        raise ValidationError("The inspection is published; its cohort cannot change.")
    case.excluded_reason = ""
    _save(case, by, update_fields=["excluded_reason"])
    return case


# --- sample ----------------------------------------------------------------------------------


def work_out_size(*, method, population, size=None, confidence=None, margin=None) -> int:
    """The sample size a method gives for a cohort of `population` cases."""
    if method == "number":
        if size is None or size < 1:
            raise ValidationError("Enter how many cases to sample, 1 or more.")
        if size > population:
            raise ValidationError(f"The cohort holds {population} cases; the sample cannot be larger.")
        return size
    if method == "margin":
        if confidence is None or margin is None:
            raise ValidationError("Choose a confidence level and enter a margin of error.")
        try:
            return sample_size_for_margin(population, confidence, margin)
        except ValueError as error:
            raise ValidationError(str(error)) from error
    if method == "yjb":
        return yjb_size(population)
    raise ValidationError(f"Choose how to work out the size: {', '.join(METHODS)}.")


def _clean_strata(strata):
    known = [code for code, _ in STRATA_CHOICES]
    strata = list(DEFAULT_STRATA if strata is None else strata)
    unknown = [s for s in strata if s not in known]
    if unknown:
        raise ValidationError(f"Unknown strata: {', '.join(unknown)}. Choose from {', '.join(known)}.")
    return [code for code in known if code in strata]


@transaction.atomic
def sample_draw(
    *,
    inspection,
    method,
    seed,
    by,
    size=None,
    confidence=None,
    margin=None,
    strata=None,
    cap=None,
    allow_any_status=False,
) -> SampleDraw:
    """Draw the sample from the cohort, store the draw and mark the chosen cases in_sample.

    The same cohort, parameters and seed always give the same sample. A new draw replaces the
    previous sample; assignments not yet started on cases that leave it are removed, and no
    new draw is made once scoring has started on any case.
    """
    inspection = _lock(inspection)
    if not allow_any_status and inspection.status not in SAMPLING_STATUSES:
        raise ValidationError(
            f"The sample can be drawn only while the inspection is Planned or Sampling; "
            f"it is {_status_label(inspection)}. Replace single cases instead."
        )
    if Assessment.objects.filter(case__inspection=inspection).exclude(status=AssessmentStatus.NOT_STARTED).exists():
        raise ValidationError("Scoring has started on sampled cases, so the sample cannot be drawn again.")
    seed = str(seed).strip()
    if not seed or len(seed) > 64:
        raise ValidationError("Enter a seed of 1 to 64 characters.")
    if cap is not None and cap < 1:
        raise ValidationError("The cap per case manager must be 1 or more.")
    strata = _clean_strata(strata)
    cohort = cohort_values(inspection)
    if not cohort:
        raise ValidationError("The cohort is empty. Import the cohort first.")
    total = work_out_size(method=method, population=len(cohort), size=size, confidence=confidence, margin=margin)

    members = defaultdict(list)
    for case in cohort:
        members[case_stratum(case, strata)].append(case["reference"])
    allocation = allocate({key: len(refs) for key, refs in members.items()}, total)
    manager_of = {c["reference"]: case_manager_key(c) for c in cohort} if cap else None
    chosen_by_stratum = draw(members, allocation, seed, manager_of, cap)
    chosen = {ref for refs in chosen_by_stratum.values() for ref in refs}

    changed = []
    for case in Case.objects.filter(inspection=inspection):
        wanted = case.reference in chosen
        if case.in_sample != wanted:
            case.in_sample = wanted
            changed.append(case)
    if changed:
        bulk_update_with_history(changed, Case, ["in_sample"], default_user=by)
    for assessment in Assessment.objects.filter(case__inspection=inspection, case__in_sample=False):
        _delete(assessment, by)

    parameters = {
        "method": method,
        "size": total,
        "confidence": confidence if method == "margin" else None,
        "margin": margin if method == "margin" else None,
        "strata": strata,
        "cap": cap,
        "cohort_size": len(cohort),
    }
    result = {
        "references": sorted(chosen),
        "strata": [
            {"key": key, "cohort": len(members[key]), "sample": len(chosen_by_stratum.get(key, []))}
            for key in sorted(members)
        ],
    }
    if inspection.status == InspectionStatus.PLANNED:
        inspection.status = InspectionStatus.SAMPLING
        _save(inspection, by, update_fields=["status"])
    return SampleDraw.objects.create(
        inspection=inspection,
        seed=seed,
        parameters=parameters,
        cohort_hash=cohort_hash(cohort_hash_rows(cohort)),
        result=result,
        drawn_by=by,
    )


def replacement_for(case, sample_draw=None):
    """The case that would take `case`'s place in the sample (same stratum), or None."""
    sample_draw = sample_draw or latest_draw(case.inspection)
    if sample_draw is None:
        return None
    strata = sample_draw.parameters.get("strata", [])
    key = case_stratum(_as_values(case), strata)
    cohort = cohort_values(case.inspection)
    stratum_refs = [c["reference"] for c in cohort if case_stratum(c, strata) == key]
    sampled = {c["reference"] for c in cohort if c["in_sample"]} | {case.reference}
    removed_before = SampleChange.objects.filter(inspection_id=case.inspection_id).values_list(
        "removed__reference", flat=True
    )
    candidates = replacement_candidates(stratum_refs, sampled, sample_draw.seed, key, excluded=set(removed_before))
    if not candidates:
        return None
    return Case.objects.get(inspection_id=case.inspection_id, reference=candidates[0])


def _as_values(case):
    return {
        "reference": case.reference,
        "disposal": case.disposal,
        "rosh": case.rosh,
        "gender": case.gender,
        "looked_after": case.looked_after,
        "team": case.team,
        "case_manager_id": case.case_manager_id,
        "case_manager_name": case.case_manager_name,
        "in_sample": case.in_sample,
    }


@transaction.atomic
def sample_replace(*, case, reason, by) -> SampleChange:
    """Take a case out of the sample and put the next case of its stratum (in the draw's order) in."""
    inspection = _lock(case.inspection)
    case.refresh_from_db()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Enter why the case is taken out of the sample.")
    if not case.in_sample:
        raise ValidationError(f"{case.reference} is not in the sample.")
    if inspection.is_published:
        raise ValidationError("The inspection is published; its sample cannot change.")
    if case.assessments.exclude(status=AssessmentStatus.NOT_STARTED).exists():
        raise ValidationError(f"Scoring of {case.reference} has started, so it cannot be replaced.")
    sample_draw_ = latest_draw(inspection)
    if sample_draw_ is None:
        raise ValidationError("No sample has been drawn yet.")
    added = replacement_for(case, sample_draw_)
    if added is None:
        raise ValidationError(f"No other case of {case.reference}'s stratum is left to take its place.")
    case.in_sample = False
    _save(case, by, update_fields=["in_sample"])
    added.in_sample = True
    _save(added, by, update_fields=["in_sample"])
    # Assignments not yet started move to the new case, unless that would give someone their own case.
    for assessment in case.assessments.all():
        if assessment.assessor_id == added.case_manager_id:
            _delete(assessment, by)
        else:
            assessment.case = added
            _save(assessment, by)
    return SampleChange.objects.create(inspection=inspection, removed=case, added=added, reason=reason, changed_by=by)


# --- assignment ------------------------------------------------------------------------------


def plan_first_markings(cases, assessors, loads):
    """{case id: assessor id}: balanced by load, never to a case's own case manager.

    `cases`: [(case id, case manager id)], `assessors`: [assessor id] in order of preference
    for ties, `loads`: {assessor id: cases already held}. Cases whose case manager is one of
    the assessors go first, since they have one assessor fewer to go to.
    """
    loads = {a: loads.get(a, 0) for a in assessors}
    rank = {a: i for i, a in enumerate(assessors)}
    ordered = sorted(cases, key=lambda c: 0 if c[1] in loads else 1)
    plan = {}
    for case_id, manager_id in ordered:
        eligible = [a for a in assessors if a != manager_id]
        if not eligible:
            continue
        chosen = min(eligible, key=lambda a: (loads[a], rank[a]))
        plan[case_id] = chosen
        loads[chosen] += 1
    return plan


def plan_second_markings(cases, assessors, loads, need, totals=None):
    """{case id: assessor id} for up to `need` second markings, balanced across `assessors`.

    `cases`: [(case id, case manager id, first marker id)] in the order to prefer them;
    `loads`: second markings each assessor already holds; `totals`: all their markings
    (to break ties). Never the first marker, never the case manager. Each step takes the
    first case that someone with the fewest second markings may take, so the counts stay
    within one of each other wherever the cases allow it.
    """
    second = {a: loads.get(a, 0) for a in assessors}
    total = {a: (totals or {}).get(a, 0) for a in assessors}
    rank = {a: i for i, a in enumerate(assessors)}
    remaining = list(cases)
    plan = {}
    while remaining and len(plan) < need:
        best = None
        fewest = min(second.values())
        for index, (_, manager_id, first_id) in enumerate(remaining):
            eligible = [a for a in assessors if a not in (manager_id, first_id)]
            if not eligible:
                continue
            chosen = min(eligible, key=lambda a: (second[a], total[a], rank[a]))
            if best is None or second[chosen] < second[best[1]]:
                best = (index, chosen)
            if second[chosen] == fewest:
                break
        if best is None:
            break
        index, chosen = best
        plan[remaining.pop(index)[0]] = chosen
        second[chosen] += 1
        total[chosen] += 1
    return plan


def second_marking_target(sample_size, share):
    """Cases for second marking: `share` per cent of the sample, rounded half up."""
    return (2 * sample_size * share + 100) // 200


def _check_assessors(inspection, assessors):
    eligible = {user.pk for user in eligible_assessors(inspection)}
    outside = [a for a in assessors if a.pk not in eligible]
    if outside:
        names = ", ".join(display_name(a) for a in outside)
        raise ValidationError(f"{names} cannot score cases of this inspection's service.")


@transaction.atomic
def assessments_assign(*, inspection, assessors, by, second_share=0, allow_any_status=False) -> dict:
    """Assign the sampled cases not yet assigned, and a share for blind second marking.

    Balanced across `assessors` (counting what each already holds), never to a case's own
    case manager; each second marking goes to someone other than the first marker.
    Returns {"first": created, "second": created, "unassigned": [references nobody could take]}.
    """
    inspection = _lock(inspection)
    if not allow_any_status and inspection.status not in ASSIGNING_STATUSES:
        raise ValidationError(
            f"Cases can be assigned only before moderation; the inspection is {_status_label(inspection)}."
        )
    assessors = list(dict.fromkeys(assessors))
    if not assessors:
        raise ValidationError("Choose at least one assessor.")
    if not 0 <= second_share <= 100:
        raise ValidationError("The share for second marking must be between 0 and 100 per cent.")
    if second_share and len(assessors) < 2:
        raise ValidationError("Choose at least two assessors for second marking.")
    _check_assessors(inspection, assessors)
    ids = [a.pk for a in assessors]

    cases = list(Case.objects.filter(inspection=inspection, in_sample=True).order_by("reference"))
    if not cases:
        raise ValidationError("No sample has been drawn yet.")
    existing = {
        (case_id, marking): assessor_id
        for case_id, marking, assessor_id in Assessment.objects.filter(case__inspection=inspection).values_list(
            "case_id", "marking", "assessor_id"
        )
    }
    first_loads = defaultdict(int)
    second_loads = defaultdict(int)
    for (_, marking), assessor_id in existing.items():
        (first_loads if marking == Marking.FIRST else second_loads)[assessor_id] += 1

    first_plan = plan_first_markings(
        [(c.pk, c.case_manager_id) for c in cases if (c.pk, Marking.FIRST) not in existing], ids, first_loads
    )
    new = [Assessment(case_id=case_id, assessor_id=a, marking=Marking.FIRST) for case_id, a in first_plan.items()]
    first_of = {case_id: a for (case_id, marking), a in existing.items() if marking == Marking.FIRST} | first_plan

    second_plan = {}
    if second_share:
        have = sum(1 for (_, marking) in existing if marking == Marking.SECOND)
        need = second_marking_target(len(cases), second_share) - have
        if need > 0:
            sample_draw_ = latest_draw(inspection)
            seed = sample_draw_.seed if sample_draw_ else str(inspection.pk)
            by_reference = {c.reference: c for c in cases}
            candidates = [
                by_reference[ref]
                for ref in seeded_order(by_reference, seed, "second marking")
                if (by_reference[ref].pk, Marking.SECOND) not in existing and by_reference[ref].pk in first_of
            ]
            totals = {a: first_loads[a] + second_loads[a] + sum(1 for v in first_plan.values() if v == a) for a in ids}
            second_plan = plan_second_markings(
                [(c.pk, c.case_manager_id, first_of[c.pk]) for c in candidates], ids, second_loads, need, totals
            )
            new += [
                Assessment(case_id=case_id, assessor_id=a, marking=Marking.SECOND) for case_id, a in second_plan.items()
            ]
    if new:
        bulk_create_with_history(new, Assessment, default_user=by)
    unassigned = [c.reference for c in cases if c.pk not in first_of]
    return {"first": len(first_plan), "second": len(second_plan), "unassigned": unassigned}


def _check_may_take(case, marking, assessor, markings):
    """Refuses (ValidationError) to give `assessor` the case's `marking`: not their own case, not
    both markings (second marking is blind), not a second before a first; a member who scores."""
    name = display_name(assessor)
    if assessor.pk == case.case_manager_id:
        raise ValidationError(f"{name} manages {case.reference}, so cannot score it.")
    other = markings.get(Marking.SECOND if marking == Marking.FIRST else Marking.FIRST)
    if other is not None and other.assessor_id == assessor.pk:
        raise ValidationError(f"{name} already has the other marking of {case.reference}; second marking is blind.")
    if marking == Marking.SECOND and markings.get(Marking.FIRST) is None:
        raise ValidationError(f"Assign the first marking of {case.reference} before a second marking.")
    _check_assessors(case.inspection, [assessor])


@transaction.atomic
def assessment_set_assessor(*, case, marking, assessor, by) -> Assessment | None:
    """Give a case's first or second marking to `assessor` (None: take it away).

    A marking not yet started moves; one already started stays where it is and this says so.
    """
    _lock(case.inspection)
    if case.inspection.status not in ASSIGNING_STATUSES:
        raise ValidationError("Cases can be assigned only before moderation.")
    if marking not in (Marking.FIRST, Marking.SECOND):
        raise ValidationError("Only first and second markings are assigned here.")
    if not case.in_sample:
        raise ValidationError(f"{case.reference} is not in the sample.")
    markings = {a.marking: a for a in case.assessments.select_related("assessor")}
    current = markings.get(marking)
    label = Marking(marking).label.lower()
    if current is not None and current.status != AssessmentStatus.NOT_STARTED:
        if assessor is not None and assessor.pk == current.assessor_id:
            return current
        who = display_name(current.assessor)
        raise ValidationError(
            f"{who} has started the {label} of {case.reference}, so it cannot be moved. "
            "Ask them to finish it, or speak to the lead inspector."
        )
    if assessor is None:
        if current is not None:
            _delete(current, by)
        return None
    if current is not None and current.assessor_id == assessor.pk:
        return current
    _check_may_take(case, marking, assessor, markings)
    if current is not None:
        current.assessor = assessor
        _save(current, by, update_fields=["assessor", "updated_at"])
        return current
    assessment = Assessment(case=case, assessor=assessor, marking=marking)
    _save(assessment, by)
    return assessment
