"""Who may do what with cases and assessments."""

import functools
from collections import defaultdict

import rules

from inspections.models import Role
from inspections.rules import has_role, is_lead_inspector


class Perm:
    """The permissions of this app, by name; each registered with `rules` below."""

    SCORE_ASSESSMENT = "cases.score_assessment"
    VIEW_ASSESSMENT = "cases.view_assessment"
    REOPEN_ASSESSMENT = "cases.reopen_assessment"
    VIEW_ASSESSMENT_RECORD = "cases.view_assessment_record"
    VIEW_CASES = "cases.view_cases"
    VIEW_INSPECTION_RECORD = "cases.view_inspection_record"
    ADD_CASE = "cases.add_case"
    VIEW_JUDGEMENTS = "cases.view_judgements"
    OVERRIDE_JUDGEMENT = "cases.override_judgement"
    PUBLISH_INSPECTION = "cases.publish_inspection"
    VIEW_MODERATION = "cases.view_moderation"
    MODERATE_CASE = "cases.moderate_case"
    VIEW_DASHBOARD = "cases.view_dashboard"
    EXPORT_INSPECTION = "cases.export_inspection"
    VIEW_SERVICE_TRENDS = "cases.view_service_trends"
    VIEW_LIVE_FIGURES = "cases.view_live_figures"
    VIEW_BENCHMARK = "cases.view_benchmark"
    MANAGE_SAMPLE = "cases.manage_sample"
    VIEW_PROGRAMME = "cases.view_programme"
    CHANGE_PROGRAMME = "cases.change_programme"
    RUN_PROGRAMME_AUDIT = "cases.run_programme_audit"
    # Issue 14 (registered in feedback/rules.py and safeguarding/rules.py).
    LINK_CASE_HOLDER = "cases.link_case_holder"
    VIEW_CASE_FEEDBACK = "cases.view_case_feedback"
    WRITE_FEEDBACK = "cases.write_feedback"
    ACKNOWLEDGE_FEEDBACK = "cases.acknowledge_feedback"
    COMPLETE_CASE_ACTION = "cases.complete_case_action"
    VIEW_FEEDBACK_FIGURES = "cases.view_feedback_figures"
    MARK_RE_AUDIT = "cases.mark_re_audit"
    RAISE_CONCERN = "cases.raise_concern"
    VIEW_CONCERN = "cases.view_concern"
    ACT_ON_CONCERN = "cases.act_on_concern"
    VIEW_CONCERN_REGISTER = "cases.view_concern_register"
    SET_SAFEGUARDING_ROLES = "cases.set_safeguarding_roles"


can_run_inspection = has_role(Role.MANAGER, Role.INSPECTOR)


@rules.predicate
def is_assessor(user, assessment):
    return assessment is not None and assessment.assessor_id == user.pk


def _inspection(obj):
    """The inspection an object is part of (an inspection is part of itself)."""
    from inspections.models import Inspection

    if isinstance(obj, Inspection):
        return obj
    return getattr(obj, "inspection", None) or obj.case.inspection


@rules.predicate
def inspection_is_open(user, obj):
    return not _inspection(obj).is_published


@rules.predicate
def inspection_is_published(user, obj):
    return _inspection(obj).is_published


def _markings_of_case(case_id):
    """[(marking, assessor id, status)] of the case's first and second markings: one query."""
    from .models import Assessment, Marking

    return list(
        Assessment.objects.filter(case_id=case_id, marking__in=[Marking.FIRST, Marking.SECOND]).values_list(
            "marking", "assessor_id", "status"
        )
    )


# --- the blind-marking rule -----------------------------------------------------------------
# Second marking is blind: a first or second marker of a case may not see another marking of it
# (the other marker's, or the moderated one) until both markings are submitted. `is_blind_to`
# asks it of one assessment; `blind_case_ids` of a whole inspection (drill-down, exports, the
# record). Both use the one "both markings submitted" rule in cases/models.py.


@rules.predicate
def is_blind_to(user, assessment):
    from .models import markings_both_submitted

    if assessment is None or assessment.assessor_id == user.pk:
        return False
    markings = _markings_of_case(assessment.case_id)
    if not any(assessor_id == user.pk for _, assessor_id, _ in markings):
        return False
    return not markings_both_submitted({marking: status for marking, _, status in markings})


def blind_case_ids(user, inspection):
    """Cases of the inspection the person is marking blind: they made a first or second marking
    and the two are not both submitted yet. One query."""
    return blind_case_ids_in(user, [inspection.pk])


def blind_case_ids_in(user, inspections, markings=None):
    """`blind_case_ids` across several inspections (ids or a queryset of them, e.g. a service's; None for
    every inspection), for the person's markings of kinds `markings` (first and second unless
    given). One query, with no subquery
    to build: the first and second markings of the cases the person marked, their statuses judged by
    `markings_both_submitted` (the same rule as `models.both_markings_submitted` in SQL)."""
    from .models import Marking, markings_both_submitted

    markings = tuple(markings or [Marking.FIRST, Marking.SECOND])
    if isinstance(inspections, (list, tuple)) and user.pk is not None:  # ids: a read built once per process
        rows = _markings_read(markings).rows(user.pk, list(inspections))
    else:
        rows = _markings_of_cases_marked_by(user, inspections, markings)
    statuses = defaultdict(dict)
    for case_id, marking, status in rows:
        statuses[case_id][marking] = status
    return {case_id for case_id, by_marking in statuses.items() if not markings_both_submitted(by_marking)}


