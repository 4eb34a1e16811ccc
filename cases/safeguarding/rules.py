"""Who may do what with safeguarding concerns (docs/feedback-and-safeguarding.md).

Objects: an assessment (its assessor raises a concern from the scoring page), a concern, or a
service (the register, and who holds the safeguarding lead and head of service flags).
Blindness is applied by the selectors: a person marking a case blind sees only their own concerns
about it, never the other marker's.
"""

import rules

from inspections.models import Role
from inspections.rules import has_role, service_of

from ..rules import Perm


def _flags(user, service_id):
    """(safeguarding lead, head of service) of the person in the service: one query, kept on the user."""
    from inspections.models import Membership

    if not user.is_authenticated:
        return (False, False)
    cached = getattr(user, "_safeguarding_flags", None)
    if cached is None:
        cached = {
            service: (lead, head)
            for service, lead, head in Membership.objects.filter(user=user).values_list(
                "service_id", "safeguarding_lead", "head_of_service"
            )
        }
        user._safeguarding_flags = cached
    return cached.get(getattr(service_id, "pk", service_id), (False, False))


@rules.predicate
def is_safeguarding_lead(user, obj):
    return obj is not None and _flags(user, service_of(obj))[0]


@rules.predicate
def is_head_of_service(user, obj):
    return obj is not None and _flags(user, service_of(obj))[1]


@rules.predicate
def raised_it(user, concern):
    return concern is not None and concern.raised_by_id == user.pk


@rules.predicate
def is_assessor(user, assessment):
    return assessment is not None and assessment.assessor_id == user.pk


can_act = has_role(Role.MANAGER) | is_safeguarding_lead | is_head_of_service

rules.add_perm(Perm.RAISE_CONCERN, is_assessor)
rules.add_perm(Perm.VIEW_CONCERN, can_act | has_role(Role.INSPECTOR) | raised_it)
rules.add_perm(Perm.ACT_ON_CONCERN, can_act)
rules.add_perm(Perm.VIEW_CONCERN_REGISTER, can_act | has_role(Role.INSPECTOR))
rules.add_perm(Perm.SET_SAFEGUARDING_ROLES, has_role(Role.MANAGER))
