"""The one place that decides which services' data a person may see.

Every queryset of case data goes through `in_my_services`; an object outside the person's
services answers 404, so its existence is not disclosed.
"""

from django.shortcuts import get_object_or_404

from .models import Membership, Service


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
    member_of = loaded_service_ids(user)
    if member_of is None:
        member_of = Membership.objects.filter(user=user).values("service_id")
    return in_services(queryset, member_of, service_field)


def in_services(queryset, service_ids, service_field="service"):
    """`in_my_services` for the ids of the person's services (`loaded_service_ids`): the same filter,
    for a read built once per process (inspections.prepared) and run with each person's ids."""
    return queryset.filter(**{f"{service_field}__in": service_ids})


def loaded_service_ids(user):
    """The ids of the person's services as read with them in this request (inspections.sign_in),
    or None when they were not (no query)."""
    loaded = getattr(user, "loaded_memberships", None)
    return None if loaded is None else [membership.service_id for membership in loaded]


def get_in_my_services_or_404(queryset, user, service_field="service", **lookup):
    """The object if it belongs to one of the person's services, else 404."""
    return get_object_or_404(in_my_services(queryset, user, service_field), **lookup)


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
