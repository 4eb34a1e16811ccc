"""Sign-in (password, then a two-factor code for those who have set it up), the account page,
two-factor set-up and removal, and the page after an idle session ends."""

import time

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.views import DRAFT_SAVED_SESSION_KEY
from inspections.form_base import GovukForm, GovukFormMixin
from inspections.invitations.services import invitation_accept, invitation_for_token, invitation_problem

from .two_factor import (
    DEVICE_NAME,
    ENROLMENT_GRANT_SESSION_KEY,
    ENROLMENT_LINK_SECONDS,
    NEEDS_CODE_SESSION_KEY,
    SETUP_KEY_SESSION_KEY,
    code_matches,
    config_url,
    confirmed_device,
    email_enrolment_link,
    email_factor_changed,
    enrolment_token,
    enrolment_token_problem,
    grant_enrolment,
    may_enrol_now,
    qr_code_svg,
    secret_as_text,
    setup_key,
    two_factor_required,
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


def _masked_email(email):
    name, _, domain = email.partition("@")
    return f"{name[:1]}{'*' * max(len(name) - 1, 3)}@{domain}"


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    """Turn on two-factor sign-in: scan the QR code (or type the secret), then give a code.

    Nothing is saved until the right code is given. Someone whose role needs two factors comes
    here through their emailed set-up link first (the password alone is not enough).
    """
    user = request.user
    if confirmed_device(user) is not None:
        return redirect("account")
    required = two_factor_required(user, request.memberships)
    if not may_enrol_now(request):
        return render(
            request,
            "account/two_factor_email_link.html",
            {
                "page_title": "Set up two-factor sign-in",
                "email": _masked_email(user.email) if user.email else "",
                "link_minutes": ENROLMENT_LINK_SECONDS // 60,
            },
        )
    key = setup_key(request.session)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        matched = code_matches(key, form.cleaned_data["code"])
        if matched is not None:
            with transaction.atomic():
                device = TOTPDevice.objects.create(
                    user=user, name=DEVICE_NAME, key=key, confirmed=True, last_t=matched.t(), drift=matched.drift
                )
            otp_login(request, device)
            for session_key in (NEEDS_CODE_SESSION_KEY, SETUP_KEY_SESSION_KEY, ENROLMENT_GRANT_SESSION_KEY):
                request.session.pop(session_key, None)
            email_factor_changed(user, added=True)
            messages.success(request, "Two-factor sign-in is on. Next time you sign in, we will ask for a code.")
            return redirect(_safe_next(request, default="account"))
        form.add_error("code", "The code is not right. Check the time on your phone, then enter the new code")
    return render(
        request,
        "account/two_factor_setup.html",
        {
            "page_title": "Set up two-factor sign-in",
            "form": form,
            "qr_code": qr_code_svg(config_url(user, key)),
            "secret": secret_as_text(key),
            "required": required,
            "next": request.GET.get("next", ""),
            "issuer": settings.OTP_TOTP_ISSUER,
        },
    )


@login_required
@require_POST
def two_factor_email_link(request):
    """Email the signed-in person a link that lets this session set up their first factor."""
    user = request.user
    if confirmed_device(user) is not None or may_enrol_now(request):
        return redirect("two_factor_setup")
    if not user.email:
        messages.error(
            request, "Your account has no email address. Ask your service's system administrator to add one."
        )
        return redirect("two_factor_setup")
    link = request.build_absolute_uri(reverse("two_factor_link", kwargs={"token": enrolment_token(user)}))
    email_enrolment_link(user, link)
    messages.success(request, f"We have emailed a set-up link to {_masked_email(user.email)}. It works for an hour.")
    return redirect("two_factor_setup")


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_link(request, token):
    """The emailed set-up link: opening it (GET) changes nothing; the button (POST) lets this session enrol."""
    user = request.user
    if confirmed_device(user) is not None:
        return redirect("account")
    problem = None
    if request.method == "POST":
        problem = enrolment_token_problem(token, user)
        if problem is None:
            grant_enrolment(request.session, user)
            return redirect("two_factor_setup")
    return render(
        request,
        "account/two_factor_link.html",
        {"page_title": "Carry on setting up two-factor sign-in", "problem": problem},
        status=400 if problem else 200,
    )


@login_required
@require_POST
def two_factor_remove(request):
    """Turn two-factor sign-in off: only from a session that gave a code, and only if not required."""
    if two_factor_required(request.user, request.memberships) or not request.user.is_verified():
        raise PermissionDenied
    TOTPDevice.objects.filter(user=request.user).delete()
    email_factor_changed(request.user, added=False)
    messages.success(request, "Two-factor sign-in is off.")
    return redirect("account")


@login_required
@require_POST
def stay_signed_in(request):
    """ "Stay signed in" in the timeout warning: the request itself resets the idle clock
    (SessionIdleTimeoutMiddleware). Answers 204 to the page's script, so the page stays as it is;
    without JavaScript the form goes back to the page it came from."""
    if request.headers.get("X-Requested-With") == "fetch":
        return HttpResponse(status=204)
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("home")
    return redirect(next_url)


@require_GET
def session_expired(request):
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    return render(
        request,
        "account/session_expired.html",
        {
            "page_title": "You were signed out",
            "next": next_url,
            "minutes": settings.SESSION_IDLE_TIMEOUT // 60,
            "draft_saved": request.session.pop(DRAFT_SAVED_SESSION_KEY, ""),
        },
    )


# Invitations ------------------------------------------------------------------------------------


class NewAccountForm(GovukFormMixin, UserCreationForm):
    """A new person's account, made from an invitation: the email address is the invitation's."""

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "first_name", "last_name")

    def __init__(self, *args, email, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.email = email
        self.fields["first_name"].required = True
        self.fields["last_name"].required = True
        self.fields["username"].help_text = "What you will type to sign in: letters, digits and @ . + - _ only"


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept_view(request, token):
    """The emailed invitation link: join the service (making an account first if the person has none).

    Opening the link (GET) changes nothing. Accepting it is also the second channel for setting up
    two-factor sign-in, so a role that needs it can be set up straight away.
    """
    invitation = invitation_for_token(token)
    problem = invitation_problem(invitation)
    context = {"page_title": "Accept your invitation", "invitation": invitation, "problem": problem}
    if problem:
        return render(request, "account/invitation_accept.html", context, status=400)
    user = request.user
    if user.is_authenticated:
        if request.method == "POST":
            try:
                invitation_accept(invitation=invitation, user=user)
            except ValidationError as error:
                context["problem"] = error.messages[0]
                return render(request, "account/invitation_accept.html", context, status=400)
            return _joined(request, user, invitation)
        return render(request, "account/invitation_accept.html", context)
    if get_user_model().objects.filter(email__iexact=invitation.email).exists():
        context["sign_in_first"] = True
        return render(request, "account/invitation_accept.html", context)
    form = NewAccountForm(request.POST if request.method == "POST" else None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                user = form.save()
                invitation_accept(invitation=invitation, user=user)
        except ValidationError as error:
            context["problem"] = error.messages[0]
            return render(request, "account/invitation_accept.html", context, status=400)
        login(request, user, backend="inspections.sign_in.MembershipBackend")
        return _joined(request, user, invitation)
    context["form"] = form
    return render(request, "account/invitation_accept.html", context)


def _joined(request, user, invitation):
    if confirmed_device(user) is None:
        grant_enrolment(request.session, user)  # the emailed link is the second channel
    messages.success(request, f"You have joined {invitation.service} as {invitation.get_role_display().lower()}.")
    return redirect("home")
