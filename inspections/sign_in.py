"""Who is signed in, with their memberships, in one query.

Every signed-in request needs the person and the services they are a member of (the service
switcher, the scope of every page, their roles). The sign-in backend reads both in one query (the
person with their memberships and each membership's service, as plain rows) and hands the
memberships to CurrentServiceMiddleware, instead of one query for the person and another for the
memberships. Nothing is kept between requests: each request reads them afresh, so a membership
removed, a role changed, a service renamed or a person switched off takes effect on their next
request, as before.

The rows become model objects as the ORM makes them (`Model.from_db`): one person (an inspector of
150 services is read once, not once per membership) and each membership with its service, these
two made as `from_db` makes them but without its work for each field (`prepared_objects.as_read`).
"""

import functools

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, router

from .models import Membership, Service
from .prepared import PreparedRead
from .prepared_objects import as_read


def _attnames(model):
    return [field.attname for field in model._meta.concrete_fields]


@functools.cache
def _person_with_memberships():
    """The query of a person with their memberships and each membership's service: the person's
    columns, then each membership's and its service's (NULL for a person in no service: one row, so
    staff and people not yet invited anywhere are read in one query too). Built and compiled once
    per process (inspections.prepared), run with the person's id each request: a query, never its rows."""
    person_model = get_user_model()
    fields = (_attnames(person_model), _attnames(Membership), _attnames(Service))
    query = person_model._default_manager.order_by("memberships__service__name").values_list(
        *fields[0],
        *(f"memberships__{name}" for name in fields[1]),
        *(f"memberships__service__{name}" for name in fields[2]),
    )
    return person_model, fields, PreparedRead(person_model, lambda pk: query.filter(pk=pk))


class MembershipBackend(AuthenticationBackend):
    """allauth's username and password backend (a Django ModelBackend, the one allauth picks for
    sign-ins through the council's provider too); get_user also reads the person's memberships."""

    def get_user(self, user_id):
        person_model, (person_fields, membership_fields, service_fields), read = _person_with_memberships()
        db = router.db_for_read(person_model) or DEFAULT_DB_ALIAS  # where the read runs (inspections.prepared)
        rows = read.rows(int(user_id))
        if not rows:
            return None
        person_end = len(person_fields)
        membership_end = person_end + len(membership_fields)
        user = person_model.from_db(db, person_fields, rows[0][:person_end])
        if not self.user_can_authenticate(user):
            return None
        memberships = []
        for row in rows:
            if row[person_end] is None:  # the outer join's row of a person in no service
                break
            membership = as_read(Membership, db, membership_fields, row[person_end:membership_end])
            cached = membership._state.fields_cache
            cached["user"] = user
            cached["service"] = as_read(Service, db, service_fields, row[membership_end:])
            memberships.append(membership)
        user.loaded_memberships = memberships
        return user
