"""Who may do what with improvement plans, boards and the glossary (`rules` predicates).

Managers write plans, record progress and run boards; the lead inspector of the plan's inspection
approves it; everyone in the service reads (board members only read); an action's owner in the
service may record progress on it. Objects passed in carry their service: a plan, an action
(through its plan's inspection), a board, a meeting or a service.
"""

import rules

from inspections.models import Role
from inspections.rules import has_role, is_inspector, is_manager, is_member

from .models import ActionStatus, PlanStatus


def _plan(obj):
    return getattr(obj, "plan", obj)


@rules.predicate
def is_lead_inspector(user, obj):
    """The lead inspector of the plan's inspection, while an inspector in that service."""
    plan = _plan(obj)
    inspection = getattr(plan, "inspection", None)
    return (
        inspection is not None
        and user.is_authenticated
        and inspection.lead_inspector_id == user.pk
        and is_inspector(user, inspection)
    )


@rules.predicate
def plan_is_open(user, obj):
    return _plan(obj).status != PlanStatus.CLOSED


@rules.predicate
def plan_is_draft(user, obj):
    return _plan(obj).status == PlanStatus.DRAFT


@rules.predicate
def plan_is_submitted(user, obj):
    return _plan(obj).status == PlanStatus.SUBMITTED


@rules.predicate
def plan_is_approved(user, obj):
    return _plan(obj).status == PlanStatus.APPROVED


@rules.predicate
def plan_is_in_progress(user, obj):
    return _plan(obj).status == PlanStatus.IN_PROGRESS


@rules.predicate
def owns_action(user, action):
    return getattr(action, "owner_id", None) == user.pk and user.is_authenticated


@rules.predicate
def action_is_open(user, action):
    return getattr(action, "status", None) != ActionStatus.COMPLETE


is_staff_member = has_role(Role.OFFICER, Role.MANAGER, Role.INSPECTOR)

rules.add_perm("improvement.view_plan", is_member)
rules.add_perm("improvement.create_plan", is_manager)
rules.add_perm("improvement.change_plan", is_manager & plan_is_open)
rules.add_perm("improvement.submit_plan", is_manager & plan_is_draft)
rules.add_perm("improvement.approve_plan", is_lead_inspector & plan_is_submitted)
rules.add_perm("improvement.start_plan", is_manager & plan_is_approved)
rules.add_perm("improvement.close_plan", is_manager & plan_is_in_progress)
rules.add_perm("improvement.view_plan_history", is_manager | is_lead_inspector)
rules.add_perm("improvement.add_update", plan_is_open & (is_manager | (owns_action & is_staff_member)))
rules.add_perm("improvement.view_boards", is_member)
rules.add_perm("improvement.change_boards", is_manager)
rules.add_perm("improvement.issue_report", is_manager)
rules.add_perm("improvement.change_glossary", is_manager)
