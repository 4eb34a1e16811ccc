"""Sign-in (password, then a two-factor code for those who have set it up), the account page,
two-factor set-up and removal, and the page after an idle session ends."""

import time

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from inspections.form_base import GovukForm

from .two_factor import (
    NEEDS_CODE_SESSION_KEY,
    confirmed_device,
    qr_code_svg,
    secret_as_text,
    two_factor_required,
    unconfirmed_device,
)

PENDING_SESSION_KEY = "two_factor_pending"
PENDING_SECONDS = 5 * 60
MAX_CODE_TRIES = 3  # per sign-in; wrong codes also count towards the django-axes lockout


class CodeForm(GovukForm):
    code = forms.CharField(
        label="Security code",
        help_text="The 6-digit code your authenticator app shows now",
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "class": "govuk-input govuk-input--width-10",
            }
        ),
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not code.isdigit() or len(code) != 6:
            raise forms.ValidationError("Enter the code as 6 digits, like 123456")
        return code


def _safe_next(request, default="home"):
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        return next_url
    return reverse(default)


class SignInView(auth_views.LoginView):
    """The password step. Someone with a two-factor device is asked for a code before signing in."""

    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if confirmed_device(user) is None:
            return super().form_valid(form)
        self.request.session[PENDING_SESSION_KEY] = {
            "user": user.pk,
            "backend": user.backend,
            "at": int(time.time()),
            "tries": 0,
            "next": self.get_success_url(),
        }
        return redirect("login_code")


@never_cache
@require_http_methods(["GET", "POST"])
def login_code(request):
    """The code step: after the password, or for a signed-in session that has not given one yet."""
    from django.contrib.auth import get_user_model

    pending = request.session.get(PENDING_SESSION_KEY)
    if request.user.is_authenticated:
        user, pending = request.user, None
        if user.is_verified():
            return redirect(_safe_next(request))
    elif pending and time.time() - pending["at"] <= PENDING_SECONDS:
        user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    else:
        request.session.pop(PENDING_SESSION_KEY, None)
        if pending:
            messages.info(request, "Sign in again: the time to enter your security code ran out.")
        return redirect("login")
    device = confirmed_device(user) if user else None
    if device is None:
        request.session.pop(PENDING_SESSION_KEY, None)
        return redirect("login" if not request.user.is_authenticated else "two_factor_setup")

    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            if pending:
                user.otp_device = device  # so the sign-in signal knows the code was given
                login(request, user, backend=pending["backend"])
                next_url = pending["next"]
            else:
                next_url = _safe_next(request)
            otp_login(request, device)
            request.session.pop(PENDING_SESSION_KEY, None)
            request.session.pop(NEEDS_CODE_SESSION_KEY, None)
            return redirect(next_url)
        user_login_failed.send(
            sender=__name__,
            credentials={"username": user.get_username()},
            request=request,
        )
        if pending:
            pending["tries"] += 1
            if pending["tries"] >= MAX_CODE_TRIES:
                request.session.pop(PENDING_SESSION_KEY, None)
                messages.info(request, "Too many wrong codes. Sign in again.")
                return redirect("login")
            request.session[PENDING_SESSION_KEY] = pending
        form.add_error("code", "The code is not right. Enter the code your authenticator app shows now")
    return render(
        request,
        "account/login_code.html",
        {"page_title": "Enter your security code", "form": form, "next": request.GET.get("next", "")},
    )


@login_required
@require_GET
def account(request):
    device = confirmed_device(request.user)
    return render(
        request,
        "account/account.html",
        {
            "page_title": "Your account",
            "device": device,
            "required": two_factor_required(request.user, request.memberships),
        },
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    """Turn on two-factor sign-in: scan the QR code (or type the secret), then give a code."""
    if confirmed_device(request.user) is not None:
        return redirect("account")
    device = unconfirmed_device(request.user)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
            otp_login(request, device)
            request.session.pop(NEEDS_CODE_SESSION_KEY, None)
            messages.success(request, "Two-factor sign-in is on. Next time you sign in, we will ask for a code.")
            return redirect(_safe_next(request, default="account"))
        form.add_error("code", "The code is not right. Check the time on your phone, then enter the new code")
    return render(
        request,
        "account/two_factor_setup.html",
        {
            "page_title": "Set up two-factor sign-in",
            "form": form,
            "qr_code": qr_code_svg(device),
            "secret": secret_as_text(device),
            "required": two_factor_required(request.user, request.memberships),
            "next": request.GET.get("next", ""),
            "issuer": settings.OTP_TOTP_ISSUER,
        },
    )


@login_required
@require_POST
def two_factor_remove(request):
    """Turn two-factor sign-in off: only from a session that gave a code, and only if not required."""
    if two_factor_required(request.user, request.memberships) or not request.user.is_verified():
        raise PermissionDenied
    TOTPDevice.objects.filter(user=request.user).delete()
    messages.success(request, "Two-factor sign-in is off.")
    return redirect("account")


@require_GET
def session_expired(request):
    return render(
        request,
        "account/session_expired.html",
        {
            "page_title": "You were signed out",
            "next": request.GET.get("next", ""),
            "minutes": settings.SESSION_IDLE_TIMEOUT // 60,
        },
    )
