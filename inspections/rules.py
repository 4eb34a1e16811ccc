"""Who may do what, as `rules` predicates. Objects carry their service (or are one)."""

import rules

from .models import Role, Service
from .scoping import role_in


class Perm:
    """The permissions of this app, by name; each registered with `rules` below."""

    VIEW_INSPECTION = "inspections.view_inspection"
    CHANGE_INSPECTION = "inspections.change_inspection"
    VIEW_REPORT = "inspections.view_report"
    MANAGE_INVITATIONS = "inspections.manage_invitations"


def service_of(obj):
    """The service an object belongs to: itself, its `.service`, or that of its inspection (or case)."""
    if obj is None or isinstance(obj, Service):
        return obj
    if hasattr(obj, "service_id"):
        return obj.service_id
    parent = getattr(obj, "inspection", None) or getattr(obj, "case", None)
    return service_of(parent)


def has_role(*roles):
    """A predicate true when the person holds one of `roles` in the object's service."""

    @rules.predicate(name=f"has_role({', '.join(roles)})")
    def predicate(user, obj=None):
        service = service_of(obj)
        return service is not None and role_in(user, service) in roles

    return predicate


is_member = has_role(*Role.values)
is_manager = has_role(Role.MANAGER)
is_inspector = has_role(Role.INSPECTOR)


# Managers and inspectors run inspections: set up, edit, move on, add findings.
can_run_inspection = has_role(Role.MANAGER, Role.INSPECTOR)


@rules.predicate
def is_lead_inspector(user, inspection):
    return inspection is not None and getattr(inspection, "lead_inspector_id", None) == user.pk


@rules.predicate
def is_published(user, inspection):
    return inspection is not None and inspection.is_published


rules.add_perm(Perm.VIEW_INSPECTION, is_member)
# The findings and recommendations: board members read them once published, like every other figure.
rules.add_perm(Perm.VIEW_REPORT, is_published | has_role(Role.OFFICER, Role.MANAGER, Role.INSPECTOR))
rules.add_perm(Perm.CHANGE_INSPECTION, can_run_inspection)
# Managers invite people to their own service (officers, managers, board members).
rules.add_perm(Perm.MANAGE_INVITATIONS, is_manager)
