"""Writes for safeguarding concerns: raise one (from the scoring page, apart from scoring), move it
on (acknowledged -> action taken -> closed, each with who, when and a note), and escalate those not
acknowledged within one working day to the head of service. Keyword-only, one transaction each."""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from inspections.concurrency import StaleEdit, fingerprint, snapshot
from inspections.models import Role
from inspections.people import display_name

from ..models import Assessment, ConcernStatus, ConcernStep, SafeguardingConcern
from ..working_days import one_working_day_after
from . import selectors

logger = logging.getLogger(__name__)


def _by(obj, user, reason=""):
    obj._history_user = user
    if reason:
        obj._change_reason = reason
    return obj


def _send_logged(subject, message, to):
    try:
        send_mail(subject=subject, message=message, from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=to)
    except Exception:  # noqa: BLE001 - the concern is saved; the failure is logged for the administrator
        logger.exception("The email about a safeguarding concern could not be sent")


def _emails(people):
    return sorted({person.email for person in people if person.email})


@transaction.atomic
def concern_raise(*, assessment: Assessment, by, found: str, why_now: str, recommended: str, now=None):
    """Record the concern (whatever state the assessment is in; no score changes) and tell, at once,
    the service's managers and safeguarding leads, except anyone marking the case blind."""
    if assessment.assessor_id != by.pk:
        raise ValidationError("Only the case's assessor can raise a concern from its scoring page.")
    problems = {
        name: f"Say {label}"
        for name, label, value in [
            ("found", "what you found", found),
            ("why_now", "why it matters now", why_now),
            ("recommended", "what you recommend", recommended),
        ]
        if not value.strip()
    }
    if problems:
        raise ValidationError(problems)
    now = now or timezone.now()
    case = assessment.case
    concern = SafeguardingConcern(
        case=case,
        service_id=case.inspection.service_id,
        case_reference=case.reference,
        raised_by=by,
        raised_at=now,
        found=found.strip(),
        why_now=why_now.strip(),
        recommended=recommended.strip(),
        acknowledge_by=one_working_day_after(timezone.localtime(now)),
    )
    _by(concern, by, "Raised").save()
    ConcernStep.objects.create(concern=concern, status=ConcernStatus.RAISED, by=by, at=now, note="")
    to = _emails(selectors.people_to_tell(concern, heads_only=False))
    if to:
        url = reverse("cases:concern_detail", args=[concern.pk])
        message = (
            f"A safeguarding concern about case {concern.case_reference} ({case.inspection.service.name}) "
            f"was raised by {display_name(by)} during an audit.\n\n"
            f"What was found:\n{concern.found}\n\nWhy it matters now:\n{concern.why_now}\n\n"
            f"What they recommend:\n{concern.recommended}\n\n"
            f"Acknowledge it by {timezone.localtime(concern.acknowledge_by):%-d %B %Y %H:%M} in YOS Audit: {url}\n"
        )
        subject = f"Safeguarding concern raised: case {concern.case_reference}"
        # Sent once the concern is saved: a mail server that fails never loses the concern, which is
        # on the home pages and the register whatever happens to the email.
        transaction.on_commit(lambda: _send_logged(subject, message, to))
    return concern


@transaction.atomic
def concern_move_on(*, concern: SafeguardingConcern, by, to_status: str, note: str, now=None):
    """The next step only (raised -> acknowledged -> action taken -> closed), with a note."""
    concern = SafeguardingConcern.objects.select_for_update().get(pk=concern.pk)
    if to_status != concern.next_status:
        raise ValidationError(
            f"This concern is {concern.get_status_display().lower()}; it cannot be marked "
            f"{ConcernStatus(to_status).label.lower() if to_status in ConcernStatus.values else to_status} now."
        )
    if to_status != ConcernStatus.ACKNOWLEDGED and not note.strip():
        raise ValidationError({"note": "Say what was done"})
    now = now or timezone.now()
    concern.status = to_status
    if to_status == ConcernStatus.ACKNOWLEDGED:
        concern.acknowledged_at = now
    if to_status == ConcernStatus.CLOSED:
        concern.closed_at = now
    _by(concern, by, ConcernStatus(to_status).label).save()
    ConcernStep.objects.create(concern=concern, status=to_status, by=by, at=now, note=note.strip())
    return concern


def concerns_escalate(*, now=None) -> int:
    """Tell the head of service about each concern not acknowledged within one working day, once.
    Returns how many concerns were escalated."""
    now = now or timezone.now()
    escalated = 0
    due = SafeguardingConcern.objects.filter(
        status=ConcernStatus.RAISED, acknowledge_by__lt=now, escalated_at__isnull=True
    ).select_related("service", "raised_by")
    for concern in due:
        with transaction.atomic():
            claimed = SafeguardingConcern.objects.filter(pk=concern.pk, escalated_at__isnull=True).update(
                escalated_at=now
            )
            if not claimed:
                continue  # another run escalated it a moment ago
            to = _emails(selectors.people_to_tell(concern, heads_only=True))
            if to:
                send_mail(
                    subject=f"Not acknowledged: safeguarding concern about case {concern.case_reference}",
                    message=(
                        f"A safeguarding concern about case {concern.case_reference} ({concern.service.name}), "
                        f"raised on {timezone.localtime(concern.raised_at):%-d %B %Y at %H:%M}, has not been "
                        "acknowledged within one working day.\n\n"
                        f"What was found:\n{concern.found}\n\n"
                        "Please make sure someone acts on it today, in YOS Audit: "
                        f"{reverse('cases:concern_detail', args=[concern.pk])}\n"
                    ),
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    recipient_list=to,
                )
        escalated += 1
    return escalated


def _roles_version(memberships):
    return fingerprint(sorted((m.user_id, m.safeguarding_lead, m.head_of_service) for m in memberships))


def safeguarding_roles(service):
    """Who holds the service's safeguarding roles now, and the version a page carries to refuse a
    stale save (`inspections.concurrency`)."""
    from django.contrib.auth import get_user_model

    from inspections.models import Membership

    memberships = list(Membership.objects.filter(service=service))
    people = get_user_model().objects.order_by("first_name", "last_name", "username")
    return snapshot(
        version=_roles_version(memberships),
        history=Membership.history.filter(service=service),
        leads=people.filter(pk__in=[m.user_id for m in memberships if m.safeguarding_lead]),
        heads=people.filter(pk__in=[m.user_id for m in memberships if m.head_of_service]),
    )


@transaction.atomic
def safeguarding_roles_set(*, service, by, leads, heads, version=None):
    """Set who holds the safeguarding lead and head of service flags in the service. Heads of service
    must be managers. StaleEdit when the roles changed since the page read them at `version`."""
    from inspections.models import Membership

    locked = Membership.objects.select_for_update(of=("self",)).filter(service=service)
    memberships = list(locked.select_related("user"))
    if version is not None and version != _roles_version(memberships):
        raise StaleEdit(safeguarding_roles(service))
    lead_ids = {person.pk for person in leads}
    head_ids = {person.pk for person in heads}
    not_managers = [m.user for m in memberships if m.user_id in head_ids and m.role != Role.MANAGER]
    if not_managers:
        raise ValidationError({"heads": "Only a manager can be head of service"})
    for membership in memberships:
        lead, head = membership.user_id in lead_ids, membership.user_id in head_ids
        if (lead, head) != (membership.safeguarding_lead, membership.head_of_service):
            membership.safeguarding_lead, membership.head_of_service = lead, head
            _by(membership, by, "Safeguarding roles").save()
