"""Two-factor sign-in (TOTP through django-otp): who must use it, devices, the set-up QR code.

Anyone may turn it on. settings.REQUIRE_TWO_FACTOR_FOR names who must: "inspectors" (anyone
holding the inspector role in a service), "staff" (is_staff, who reach the admin), "everyone".
"""

import base64

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django_otp.plugins.otp_totp.models import TOTPDevice

from inspections.models import Membership, Role

# Set at sign-in for a person with a device, until they give a code in this session.
NEEDS_CODE_SESSION_KEY = "two_factor_needs_code"
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


def unconfirmed_device(user):
    """The device being set up: the same one (and secret) until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_as_text(device):
    """The secret in base32, in groups of four, for typing into an app by hand."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device):
    """The otpauth:// address as an inline SVG (no inline style or script, so the CSP allows it)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
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
