"""Inviting people: create, withdraw, accept. Only a hash of the emailed token is stored."""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from ..models import Invitation, Membership, Role
from ..people import display_name

# A manager invites to these roles; inspectors are given their role by the inspectorate's administrator.
INVITABLE_ROLES = (Role.OFFICER, Role.MANAGER, Role.BOARD_MEMBER)


def token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_for_token(token):
    """The invitation the emailed token belongs to, or None."""
    return Invitation.objects.select_related("service", "invited_by").filter(token_hash=token_hash(token)).first()


def invitation_problem(invitation, now=None):
    """None when the invitation can be accepted, else why not, in words."""
    if invitation is None:
        return "This invitation link is not right. Use the link in your email, or ask your manager for a new one."
    state = invitation.state(now or timezone.now())
    return {
        "accepted": "This invitation has already been accepted. Sign in instead.",
        "withdrawn": "This invitation was withdrawn. Ask your manager if you still need access.",
        "expired": "This invitation has expired. Ask your manager to invite you again.",
    }.get(state)


def invitation_create(*, service, email, role, invited_by, accept_url):
    """Invite `email` to `role` in `service` and email them the link (accept_url(token) gives it)."""
    email = email.strip()
    if role not in INVITABLE_ROLES:
        raise ValidationError({"role": "Choose officer, manager or board member"})
    if Membership.objects.filter(service=service, user__email__iexact=email).exists():
        raise ValidationError({"email": f"Someone with this email address is already in {service}"})
    now = timezone.now()
    pending = Invitation.objects.filter(
        service=service, email__iexact=email, accepted_at=None, withdrawn_at=None, expires_at__gt=now
    )
    if pending.exists():
        raise ValidationError({"email": "This person already has an invitation waiting. Withdraw it to send a new one"})
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = Invitation.objects.create(
            service=service,
            email=email,
            role=role,
            invited_by=invited_by,
            token_hash=token_hash(token),
            expires_at=now + dt.timedelta(days=settings.INVITATION_DAYS),
        )
        # Sent inside the transaction: if the mail server refuses it, no invitation is left behind.
        _email_invitation(invitation, accept_url(token))
    return invitation


def _email_invitation(invitation, link):
    send_mail(
        f"You are invited to YOS Audit for {invitation.service}",
        f"{display_name(invitation.invited_by)} has invited you to "
        f"YOS Audit as {invitation.get_role_display().lower()} in {invitation.service}.\n\n"
        f"Open this link to accept (it works until {timezone.localtime(invitation.expires_at):%d %B %Y %H:%M}):\n"
        f"{link}\n\nIf you were not expecting this, ignore this email.",
        None,
        [invitation.email],
    )


def invitation_withdraw(*, invitation, by):
    """Withdraw a pending invitation; it stays on record."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.state(timezone.now()) != "pending":
            raise ValidationError(f"This invitation is {invitation.state(timezone.now())}: it cannot be withdrawn")
        invitation.withdrawn_at = timezone.now()
        invitation.withdrawn_by = by
        invitation.save(update_fields=["withdrawn_at", "withdrawn_by"])
    return invitation


def invitation_accept(*, invitation, user):
    """Give `user` the invited role in the service; the invitation is spent."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().select_related("service").get(pk=invitation.pk)
        problem = invitation_problem(invitation)
        if problem:
            raise ValidationError(problem)
        if (user.email or "").lower() != invitation.email.lower():
            raise ValidationError(
                "This invitation was sent to another email address. Sign out, then open the link again."
            )
        if Membership.objects.filter(user=user, service=invitation.service).exists():
            raise ValidationError(f"You are already in {invitation.service}.")
        membership = Membership.objects.create(user=user, service=invitation.service, role=invitation.role)
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership
