"""Response headers Django does not set by itself, the idle-session limit and required two-factor sign-in."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control

from inspections.glossary import mark_abbreviations

from .two_factor import FACTOR_AT_SIGN_IN_SESSION_KEY, two_factor_required, two_factors_given

LAST_ACTIVITY_SESSION_KEY = "last_activity"
# The idle clock is written to the session when it is at least this many seconds behind, not on every
# request, so most pages write nothing. The person is signed out at most this long before the limit,
# never after it, and this is less than the time the scoring page's script saves ahead of the limit
# (30 seconds, static/js/session-timeout.mjs), so that save still arrives in time.
IDLE_CLOCK_STEP = 15


class PermissionsPolicyMiddleware:
    """Switch off browser features the service never uses (camera, microphone, ...)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class PrivatePagesMiddleware:
    """Tell browsers and proxies to keep no copy of any page sent to someone signed in.

    Pages of a signed-in person hold case data (assessments, cohorts, dashboards, judgements, plans) and
    downloads hold more; a shared computer's browser cache must not keep them. `Cache-Control: no-store,
    private` is added to whatever the view set (a download's own no-store stays), for every response to
    a request that was signed in when it arrived or is signed in when it leaves (signing in, signing out).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        signed_in = request.user.is_authenticated
        response = self.get_response(request)
        if signed_in or request.user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response


@receiver(user_logged_in, dispatch_uid="idle-clock-starts-at-sign-in")
def start_idle_clock(sender, request, user, **kwargs):
    """The idle clock starts at sign-in (saved with the signed-in session), so the first page after
    it writes nothing more."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_ACTIVITY_SESSION_KEY] = int(time.time())


class SessionIdleTimeoutMiddleware:
    """Sign a person out after SESSION_IDLE_TIMEOUT seconds without a request, and say why.

    The time of the latest signed-in request is kept in the session (to within IDLE_CLOCK_STEP
    seconds, so most requests write nothing). A request that comes later than
    the limit signs the person out and goes to a page that says they were signed out after 30
    minutes without activity and that nothing unsaved was kept (a form posted then is dropped).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_ACTIVITY_SESSION_KEY)
            if last is not None and now - last > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
                query = ""
                if request.method == "GET" and request.path not in (reverse("home"), reverse("session_expired")):
                    query = "?" + urlencode({"next": request.get_full_path()})
                return redirect(reverse("session_expired") + query)
            if last is None or now - last >= IDLE_CLOCK_STEP:
                request.session[LAST_ACTIVITY_SESSION_KEY] = now
        return self.get_response(request)


# Pages a signed-in person may reach before giving their second factor or setting it up.
TWO_FACTOR_EXEMPT_VIEWS = {
    "account_login",
    "account_logout",
    "account_reauthenticate",
    "mfa_authenticate",
    "mfa_reauthenticate",
    "mfa_reauthenticate_webauthn",
    "mfa_index",
    "mfa_activate_totp",
    "mfa_add_webauthn",
    "mfa_view_recovery_codes",
    "mfa_download_recovery_codes",
    "two_factor_email_link",
    "two_factor_link",
    "invitation_accept",
    "session_expired",
    "stay_signed_in",
    "healthz",
    "readyz",
    "metrics",
    "accessibility",
    "cookies",
}


class TwoFactorRequiredMiddleware:
    """Send a signed-in person who has not given a second factor where they must.

    - someone with a factor whose session has not given it (they were signed in some way other
      than allauth's sign-in, which asks for it): to the code page;
    - someone REQUIRE_TWO_FACTOR_FOR says must use two-factor but who has no factor: to set-up.

    Needs request.memberships (inspections.middleware.CurrentServiceMiddleware runs first).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or two_factors_given(request):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in TWO_FACTOR_EXEMPT_VIEWS:
            return None
        next_query = "?" + urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
        if request.session.get(FACTOR_AT_SIGN_IN_SESSION_KEY):
            return redirect(reverse("mfa_reauthenticate") + next_query)
        if two_factor_required(user, getattr(request, "memberships", None)):
            return redirect(reverse("mfa_activate_totp") + next_query)
        return None


class AbbreviationsMiddleware:
    """Mark every glossary abbreviation on an HTML page as <abbr title="what it stands for">, wherever
    it appears (headings, tables, question texts, notes), so no page needs to remember to
    (inspections.glossary). Downloads and other content types are left as they are."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
            and not response.has_header("Content-Disposition")
        ):
            charset = response.charset or "utf-8"
            response.content = mark_abbreviations(response.content.decode(charset)).encode(charset)
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return response
