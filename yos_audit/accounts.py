"""The account page, the emailed link for setting up a first second factor, invitations, and the
page after an idle session ends. Sign-in, sign-out, passwords and the factors themselves are
django-allauth's (yos_audit/urls.py)."""

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.views import DRAFT_SAVED_SESSION_KEY
from inspections.form_base import GovukFormMixin
from inspections.invitations.services import invitation_accept, invitation_for_token, invitation_problem

from .two_factor import (
    email_enrolment_link,
    enrolment_token,
    enrolment_token_problem,
    grant_enrolment,
    has_second_factor,
    masked_email,
    may_enrol_now,
    two_factor_required,
    two_factors_given,
)


@login_required
@require_GET
def account(request):
    types = set(Authenticator.objects.filter(user=request.user).values_list("type", flat=True))
    return render(
        request,
        "account/account.html",
        {
            "page_title": "Your account",
            "has_app": Authenticator.Type.TOTP in types,
            "has_keys": Authenticator.Type.WEBAUTHN in types,
            "has_recovery_codes": Authenticator.Type.RECOVERY_CODES in types,
            "required": two_factor_required(request.user, request.memberships),
            "two_factors_given": two_factors_given(request),
        },
    )


@login_required
@require_POST
def two_factor_email_link(request):
    """Email the signed-in person a link that lets this session set up their first factor."""
    user = request.user
    if has_second_factor(user) or may_enrol_now(request):
        return redirect("mfa_activate_totp")
    if not user.email:
        messages.error(
            request, "Your account has no email address. Ask your service's system administrator to add one."
        )
        return redirect("mfa_activate_totp")
    link = request.build_absolute_uri(reverse("two_factor_link", kwargs={"token": enrolment_token(user)}))
    email_enrolment_link(user, link)
    messages.success(request, f"We have emailed a set-up link to {masked_email(user.email)}. It works for an hour.")
    return redirect("mfa_activate_totp")


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_link(request, token):
    """The emailed set-up link: opening it (GET) changes nothing; the button (POST) lets this session enrol."""
    user = request.user
    if has_second_factor(user):
        return redirect("account")
    problem = None
    if request.method == "POST":
        problem = enrolment_token_problem(token, user)
        if problem is None:
            grant_enrolment(request.session, user)
            return redirect("mfa_activate_totp")
    return render(
        request,
        "account/two_factor_link.html",
        {"page_title": "Carry on setting up two-factor sign-in", "problem": problem},
        status=400 if problem else 200,
    )


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
        # The new password was just typed: it counts as a fresh sign-in for allauth's set-up pages.
        record_authentication(request, user, "password", username=user.get_username(), reauthenticated=True)
        return _joined(request, user, invitation)
    context["form"] = form
    return render(request, "account/invitation_accept.html", context)


def _joined(request, user, invitation):
    if not has_second_factor(user):
        grant_enrolment(request.session, user)  # the emailed link is the second channel
    messages.success(request, f"You have joined {invitation.service} as {invitation.get_role_display().lower()}.")
    return redirect("home")
