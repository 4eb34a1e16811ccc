"""Two-factor sign-in over django-allauth's MFA: who must use it, whether this session gave it,
and the rule that the first factor of someone who must use two is set up only through a second
channel.

allauth gives the factors (an authenticator app (TOTP), recovery codes, security keys (WebAuthn)),
the code step at sign-in and the emails when a factor is added or removed. This module adds the
project's rules on top:

- settings.REQUIRE_TWO_FACTOR_FOR names who must: "inspectors" (anyone holding the inspector role
  in a service), "staff" (is_staff, who reach the admin), "everyone".
- The password alone never enrols a first factor for someone who must use two factors: they ask
  for a set-up link, which is emailed to them (the second channel) and works for
  ENROLMENT_LINK_SECONDS, only for that person and only until a factor is added; accepting an
  invitation is the other second channel. Opening allauth's set-up pages creates nothing (allauth
  keeps the secret in the session until a right code confirms it).
"""

import hashlib
import time
from functools import wraps

from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.core import signing
from django.core.mail import send_mail
from django.dispatch import receiver
from django.shortcuts import render

from inspections.models import Membership, Role

# Set at sign-in: did the person have a second factor then? (Saves a query on every page.)
FACTOR_AT_SIGN_IN_SESSION_KEY = "two_factor_at_sign_in"
# Set when the person opened their emailed set-up link in this session: {"user": pk, "at": seconds}.
ENROLMENT_GRANT_SESSION_KEY = "two_factor_enrolment_grant"
ENROLMENT_LINK_SECONDS = 60 * 60
ENROLMENT_LINK_SALT = "yos_audit.two_factor.enrolment-link"
# The factors that count as a second factor at sign-in (recovery codes only stand in for them).
SECOND_FACTOR_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def two_factor_required(user, memberships=None):
    """Must this person use two-factor sign-in, under REQUIRE_TWO_FACTOR_FOR?"""
    groups = set(settings.REQUIRE_TWO_FACTOR_FOR)
    if not groups or not user.is_authenticated:
        return False
    if "everyone" in groups:
        return True
    if "staff" in groups and (user.is_staff or user.is_superuser):
        return True
    if "inspectors" in groups:
        if memberships is None:
            return Membership.objects.filter(user=user, role=Role.INSPECTOR).exists()
        return any(m.role == Role.INSPECTOR for m in memberships)
    return False


def has_second_factor(user):
    return Authenticator.objects.filter(user=user, type__in=SECOND_FACTOR_TYPES).exists()


def two_factors_given(request):
    """Did this session's sign-in include a second factor (a code, a recovery code or a key)? A
    sign-in through the council's provider counts only if OIDC_PROVIDER_ENFORCES_MFA says it
    makes everyone use a second factor."""
    for record in get_authentication_records(request, request.user):
        if record.get("method") == "mfa":
            return True
        if record.get("method") == "socialaccount" and settings.OIDC_PROVIDER_ENFORCES_MFA:
            return True
    return False


# Enrolment links ---------------------------------------------------------------------------------


def _enrolment_state(user):
    """Changes when the person's password or factors change, so an old link stops working."""
    factors = ",".join(
        str(pk) for pk in Authenticator.objects.filter(user=user).order_by("pk").values_list("pk", flat=True)
    )
    # A plain digest (the token itself is signed): it survives a SECRET_KEY rotation with fallbacks.
    return hashlib.sha256(f"{ENROLMENT_LINK_SALT}|{user.pk}|{user.password}|{factors}".encode()).hexdigest()[:32]


def enrolment_token(user):
    return signing.dumps({"u": user.pk, "s": _enrolment_state(user)}, salt=ENROLMENT_LINK_SALT, compress=True)


def enrolment_token_problem(token, user):
    """None when `token` is a live set-up link for `user`, else what is wrong with it, in words."""
    try:
        payload = signing.loads(token, salt=ENROLMENT_LINK_SALT, max_age=ENROLMENT_LINK_SECONDS)
    except signing.SignatureExpired:
        return "This set-up link has expired: links work for an hour. Ask for a new one."
    except signing.BadSignature:
        return "This set-up link is not right. Use the newest link we emailed you, or ask for a new one."
    if payload.get("u") != user.pk:
        return "This set-up link was sent to someone else. Sign in as the person it was sent to."
    if payload.get("s") != _enrolment_state(user):
        return "This set-up link has already been used or replaced. Ask for a new one."
    return None


def grant_enrolment(session, user):
    session[ENROLMENT_GRANT_SESSION_KEY] = {"user": user.pk, "at": int(time.time())}


def enrolment_granted(session, user):
    grant = session.get(ENROLMENT_GRANT_SESSION_KEY) or {}
    return grant.get("user") == user.pk and time.time() - grant.get("at", 0) <= ENROLMENT_LINK_SECONDS


def may_enrol_now(request):
    """Someone who must use two factors sets up the first one only through a second channel."""
    user = request.user
    if has_second_factor(user) and two_factors_given(request):
        return True  # adding another factor from a session that gave one
    if has_second_factor(user):
        return False  # give a code first (the middleware asks for it)
    if not two_factor_required(user, getattr(request, "memberships", None)):
        return True
    return enrolment_granted(request.session, user)


def masked_email(email):
    name, _, domain = email.partition("@")
    return f"{name[:1]}{'*' * max(len(name) - 1, 3)}@{domain}"


def first_factor_through_second_channel(view):
    """Wrap allauth's set-up views: without the second channel, offer the emailed link instead."""

    @wraps(view)
    def gated(request, *args, **kwargs):
        if request.user.is_authenticated and not may_enrol_now(request):
            user = request.user
            return render(
                request,
                "account/two_factor_email_link.html",
                {
                    "page_title": "Set up two-factor sign-in",
                    "email": masked_email(user.email) if user.email else "",
                    "link_minutes": ENROLMENT_LINK_SECONDS // 60,
                },
            )
        return view(request, *args, **kwargs)

    return gated


def email_enrolment_link(user, link):
    send_mail(
        "Set up two-factor sign-in for YOS Audit",
        f"Someone (we hope you) asked to set up two-factor sign-in for your YOS Audit account.\n\n"
        f"Open this link within an hour, in the browser where you signed in, to carry on:\n{link}\n\n"
        "If this was not you, do not open the link: tell your service's system administrator, "
        "because someone knows your password.",
        None,
        [user.email],
    )


@receiver(user_logged_in)
def note_the_factor_at_sign_in(sender, request, user, **kwargs):
    """Remember whether the person had a factor: then every page asks for it until it is given."""
    if request is not None and hasattr(request, "session"):
        request.session[FACTOR_AT_SIGN_IN_SESSION_KEY] = has_second_factor(user)
