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


# Scoring: the assigned assessor only. Reading another's assessment: managers and inspectors.
rules.add_perm("cases.score_assessment", is_assessor & inspection_is_open)
rules.add_perm("cases.view_assessment", is_assessor | can_run_inspection)
rules.add_perm("cases.reopen_assessment", can_run_inspection & inspection_is_open)
rules.add_perm("cases.view_assessment_record", can_run_inspection)
rules.add_perm("cases.view_cases", can_run_inspection)
rules.add_perm("cases.add_case", can_run_inspection & inspection_is_open)
rules.add_perm("cases.view_judgements", has_role(Role.MANAGER, Role.INSPECTOR, Role.BOARD_MEMBER))
rules.add_perm("cases.override_judgement", (has_role(Role.MANAGER) | is_lead_inspector) & inspection_is_open)
rules.add_perm("cases.publish_inspection", can_run_inspection)
