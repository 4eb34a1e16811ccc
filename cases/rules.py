"""Who may do what with cases and assessments."""

import rules

from inspections.models import Role
from inspections.rules import has_role, is_lead_inspector

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


def _markings_of_case(case_id):
    """[(marking, assessor id, status)] of the case's first and second markings: one query."""
    from .models import Assessment, Marking

    return list(
        Assessment.objects.filter(case_id=case_id, marking__in=[Marking.FIRST, Marking.SECOND]).values_list(
            "marking", "assessor_id", "status"
        )
    )


def both_markings_submitted(markings):
    statuses = {marking: status for marking, _, status in markings}
    return statuses.get("first") == "submitted" and statuses.get("second") == "submitted"


@rules.predicate
def is_blind_to(user, assessment):
    """Second marking is blind: a first or second marker of a case may not see another marking
    of it (the other marker's, or the moderated one) until both markings are submitted."""
    if assessment is None or assessment.assessor_id == user.pk:
        return False
    markings = _markings_of_case(assessment.case_id)
    if not any(assessor_id == user.pk for _, assessor_id, _ in markings):
        return False
    return not both_markings_submitted(markings)


@rules.predicate
def is_marker_of_case(user, case):
    """The person made the first or second marking of the case (so cannot moderate it)."""
    return case is not None and any(assessor_id == user.pk for _, assessor_id, _ in _markings_of_case(case.pk))


@rules.predicate
def is_inspector_somewhere(user, obj=None):
    from inspections.scoping import roles_by_service

    return Role.INSPECTOR in roles_by_service(user).values()


# Scoring: the assigned assessor only. Reading another's assessment: managers and inspectors.
rules.add_perm("cases.score_assessment", is_assessor & inspection_is_open)
rules.add_perm("cases.view_assessment", is_assessor | (can_run_inspection & ~is_blind_to))
rules.add_perm("cases.reopen_assessment", can_run_inspection & inspection_is_open & ~is_blind_to)
rules.add_perm("cases.view_assessment_record", can_run_inspection & ~is_blind_to)
rules.add_perm("cases.view_cases", can_run_inspection)
rules.add_perm("cases.add_case", can_run_inspection & inspection_is_open)
rules.add_perm("cases.view_judgements", has_role(Role.MANAGER, Role.INSPECTOR, Role.BOARD_MEMBER))
rules.add_perm("cases.override_judgement", (has_role(Role.MANAGER) | is_lead_inspector) & inspection_is_open)
rules.add_perm("cases.publish_inspection", can_run_inspection)

# Moderation and oversight (issue 5). Objects: an inspection, or a case for moderating it.
rules.add_perm("cases.view_moderation", can_run_inspection)
rules.add_perm("cases.moderate_case", can_run_inspection & inspection_is_open & ~is_marker_of_case)
rules.add_perm("cases.view_dashboard", can_run_inspection)
rules.add_perm("cases.export_inspection", can_run_inspection)
# Objects: a service.
rules.add_perm("cases.view_service_trends", has_role(Role.MANAGER, Role.INSPECTOR, Role.BOARD_MEMBER))
rules.add_perm("cases.view_benchmark", is_inspector_somewhere)

# Feedback, case actions, re-audit and safeguarding concerns (issue 14): their own modules.
from .feedback import rules as _feedback_rules  # noqa: E402, F401
from .safeguarding import rules as _safeguarding_rules  # noqa: E402, F401
