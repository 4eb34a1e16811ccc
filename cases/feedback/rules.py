"""Who may do what with case holders, feedback, case actions and re-audits (docs/feedback-and-safeguarding.md).

Objects: a case (linking its holder, writing feedback, marking for re-audit), a feedback (the
case holder acknowledges it) or a case action (its owner marks it done), an inspection (figures).
"""

import rules

from inspections.models import Role
from inspections.rules import has_role

from ..rules import Perm


@rules.predicate
def is_counting_assessor(user, case):
    """The person made the assessment the case counts through (first marking or moderated one)."""
    from ..models import Assessment

    return case is not None and Assessment.objects.counting().filter(case=case, assessor=user).exists()


@rules.predicate
def is_case_holder(user, feedback):
    return feedback is not None and feedback.case_holder_id == user.pk


@rules.predicate
def owns_case_action(user, action):
    return action is not None and (action.owner_id == user.pk or action.feedback.case_holder_id == user.pk)


can_run_inspection = has_role(Role.MANAGER, Role.INSPECTOR)
is_manager = has_role(Role.MANAGER)

rules.add_perm(Perm.LINK_CASE_HOLDER, can_run_inspection)
rules.add_perm(Perm.VIEW_CASE_FEEDBACK, can_run_inspection | is_counting_assessor)
rules.add_perm(Perm.WRITE_FEEDBACK, is_manager | is_counting_assessor)
rules.add_perm(Perm.ACKNOWLEDGE_FEEDBACK, is_case_holder)
rules.add_perm(Perm.COMPLETE_CASE_ACTION, owns_case_action)
rules.add_perm(Perm.VIEW_FEEDBACK_FIGURES, can_run_inspection)
rules.add_perm(Perm.MARK_RE_AUDIT, is_manager)
