"""Two-factor sign-in (TOTP through django-otp): who must use it, enrolment, the set-up QR code.

Anyone may turn it on. settings.REQUIRE_TWO_FACTOR_FOR names who must: "inspectors" (anyone
holding the inspector role in a service), "staff" (is_staff, who reach the admin), "everyone".

The password alone never enrols a first factor for someone who must use two factors: they ask
for a set-up link, which is emailed to them (the second channel) and works for
ENROLMENT_LINK_SECONDS, only for that person and only until a factor is added. Opening the set-up
page creates nothing: the secret is kept in the session until a right code confirms it, and only
then is the device saved. The person is emailed whenever a factor is added or removed.
"""

import base64
import hashlib
import time

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.core import signing
from django.core.mail import send_mail
from django.dispatch import receiver
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from inspections.models import Membership, Role

# Set at sign-in for a person with a device, until they give a code in this session.
NEEDS_CODE_SESSION_KEY = "two_factor_needs_code"
# The secret being set up (hex), kept in the session until a right code confirms it.
SETUP_KEY_SESSION_KEY = "two_factor_setup_key"
# Set when the person opened their emailed set-up link in this session: {"user": pk, "at": seconds}.
ENROLMENT_GRANT_SESSION_KEY = "two_factor_enrolment_grant"
ENROLMENT_LINK_SECONDS = 60 * 60
ENROLMENT_LINK_SALT = "yos_audit.two_factor.enrolment-link"
DEVICE_NAME = "Authenticator app"


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


def confirmed_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


# Enrolment links ---------------------------------------------------------------------------------


def _enrolment_state(user):
    """Changes when the person's password or factors change, so an old link stops working."""
    devices = ",".join(
        str(pk) for pk in TOTPDevice.objects.filter(user=user).order_by("pk").values_list("pk", flat=True)
    )
    # A plain digest (the token itself is signed): it survives a SECRET_KEY rotation with fallbacks.
    return hashlib.sha256(f"{ENROLMENT_LINK_SALT}|{user.pk}|{user.password}|{devices}".encode()).hexdigest()[:32]


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
    """Someone who must use two factors enrols only through the emailed link; others from their session."""
    user = request.user
    if not two_factor_required(user, getattr(request, "memberships", None)):
        return True
    return enrolment_granted(request.session, user)


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


def email_factor_changed(user, *, added):
    """Tell the person whenever a factor is added to or removed from their account."""
    if not user.email:
        return
    what = "turned on" if added else "turned off"
    send_mail(
        f"Two-factor sign-in was {what} for your YOS Audit account",
        f"Two-factor sign-in ({DEVICE_NAME.lower()}) was {what} for your YOS Audit account.\n\n"
        "If this was not you, tell your service's system administrator now.",
        None,
        [user.email],
    )


# Setting up ---------------------------------------------------------------------------------------


def setup_key(session):
    """The secret being set up in this session (made on first use, no database row)."""
    key = session.get(SETUP_KEY_SESSION_KEY)
    if not key:
        key = random_hex(20)
        session[SETUP_KEY_SESSION_KEY] = key
    return key


def code_matches(key_hex, code):
    """The matching TOTP (its t() and drift to save on the device), or None when the code is wrong."""
    totp = TOTP(bytes.fromhex(key_hex), step=30, t0=0, digits=6, drift=0)
    totp.time = time.time()
    return totp if totp.verify(int(code), tolerance=1) else None


def config_url(user, key_hex):
    """The otpauth:// address an authenticator app reads from the QR code."""
    return TOTPDevice(user=user, key=key_hex, name=DEVICE_NAME).config_url


def secret_as_text(key_hex):
    """The secret in base32, in groups of four, for typing into an app by hand."""
    secret = base64.b32encode(bytes.fromhex(key_hex)).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(url):
    """The otpauth:// address as an inline SVG (no inline style or script, so the CSP allows it)."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    svg = image.to_string(encoding="unicode")
    return svg.replace(
        "<svg ",
        '<svg role="img" aria-label="QR code to scan with your authenticator app" class="app-qr-code" ',
        1,
    )


@receiver(user_logged_in)
def ask_for_code_after_other_sign_ins(sender, request, user, **kwargs):
    """A person with a device who signs in without the code page must still give a code."""
    if request is None or not hasattr(request, "session"):
        return
    if getattr(user, "otp_device", None) is None and confirmed_device(user) is not None:
        request.session[NEEDS_CODE_SESSION_KEY] = True
