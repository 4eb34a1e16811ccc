"""Single sign-on through the council's OpenID Connect provider (django-allauth's openid_connect
provider, configured by the OIDC_* settings; off unless they are set).

Who may come in that way is decided here, never by the provider:
- the provider must be the configured issuer, and must say the email address is verified;
- an account with that email must exist (it is linked to the provider on first use), or an
  invitation to that email must be waiting (the account is made and the invitation accepted);
- roles and services come from memberships (the invitation's role), never from the provider's
  claims.
A service may require single sign-on for its staff (Service.require_single_sign_on): password
sign-in is then refused for them (accounts_forms.LoginForm).
"""

from functools import wraps
from urllib.parse import urlsplit

from allauth.account.signals import user_signed_up
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.dispatch import receiver
from django.shortcuts import render
from django.utils import timezone

from inspections.invitations.services import invitation_accept
from inspections.models import Invitation, Membership


def single_sign_on_required(user):
    """Must this person sign in through the council's provider (a service of theirs says so)?"""
    return Membership.objects.filter(user=user, service__require_single_sign_on=True).exists()


def _verified_email(sociallogin):
    for address in sociallogin.email_addresses:
        if address.verified and address.email:
            return address.email
    return None


def _invitations_for(email, now=None):
    return Invitation.objects.filter(email__iexact=email, accepted_at=None, withdrawn_at=None)


def _refuse(request, problem):
    raise ImmediateHttpResponse(
        render(
            request,
            "account/single_sign_on_refused.html",
            {"page_title": "You cannot sign in", "problem": problem},
            status=403,
        )
    )


def _issuer_problem(sociallogin):
    expected = (settings.OIDC_ISSUER or "").rstrip("/")
    issuer = str(((sociallogin.account.extra_data or {}).get("id_token") or {}).get("iss", "")).rstrip("/")
    if expected and issuer != expected:
        return (
            "The sign-in came from an identity provider YOS Audit is not set up to trust. "
            "Tell your service's system administrator (the provider's issuer does not match OIDC_ISSUER)."
        )
    return None


class SingleSignOnAdapter(DefaultSocialAccountAdapter):
    def pre_social_login(self, request, sociallogin):
        problem = _issuer_problem(sociallogin)
        if problem:
            _refuse(request, problem)
        if sociallogin.is_existing:
            return  # linked before, to an account that existed or was invited
        email = _verified_email(sociallogin)
        if email is None:
            _refuse(
                request,
                "Your council account's email address is not verified, so YOS Audit cannot tell who you are. "
                "Ask your council's IT team to verify it, or sign in with your YOS Audit password.",
            )
        users = list(get_user_model().objects.filter(email__iexact=email, is_active=True)[:2])
        if len(users) == 1:
            sociallogin.connect(request, users[0])
            return
        if len(users) > 1:
            _refuse(request, "More than one YOS Audit account has this email address. Ask your system administrator.")
        invitations = _invitations_for(email)
        if not invitations.exists():
            _refuse(
                request,
                f"There is no YOS Audit account for {email}. Ask your manager to invite you, then sign in again.",
            )
        if not invitations.filter(expires_at__gt=timezone.now()).exists():
            _refuse(request, "Your invitation to YOS Audit has expired. Ask your manager to invite you again.")

    def is_open_for_signup(self, request, sociallogin):
        """A new account only for someone with a live invitation to their verified email."""
        email = _verified_email(sociallogin)
        return bool(email) and _invitations_for(email).filter(expires_at__gt=timezone.now()).exists()

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        user.email = _verified_email(sociallogin) or ""
        return user


@receiver(user_signed_up)
def accept_the_invitations_of_a_single_sign_on_account(sender, request, user, sociallogin=None, **kwargs):
    """The account made through the provider joins the services it was invited to, in their roles."""
    if sociallogin is None:
        return
    with transaction.atomic():
        for invitation in _invitations_for(user.email).filter(expires_at__gt=timezone.now()):
            invitation_accept(invitation=invitation, user=user)


def provider_origin():
    """The provider's scheme://host[:port], or "" when single sign-on is off."""
    if not (settings.OIDC_SERVER_URL and settings.OIDC_CLIENT_ID):
        return ""
    parts = urlsplit(settings.OIDC_SERVER_URL)
    return f"{parts.scheme}://{parts.netloc}"


def allow_the_provider_as_form_target(view):
    """The sign-in page's "Sign in with ..." form posts here, then is redirected to the provider:
    browsers hold that redirect to the page's CSP form-action, so the provider's origin joins it."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        origin = provider_origin()
        if origin:
            response._csp_update = {"form-action": [origin]}
        return response

    return wrapped
