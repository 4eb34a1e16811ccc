"""The one way views check access: find the object within the person's services (else 404), then
`require` a permission on it (else 403). Permissions are the `Perm` constants of each app's
rules.py, registered with `rules`; views never call a predicate themselves.
"""

from django.core.exceptions import PermissionDenied

from .models import Inspection
from .rules import Perm
from .scoping import ObjectInMyServices


def require(user, permission, obj=None, message=""):
    """403 unless the person has `permission` on `obj` (which is already in their services)."""
    if not user.has_perm(permission, obj):
        raise PermissionDenied(message)
    return obj


# On every inspection page, with the person's service ids read with them: built and compiled by the
# ORM once per process (building it took more Python than the rest of a small page's view). With the
# inspection's programme audit, if any (the cases app's, one to one): which questions the figures and
# the moderation read (cases.programme.scope.question_scope), without a query of its own.
_MY_INSPECTION = ObjectInMyServices(
    lambda: Inspection.objects.select_related("service", "framework", "lead_inspector", "follows", "programme_audit")
)


def my_inspection(request, pk, permission=Perm.VIEW_INSPECTION, message=""):
    """The inspection if it is in the person's services (else 404) and they may `permission` it (else 403)."""
    inspection = _MY_INSPECTION.get_or_404(request.user, pk)
    return require(request.user, permission, inspection, message)
