"""How django-allauth fits the service: nobody signs themselves up, django-axes counts failures,
and the second factor is recorded as given once it has just been set up."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import record_authentication
from allauth.core import context
from allauth.mfa import signals as mfa_signals
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.dispatch import receiver

from .two_factor import ENROLMENT_GRANT_SESSION_KEY, SECOND_FACTOR_TYPES, two_factor_required


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        """Accounts come from invitations (or the administrator), never from a sign-up page."""
        return False


class MFAAdapter(DefaultMFAAdapter):
    """allauth's MFA, with the rule that someone who must use two factors cannot remove their
    last one. Its encrypt()/decrypt() hooks are where TOTP secrets would be encrypted at rest;
    the secrets are stored as allauth writes them (base32), as django-otp's hex keys were before
    (the database and its backups are what protect them)."""

    def can_delete_authenticator(self, authenticator):
        user = authenticator.user
        request = context.request
        if not two_factor_required(user, getattr(request, "memberships", None)):
            return True
        others = Authenticator.objects.filter(user=user, type__in=SECOND_FACTOR_TYPES).exclude(pk=authenticator.pk)
        return authenticator.type not in SECOND_FACTOR_TYPES or others.exists()


def axes_username(request, credentials):
    """The username django-axes counts failures against: the backends are given it as
    "username"; allauth's sign-in form posts it as "login"."""
    if credentials and credentials.get("username"):
        return credentials["username"]
    return request.POST.get("login") or request.POST.get("username") or None


@receiver(mfa_signals.authenticator_added)
def setting_up_a_factor_proves_it(sender, request, user, authenticator, **kwargs):
    """Setting up a code app or a key needs a right code or a touch of the key: that session has
    given a second factor, and the emailed link that let it set one up is spent."""
    if request is None or authenticator.type not in SECOND_FACTOR_TYPES:
        return
    record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type, enrolled=True)
    request.session.pop(ENROLMENT_GRANT_SESSION_KEY, None)
