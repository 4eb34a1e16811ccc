"""Reads for the cohort, sample and assignment pages, each in a fixed number of queries."""

from __future__ import annotations

from collections import Counter

from django.contrib.auth import get_user_model
from django.db.models import Count, Q

from inspections.models import InspectionStatus, Membership, Role

from ..models import Assessment, Case, Disposal, Gender, Marking, RiskLevel, SampleChange, SampleDraw
from .arithmetic import stratum_key

# Inspections still open to a new cohort or a new draw.
SAMPLING_STATUSES = (InspectionStatus.PLANNED, InspectionStatus.SAMPLING)
# Inspections whose assignments may still change.
ASSIGNING_STATUSES = (InspectionStatus.PLANNED, InspectionStatus.SAMPLING, InspectionStatus.SCORING)
ASSESSOR_ROLES = (Role.OFFICER, Role.MANAGER, Role.INSPECTOR)

# Stratum dimensions: code -> (label shown on the form, value of a case as a dict of its fields).
STRATA = {
    "disposal": ("Disposal", lambda c: Disposal(c["disposal"]).label),
    "rosh": ("Risk of serious harm: low or not low", lambda c: "Low risk" if c["rosh"] == "low" else "Not low risk"),
    "gender": ("Gender", lambda c: Gender(c["gender"]).label),
    "looked_after": ("Looked after", lambda c: "Looked after" if c["looked_after"] else "Not looked after"),
    "team": ("Team", lambda c: c["team"] or "No team"),
}
GIRLS = "girls"
STRATA_CHOICES = [(code, label) for code, (label, _) in STRATA.items()] + [
    (GIRLS, "Girls as a stratum of their own (they are few)")
]
DEFAULT_STRATA = ["disposal", "rosh", GIRLS]


def case_manager_label(case: dict) -> str:
    """The case manager's name as people know it (their account's name, else the name in the file)."""
    if case.get("case_manager_id"):
        first, last = case.get("case_manager__first_name", ""), case.get("case_manager__last_name", "")
        return f"{first} {last}".strip() or case.get("case_manager__username") or "Case manager"
    return " ".join((case["case_manager_name"] or "").split()) or "No case manager"


# Strata a programme's sample rule uses ("N cases per case manager"), not offered on the draw form.
STRATA["case_manager"] = ("Case manager", case_manager_label)
PROGRAMME_STRATA = ["case_manager"]


def stratum_name(code):
    """What a stratum dimension is called on the page, e.g. "Disposal" or "Case manager"."""
    return dict(STRATA_CHOICES).get(code) or STRATA.get(code, (code,))[0]


CASE_FIELDS = [
    "pk",
    "reference",
    "disposal",
    "rosh",
    "gender",
    "looked_after",
    "team",
    "case_manager_id",
    "case_manager_name",
    "case_manager__first_name",
    "case_manager__last_name",
    "case_manager__username",
    "start_date",
    "in_sample",
]


def case_stratum(case: dict, strata) -> str:
    """The stratum a case falls in under the chosen strata, e.g. "Community / Not low risk"."""
    if GIRLS in strata and "gender" not in strata and case["gender"] == Gender.FEMALE:
        return "Girls"
    values = [STRATA[code][1](case) for code in STRATA if code in strata]
    return stratum_key(values) if values else "All cases"


def case_manager_key(case: dict) -> str:
    """Who manages a case, for the cap: their account if known, else their name."""
    if case["case_manager_id"]:
        return f"user:{case['case_manager_id']}"
    name = " ".join((case["case_manager_name"] or "").split()).casefold()
    return f"name:{name}" if name else ""


def cohort_values(inspection):
    """The cases in the cohort (not excluded) as dicts of the fields sampling uses."""
    return list(Case.objects.in_cohort().filter(inspection=inspection).order_by("reference").values(*CASE_FIELDS))


def filter_cohort(cases, filters):
    """The cases a programme's cohort filters keep: {"disposals": [...], "rosh_levels": [...],
    "looked_after_only": bool, "started_between": [first day, last day]}; a filter left empty keeps all."""
    filters = filters or {}
    disposals = set(filters.get("disposals") or ())
    rosh_levels = set(filters.get("rosh_levels") or ())
    looked_after_only = bool(filters.get("looked_after_only"))
    between = filters.get("started_between")
    kept = []
    for case in cases:
        if disposals and case["disposal"] not in disposals:
            continue
        if rosh_levels and case["rosh"] not in rosh_levels:
            continue
        if looked_after_only and not case["looked_after"]:
            continue
        if between and not (case["start_date"] and between[0] <= case["start_date"] <= between[1]):
            continue
        kept.append(case)
    return kept


