"""An inspector adds a security key through the emailed link, then signs in with their password and
the key. Chromium's virtual authenticator (DevTools protocol) plays the key. Axe-clean throughout."""

import re

from django.core import mail
from playwright.sync_api import expect

from inspections.models import Role
from tests.factories import PASSWORD, MembershipFactory, ServiceFactory, UserFactory


def plug_in_a_security_key(page):
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp


def test_an_inspector_adds_a_security_key_and_signs_in_with_it(live_server, page, sign_in, check_accessible, settings):
    settings.REQUIRE_TWO_FACTOR_FOR = ["inspectors"]
    service = ServiceFactory(name="Northshire Youth Justice Service")
    inspector = UserFactory(username="ines-inspector")
    MembershipFactory(user=inspector, service=service, role=Role.INSPECTOR)
    plug_in_a_security_key(page)

    sign_in(page, inspector.username, PASSWORD)
    page.get_by_role("button", name="Email me a set-up link").click()
    link = re.search(r"(http://\S+/account/two-factor/link/\S+/)", mail.outbox[-1].body).group(1)
    page.goto(link)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()

    page.goto(f"{live_server.url}/account/two-factor/keys/add/")
    expect(page.get_by_role("heading", level=1, name="Add a security key")).to_be_visible()
    check_accessible(page)
    page.get_by_label("Name").fill("Blue USB key")
    page.get_by_role("button", name="Add security key").click()
    expect(page.get_by_text("Security key added.")).to_be_visible()
    expect(page.get_by_label("Unused codes")).to_be_visible()  # the first key comes with recovery codes
    check_accessible(page)
    assert inspector.authenticator_set.filter(type="webauthn").count() == 1

    page.get_by_role("button", name="Sign out").first.click()
    sign_in(page, inspector.username, PASSWORD)
    expect(page.get_by_role("heading", level=1, name="Enter your security code")).to_be_visible()
    check_accessible(page)
    page.get_by_role("button", name="Use a security key").click()
    expect(page.get_by_role("heading", level=1, name="Inspections")).to_be_visible()
    key = inspector.authenticator_set.get(type="webauthn")
    assert key.last_used_at is not None  # the key, not something else, let them in

    page.goto(f"{live_server.url}/account/two-factor/keys/")
    expect(page.get_by_text("Blue USB key")).to_be_visible()
    check_accessible(page)
