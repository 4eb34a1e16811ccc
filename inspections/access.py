"""The one way views check access: find the object within the person's services (else 404), then
`require` a permission on it (else 403). Permissions are the `Perm` constants of each app's
rules.py, registered with `rules`; views never call a predicate themselves.
"""

from django.core.exceptions import PermissionDenied

from .models import Inspection
from .prepared_objects import PreparedObjects
from .rules import Perm
from .scoping import get_in_my_services_or_404, get_prepared_or_404, my_service_ids


def require(user, permission, obj=None, message=""):
    """403 unless the person has `permission` on `obj` (which is already in their services)."""
    if not user.has_perm(permission, obj):
        raise PermissionDenied(message)
    return obj


def _inspection_with_related(pk, service_ids):
    return Inspection.objects.select_related("service", "framework", "lead_inspector", "follows").filter(
        pk=pk, service_id__in=service_ids
    )


# Built and compiled by the ORM once per process (building it took more Python than the rest of a
# small page's view): on every inspection page, with the person's service ids read with them.
_MY_INSPECTION = PreparedObjects(Inspection, _inspection_with_related)


def my_inspection(request, pk, permission=Perm.VIEW_INSPECTION, message=""):
    """The inspection if it is in the person's services (else 404) and they may `permission` it (else 403)."""
    service_ids = my_service_ids(request.user)
    if service_ids is None:  # not through a request's sign-in (no memberships read with the person)
        inspection = get_in_my_services_or_404(
            Inspection.objects.select_related("service", "framework", "lead_inspector", "follows"), request.user, pk=pk
        )
    else:
        inspection = get_prepared_or_404(_MY_INSPECTION, pk, service_ids)
    return require(request.user, permission, inspection, message)