def cohort_hash_rows(cases):
    return [
        (c["reference"], c["disposal"], c["rosh"], c["gender"], c["looked_after"], c["team"], case_manager_key(c))
        for c in cases
    ]


def cohort_summary(inspection):
    """Counts for the cohort page: totals, and in-cohort cases by disposal, risk, gender, looked after."""
    totals = Case.objects.filter(inspection=inspection).aggregate(
        total=Count("pk"),
        excluded=Count("pk", filter=~Q(excluded_reason="")),
        sampled=Count("pk", filter=Q(in_sample=True)),
    )
    rows = (
        Case.objects.in_cohort().filter(inspection=inspection).values_list("disposal", "rosh", "gender", "looked_after")
    )
    counts = {"disposal": Counter(), "rosh": Counter(), "gender": Counter(), "looked_after": Counter()}
    for disposal, rosh, gender, looked_after in rows:
        counts["disposal"][disposal] += 1
        counts["rosh"][rosh] += 1
        counts["gender"][gender] += 1
        counts["looked_after"]["yes" if looked_after else "no"] += 1
    totals["in_cohort"] = totals["total"] - totals["excluded"]
    return totals, breakdown(counts)


def breakdown(counts):
    """Label the counts per attribute for display: [(heading, [(label, count), ...]), ...]."""
    return [
        ("Disposal", [(choice.label, counts["disposal"].get(choice.value, 0)) for choice in Disposal]),
        ("Risk of serious harm", [(choice.label, counts["rosh"].get(choice.value, 0)) for choice in RiskLevel]),
        ("Gender", [(choice.label, counts["gender"].get(choice.value, 0)) for choice in Gender]),
        ("Looked after", [("Yes", counts["looked_after"].get("yes", 0)), ("No", counts["looked_after"].get("no", 0))]),
    ]


def cohort_cases(inspection):
    return Case.objects.filter(inspection=inspection).select_related("case_manager").order_by("reference")


def latest_draw(inspection):
    return (
        SampleDraw.objects.filter(inspection=inspection).select_related("drawn_by").order_by("-drawn_at", "-pk").first()
    )


def sample_changes(inspection):
    return (
        SampleChange.objects.filter(inspection=inspection)
        .select_related("removed", "added", "changed_by")
        .order_by("-changed_at", "-pk")
    )


def sampled_cases(inspection):
    return (
        Case.objects.filter(inspection=inspection, in_sample=True).select_related("case_manager").order_by("reference")
    )


def sample_strata_table(inspection, draw):
    """Cohort and current sample per stratum of the draw's strata, side by side."""
    if draw is None:
        return []
    strata = draw.parameters.get("strata", [])
    cohort = Counter()
    sample = Counter()
    for case in cohort_values(inspection):
        key = case_stratum(case, strata)
        cohort[key] += 1
        if case["in_sample"]:
            sample[key] += 1
    cohort_total = sum(cohort.values()) or 1
    sample_total = sum(sample.values()) or 1
    return [
        {
            "key": key,
            "cohort": cohort[key],
            "cohort_percent": round(100 * cohort[key] / cohort_total),
            "sample": sample[key],
            "sample_percent": round(100 * sample[key] / sample_total),
        }
        for key in sorted(cohort)
    ]


def eligible_assessors(inspection, roles=ASSESSOR_ROLES):
    """People of the inspection's service who may score cases: officers, managers and inspectors
    (or those of `roles` among them, e.g. only officers for a programme's peer audit)."""
    roles = [role for role in roles if role in ASSESSOR_ROLES]
    user_ids = Membership.objects.filter(service_id=inspection.service_id, role__in=roles).values("user_id")
    return list(
        get_user_model().objects.filter(pk__in=user_ids, is_active=True).order_by("first_name", "last_name", "username")
    )


def assignment_rows(inspection):
    """The sampled cases with their first and second markings, for the assignment page."""
    cases = list(sampled_cases(inspection))
    markings = {}
    for assessment in Assessment.objects.filter(
        case__inspection=inspection, marking__in=[Marking.FIRST, Marking.SECOND]
    ).select_related("assessor"):
        markings[(assessment.case_id, assessment.marking)] = assessment
    rows = []
    for case in cases:
        first = markings.get((case.pk, Marking.FIRST))
        second = markings.get((case.pk, Marking.SECOND))
        rows.append({"case": case, "first": first, "second": second, "pairs": [("first", first), ("second", second)]})
    return rows


def assessor_loads(inspection):
    """{user id: {"first": n, "second": n}} over the inspection's assessments."""
    loads = {}
    for assessor_id, marking, n in (
        Assessment.objects.filter(case__inspection=inspection, marking__in=[Marking.FIRST, Marking.SECOND])
        .values_list("assessor_id", "marking")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        loads.setdefault(assessor_id, {"first": 0, "second": 0})[marking] = n
    return loads
