"""Reads for safeguarding concerns: who is told, what each person may see (blindness kept), the
register with its times, and the open concerns on a home page. Fixed numbers of queries."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from inspections.models import Membership, Role
from inspections.prepared_objects import PreparedObjects
from inspections.scoping import in_my_services, in_services, my_service_ids

from ..models import (
    Assessment,
    ConcernStatus,
    Marking,
    SafeguardingConcern,
    markings_both_submitted,
)
from ..rules import blind_case_ids_in
from ..working_days import working_days_between


def hidden_from(user, blind):
    """The concerns a person may not see, as a filter: about a case they are marking blind (`blind`,
    from `rules.blind_case_ids_in`) and raised by someone else (it would show the other marking's
    findings). `is_hidden_from` is the same rule for a concern already read (tested equal)."""
    return Q(case_id__in=blind) & ~Q(raised_by=user)


def is_hidden_from(concern, user, blind):
    """`hidden_from` for one concern read with its case and raiser ids."""
    return concern.case_id in blind and concern.raised_by_id != user.pk


def visible_concerns(user, queryset=None):
    """Concerns in the person's services, except those `hidden_from` them. The cases they are marking
    blind are read first (`rules.blind_case_ids_in`, one query; usually none), so the concerns'
    query carries no nested subquery."""
    queryset = SafeguardingConcern.objects.all() if queryset is None else queryset
    concerns = in_my_services(queryset, user)
    blind = blind_case_ids_in(user, None) if user.is_authenticated else ()
    return concerns.exclude(hidden_from(user, blind)) if blind else concerns


def people_to_tell(concern, *, heads_only):
    """The service's managers and safeguarding leads (or only its heads of service), except anyone
    marking the case blind and the person who raised it."""
    members = Membership.objects.filter(service_id=concern.service_id)
    if heads_only:
        members = members.filter(head_of_service=True)
    else:
        members = members.filter(Q(role=Role.MANAGER) | Q(safeguarding_lead=True))
    markers = list(
        Assessment.objects.filter(case_id=concern.case_id, marking__in=[Marking.FIRST, Marking.SECOND]).values_list(
            "assessor_id", "marking", "status"
        )
    )
    if not markings_both_submitted({marking: status for _, marking, status in markers}):
        members = members.exclude(user__in=[assessor_id for assessor_id, _, _ in markers])
    return list(get_user_model().objects.filter(pk__in=members.values("user_id")).exclude(pk=concern.raised_by_id))


def is_overdue(concern, now=None):
    """Not acknowledged within one working day."""
    now = now or timezone.now()
    return concern.acknowledged_at is None and concern.acknowledge_by < now


def _working_days(start, end):
    if end is None:
        return None
    return working_days_between(timezone.localtime(start).date(), timezone.localtime(end).date())


@dataclass
class RegisterRow:
    concern: SafeguardingConcern
    overdue: bool
    days_to_acknowledge: int | None
    days_to_close: int | None


STATUS_FILTERS = {"open": ~Q(status=ConcernStatus.CLOSED), **{s.value: Q(status=s.value) for s in ConcernStatus}}


def concern_register(user, service, *, status="", overdue=False, inspection=None):
    """The service's concerns the person may see, newest first, filtered; two queries."""
    concerns = visible_concerns(user, SafeguardingConcern.objects.filter(service=service)).select_related(
        "raised_by", "case__inspection"
    )
    if status in STATUS_FILTERS:
        concerns = concerns.filter(STATUS_FILTERS[status])
    if inspection:
        concerns = concerns.filter(case__inspection_id=inspection)
    now = timezone.now()
    rows = [
        RegisterRow(
            concern=c,
            overdue=is_overdue(c, now),
            days_to_acknowledge=_working_days(c.raised_at, c.acknowledged_at),
            days_to_close=_working_days(c.raised_at, c.closed_at),
        )
        for c in concerns
    ]
    if overdue:
        rows = [row for row in rows if row.overdue]
    return rows


def open_concerns_for(user, service):
    """Concerns not closed in the service that the person is told about (manager, safeguarding lead
    or head of service) and may see (_open_concerns.html). One query, of what the banner shows; a
    second, of the cases the person is marking blind, only when someone else raised one of them
    (usually there are none, and the concerns are few)."""
    member_of = my_service_ids(user)
    if member_of is None:
        concerns = list(_open_concerns(in_my_services(SafeguardingConcern.objects.filter(service=service), user)))
    else:  # in a request: the read built once (the person's service ids its values)
        concerns = _OPEN_CONCERNS.objects(service.pk, member_of)
    if not any(concern.case_id is not None and concern.raised_by_id != user.pk for concern in concerns):
        return concerns
    blind = blind_case_ids_in(user, None)
    return [concern for concern in concerns if not is_hidden_from(concern, user, blind)]


def _open_concerns(concerns):
    """What the banner shows of the concerns not closed, the soonest to acknowledge first."""
    return (
        concerns.exclude(status=ConcernStatus.CLOSED)
        .only("case_reference", "status", "acknowledged_at", "acknowledge_by", "case_id", "raised_by_id")
        .order_by("acknowledge_by")
    )


_OPEN_CONCERNS = PreparedObjects(
    SafeguardingConcern,
    lambda service_id, member_of: _open_concerns(
        in_services(SafeguardingConcern.objects.filter(service_id=service_id), member_of)
    ),
)
