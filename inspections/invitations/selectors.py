"""Reading invitations: a service's, newest first, with who sent and settled them (one query)."""

from ..models import Invitation


def invitations_of(service):
    return list(
        Invitation.objects.filter(service=service).select_related("invited_by", "accepted_by", "withdrawn_by")[:200]
    )
