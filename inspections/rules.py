"""Who may do what, as `rules` predicates. Objects carry their service (or are one)."""

import rules

from .models import Role, Service
from .scoping import role_in


def service_of(obj):
    """The service an object belongs to: itself, its `.service`, or its inspection's."""
    if obj is None or isinstance(obj, Service):
        return obj
    if hasattr(obj, "service_id"):
        return obj.service_id
    return service_of(getattr(obj, "inspection", None))


def has_role(*roles):
    """A predicate true when the person holds one of `roles` in the object's service."""

    @rules.predicate(name=f"has_role({', '.join(roles)})")
    def predicate(user, obj=None):
        service = service_of(obj)
        return service is not None and role_in(user, service) in roles

    return predicate


is_member = has_role(*Role.values)
is_officer = has_role(Role.OFFICER)
is_manager = has_role(Role.MANAGER)
is_board_member = has_role(Role.BOARD_MEMBER)
is_inspector = has_role(Role.INSPECTOR)
is_staff_user = rules.is_staff

rules.add_perm("inspections.view_service", is_member)