def _markings_of_cases_marked_by(person, inspections, markings):
    """(case id, marking, status) of the first and second markings of the cases of `inspections`
    (None: every inspection) of which the person made a marking of the kinds `markings`."""
    from .models import Assessment, Marking

    rows = Assessment.objects.filter(
        marking__in=[Marking.FIRST, Marking.SECOND],
        case__assessments__assessor=person,
        case__assessments__marking__in=markings,
    )
    if inspections is not None:
        rows = rows.filter(case__inspection__in=inspections)
    return rows.values_list("case_id", "marking", "status").order_by()


@functools.cache
def _markings_read(markings):
    """`_markings_of_cases_marked_by` for a person's id and a list of inspection ids, built by the ORM
    once per process (and kinds of marking)."""
    from inspections.prepared import PreparedRead

    from .models import Assessment

    return PreparedRead(
        Assessment, lambda person_id, inspection_ids: _markings_of_cases_marked_by(person_id, inspection_ids, markings)
    )


def hidden_first_markings(user, inspections):
    """Cases whose first marking counts in the figures while the person, marking them second, is blind to
    it. Every figure they read (dashboard, drill-down, judgements, trends, exports of every kind) leaves
    these cases out entirely, so no two figures can be subtracted to recover the first marking. (A first
    marker is blind too, but the figures count only their own marking until both are submitted.)"""
    from .models import Marking

    return blind_case_ids_in(user, inspections, markings=[Marking.SECOND])


@rules.predicate
def is_marker_of_case(user, case):
    """The person made the first or second marking of the case (so cannot moderate it). From the
    markings read with the case this request when the moderation page has them (`case_comparison`)."""
    if case is None:
        return False
    markings = getattr(case, "first_and_second_markings", None)
    if markings is None:
        markings = _markings_of_case(case.pk)
    return any(assessor_id == user.pk for _, assessor_id, _ in markings)


@rules.predicate
def is_inspector_somewhere(user, obj=None):
    from inspections.scoping import roles_by_service

    return Role.INSPECTOR in roles_by_service(user).values()


# Scoring: the assigned assessor only. Reading another's assessment: managers and inspectors.
rules.add_perm(Perm.SCORE_ASSESSMENT, is_assessor & inspection_is_open)
rules.add_perm(Perm.VIEW_ASSESSMENT, is_assessor | (can_run_inspection & ~is_blind_to))
rules.add_perm(Perm.REOPEN_ASSESSMENT, can_run_inspection & inspection_is_open & ~is_blind_to)
rules.add_perm(Perm.VIEW_ASSESSMENT_RECORD, can_run_inspection & ~is_blind_to)
rules.add_perm(Perm.VIEW_CASES, can_run_inspection)
rules.add_perm(Perm.VIEW_INSPECTION_RECORD, can_run_inspection)
# Sampling: the cohort, the draw, replacements and assignment.
rules.add_perm(Perm.MANAGE_SAMPLE, can_run_inspection)
rules.add_perm(Perm.ADD_CASE, can_run_inspection & inspection_is_open)
# Board members read published figures only: an inspection still being scored is not theirs to read.
rules.add_perm(Perm.VIEW_JUDGEMENTS, can_run_inspection | (has_role(Role.BOARD_MEMBER) & inspection_is_published))
rules.add_perm(Perm.OVERRIDE_JUDGEMENT, (has_role(Role.MANAGER) | is_lead_inspector) & inspection_is_open)
rules.add_perm(Perm.PUBLISH_INSPECTION, can_run_inspection)

# Moderation and oversight (docs/architecture.md). Objects: an inspection, or a case for moderating it.
rules.add_perm(Perm.VIEW_MODERATION, can_run_inspection)
rules.add_perm(Perm.MODERATE_CASE, can_run_inspection & inspection_is_open & ~is_marker_of_case)
rules.add_perm(Perm.VIEW_DASHBOARD, can_run_inspection)
rules.add_perm(Perm.EXPORT_INSPECTION, can_run_inspection)
# Objects: a service.
rules.add_perm(Perm.VIEW_SERVICE_TRENDS, has_role(Role.MANAGER, Role.INSPECTOR, Role.BOARD_MEMBER))
# Live figures of inspections not yet published (trends): not board members, who read published ones only.
rules.add_perm(Perm.VIEW_LIVE_FIGURES, can_run_inspection)
rules.add_perm(Perm.VIEW_BENCHMARK, is_inspector_somewhere)

# The audit programme (docs/programme.md). Objects: a service, a template or a period's audit.
rules.add_perm(Perm.VIEW_PROGRAMME, has_role(Role.MANAGER, Role.INSPECTOR, Role.BOARD_MEMBER))
rules.add_perm(Perm.CHANGE_PROGRAMME, has_role(Role.MANAGER))
rules.add_perm(Perm.RUN_PROGRAMME_AUDIT, can_run_inspection)
# Feedback, case actions, re-audit and safeguarding concerns (docs/feedback-and-safeguarding.md): their own modules.
from .feedback import rules as _feedback_rules  # noqa: E402, F401
from .safeguarding import rules as _safeguarding_rules  # noqa: E402, F401
