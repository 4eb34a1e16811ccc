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


class Perm:
    """The permissions of this app, by name; each registered with `rules` below."""

    VIEW_PLAN = "improvement.view_plan"
    CREATE_PLAN = "improvement.create_plan"
    CHANGE_PLAN = "improvement.change_plan"
    SUBMIT_PLAN = "improvement.submit_plan"
    APPROVE_PLAN = "improvement.approve_plan"
    START_PLAN = "improvement.start_plan"
    CLOSE_PLAN = "improvement.close_plan"
    VIEW_PLAN_HISTORY = "improvement.view_plan_history"
    ADD_UPDATE = "improvement.add_update"
    VIEW_BOARDS = "improvement.view_boards"
    CHANGE_BOARDS = "improvement.change_boards"
    ISSUE_REPORT = "improvement.issue_report"
    CHANGE_GLOSSARY = "improvement.change_glossary"


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

rules.add_perm(Perm.VIEW_PLAN, is_member)
rules.add_perm(Perm.CREATE_PLAN, is_manager)
rules.add_perm(Perm.CHANGE_PLAN, is_manager & plan_is_open)
rules.add_perm(Perm.SUBMIT_PLAN, is_manager & plan_is_draft)
rules.add_perm(Perm.APPROVE_PLAN, is_lead_inspector & plan_is_submitted)
rules.add_perm(Perm.START_PLAN, is_manager & plan_is_approved)
rules.add_perm(Perm.CLOSE_PLAN, is_manager & plan_is_in_progress)
rules.add_perm(Perm.VIEW_PLAN_HISTORY, is_manager | is_lead_inspector)
rules.add_perm(Perm.ADD_UPDATE, plan_is_open & (is_manager | (owns_action & is_staff_member)))
rules.add_perm(Perm.VIEW_BOARDS, is_member)
rules.add_perm(Perm.CHANGE_BOARDS, is_manager)
rules.add_perm(Perm.ISSUE_REPORT, is_manager)
rules.add_perm(Perm.CHANGE_GLOSSARY, is_manager)
