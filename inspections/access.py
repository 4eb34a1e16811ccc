"""The one way views check access: find the object within the person's services (else 404), then
`require` a permission on it (else 403). Permissions are the `Perm` constants of each app's
rules.py, registered with `rules`; views never call a predicate themselves.
"""

from django.core.exceptions import PermissionDenied

from .models import Inspection
from .rules import Perm
from .scoping import get_in_my_services_or_404


def require(user, permission, obj=None, message=""):
    """403 unless the person has `permission` on `obj` (which is already in their services)."""
    if not user.has_perm(permission, obj):
        raise PermissionDenied(message)
    return obj


def my_inspection(request, pk, permission=Perm.VIEW_INSPECTION, message=""):
    """The inspection if it is in the person's services (else 404) and they may `permission` it (else 403)."""
    inspection = get_in_my_services_or_404(
        Inspection.objects.select_related("service", "framework", "lead_inspector", "follows"), request.user, pk=pk
    )
    return require(request.user, permission, inspection, message)
