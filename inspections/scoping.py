"""The one place that decides which services' data a person may see.

Every queryset of case data goes through `in_my_services`; an object outside the person's
services answers 404, so its existence is not disclosed.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Membership, Service
from .prepared_objects import PreparedObjects


def my_services(user):
    """The services the person belongs to (none when signed out)."""
    if not user.is_authenticated:
        return Service.objects.none()
    return Service.objects.filter(memberships__user=user)


def my_services_in_name_order(user):
    """The person's services (Service objects), by name: in a request, those read with them
    (inspections.sign_in, this request: no query); otherwise one query."""
    loaded = getattr(user, "loaded_memberships", None)
    if loaded is not None:
        return [membership.service for membership in loaded]  # read in service name order
    return list(my_services(user).order_by("name"))


def in_my_services(queryset, user, service_field="service"):
    """Narrow `queryset` to rows whose `service_field` is one of the person's services.

    In a request the person's memberships were read with them (inspections.sign_in, this request,
    not kept between requests): their service ids are written into the query, which the database
    plans several times faster than the subquery used otherwise."""
    if not user.is_authenticated:
        return queryset.none()
    member_of = my_service_ids(user)
    if member_of is None:
        member_of = Membership.objects.filter(user=user).values("service_id")
    return in_services(queryset, member_of, service_field)


def in_services(queryset, service_ids, service_field="service"):
    """`in_my_services`'s narrowing to the services `service_ids` (a list, or a subquery of ids): for a
    read built once, the person's ids its values (`inspections/prepared.py`, with `my_service_ids`)."""
    return queryset.filter(**{f"{service_field}__in": service_ids})


def my_service_ids(user):
    """The ids of the person's services as read with them this request (inspections.sign_in), or None
    when they were not (then `in_my_services` reads them)."""
    loaded = getattr(user, "loaded_memberships", None)
    if loaded is None or not user.is_authenticated:
        return None
    return [membership.service_id for membership in loaded]


def get_in_my_services_or_404(queryset, user, service_field="service", **lookup):
    """The object if it belongs to one of the person's services, else 404."""
    return get_object_or_404(in_my_services(queryset, user, service_field), **lookup)


class ObjectInMyServices:
    """One object by its id, if it belongs to one of the person's services (`in_my_services`): for the
    pages that read one inspection, assessment or plan with its related objects on every request.

    `queryset()` returns the objects, not narrowed (with their `select_related`). In a request, the
    person's service ids read with them (inspections.sign_in), the query is built and compiled by the
    ORM once per process (`inspections.prepared_objects.PreparedObjects`) and run with the id and
    those service ids; otherwise (a person not read through the sign-in) by the ORM."""

    def __init__(self, queryset, service_field="service"):
        self.queryset = queryset
        self.service_field = service_field
        self._read = PreparedObjects(
            queryset().model,
            lambda pk, service_ids: in_services(queryset().filter(pk=pk), service_ids, service_field),
        )

    def get(self, user, pk):
        """The object, or None if it is not in the person's services."""
        service_ids = my_service_ids(user)
        if service_ids is None:
            return in_my_services(self.queryset(), user, self.service_field).filter(pk=pk).first()
        return self._read.first(int(pk), service_ids)

    def get_or_404(self, user, pk):
        """The object, else 404 (its existence outside the person's services not disclosed)."""
        found = self.get(user, pk)
        if found is None:
            raise Http404(f"No {self._read.model._meta.object_name} matches the given query.")
        return found


def roles_by_service(user):
    """{service id: role} for the person, fetched once per request and kept on the user."""
    if not user.is_authenticated:
        return {}
    cached = getattr(user, "_roles_by_service", None)
    if cached is None:
        cached = dict(Membership.objects.filter(user=user).values_list("service_id", "role"))
        user._roles_by_service = cached
    return cached


def role_in(user, service):
    """The person's role in `service` (a Service or its id), or None."""
    service_id = getattr(service, "pk", service)
    return roles_by_service(user).get(service_id)
