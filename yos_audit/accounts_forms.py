"""The code step at sign-in, counted by django-axes like a wrong password."""

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.core import context
from allauth.mfa.base.forms import AuthenticateForm as AllauthAuthenticateForm
from allauth.mfa.base.forms import ReauthenticateForm as AllauthReauthenticateForm
from allauth.mfa.totp.forms import ActivateTOTPForm as AllauthActivateTOTPForm
from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib.auth.signals import user_login_failed

from .single_sign_on import single_sign_on_required


class AxesCountedCodeMixin:
    """A wrong code counts towards the django-axes lockout of this username at this address; once
    locked, no code is checked until the cool-off ends."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        code = self.fields["code"]
        code.label = "Security code"
        code.help_text = "The 6-digit code your authenticator app shows now, or one of your recovery codes"
        code.widget.attrs.update(
            {"autocomplete": "one-time-code", "spellcheck": "false", "class": "govuk-input--width-10"}
        )
        code.widget.attrs.pop("placeholder", None)
        code.error_messages["required"] = "Enter the 6-digit code from your authenticator app"

    def clean_code(self):
        request = context.request
        credentials = {"username": self.user.get_username()}
        if AxesProxyHandler.is_locked(request, credentials):
            raise forms.ValidationError("Too many attempts to sign in. Try again later.")
        try:
            return super().clean_code()
        except forms.ValidationError:
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            raise


class AuthenticateForm(AxesCountedCodeMixin, AllauthAuthenticateForm):
    pass


class ReauthenticateForm(AxesCountedCodeMixin, AllauthReauthenticateForm):
    pass


class LoginForm(AllauthLoginForm):
    """allauth's sign-in form with GOV.UK labels: no placeholders, and the "Forgotten your
    password?" link under the form rather than inside the password's hint."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)
        self.fields["password"].help_text = ""
        self.fields["login"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"

    def clean(self):
        cleaned = super().clean()
        user = getattr(self, "user", None)
        if user is not None and single_sign_on_required(user):
            raise forms.ValidationError(
                f"Your service signs its staff in through {settings.OIDC_NAME}, not with a YOS Audit password. "
                f'Use "Sign in with {settings.OIDC_NAME}" below.'
            )
        return cleaned


class ActivateTOTPForm(AllauthActivateTOTPForm):
    """allauth's set-up form with the service's words for the code."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        code = self.fields["code"]
        code.label = "Security code"
        code.help_text = "The 6-digit code your authenticator app shows now"
        code.widget.attrs.pop("placeholder", None)
        code.widget.attrs.update({"spellcheck": "false", "class": "govuk-input--width-10"})
        code.error_messages["required"] = "Enter the 6-digit code from your authenticator app"
