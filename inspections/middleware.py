"""Which of their services a signed-in person is working in now."""

from .models import Membership

SESSION_KEY = "current_service_id"


class CurrentServiceMiddleware:
    """Sets request.memberships, request.membership and request.service.

    No query of its own when the sign-in backend (inspections.sign_in.MembershipBackend) read the
    memberships with the person; one otherwise. The chosen service is kept in the session; without a
    choice (or with a choice the person no longer belongs to) it is their first service.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.memberships = []
        request.membership = None
        request.service = None
        if request.user.is_authenticated:
            memberships = getattr(request.user, "loaded_memberships", None)
            if memberships is None:
                memberships = list(Membership.objects.filter(user=request.user).select_related("service"))
            request.user._roles_by_service = {m.service_id: m.role for m in memberships}
            request.memberships = memberships
            chosen = request.session.get(SESSION_KEY)
            request.membership = next(
                (m for m in memberships if m.service_id == chosen), memberships[0] if memberships else None
            )
            request.service = request.membership.service if request.membership else None
        return self.get_response(request)
