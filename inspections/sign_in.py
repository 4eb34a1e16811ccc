"""Who is signed in, with their memberships, in one query.

Every signed-in request needs the person and the services they are a member of (the service
switcher, the scope of every page, their roles). The sign-in backend reads both in one query (the
memberships with their person and service) and hands the memberships to CurrentServiceMiddleware,
instead of one query for the person and another for the memberships. Nothing is kept between
requests: each request reads them afresh, so a membership removed or a person switched off takes
effect on their next request, as before.
"""

from allauth.account.auth_backends import AuthenticationBackend

from .models import Membership


class MembershipBackend(AuthenticationBackend):
    """allauth's username and password backend (a Django ModelBackend, the one allauth picks for
    sign-ins through the council's provider too); get_user also reads the person's memberships."""

    def get_user(self, user_id):
        memberships = list(Membership.objects.filter(user_id=user_id).select_related("user", "service"))
        if not memberships:  # a person in no service (staff, or not yet invited anywhere)
            return super().get_user(user_id)
        user = memberships[0].user
        for membership in memberships:
            membership.user = user
        user.loaded_memberships = memberships
        return user if self.user_can_authenticate(user) else None
