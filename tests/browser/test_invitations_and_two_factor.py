"""A manager invites someone who makes their account; an inspector sets up two-factor through the
emailed link. Axe-clean throughout."""

import re
import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from playwright.sync_api import expect

from inspections.models import Role
from tests.factories import PASSWORD, MembershipFactory, ServiceFactory, UserFactory


def code_for_secret(secret):
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_a_manager_invites_someone_who_makes_their_account_and_joins(
    live_server, page, browser, sign_in, check_accessible
):
    service = ServiceFactory(name="Northshire Youth Justice Service")
    manager = UserFactory(username="mia-manager")
    MembershipFactory(user=manager, service=service, role=Role.MANAGER)

    sign_in(page, manager.username, PASSWORD)
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="People").click()
    expect(page.get_by_role("heading", level=1, name="People invited")).to_be_visible()
    check_accessible(page)
    page.get_by_role("link", name="Invite someone").click()
    page.get_by_role("button", name="Send invitation").click()  # nothing filled in
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check_accessible(page)
    page.get_by_label("Email address").fill("nadia.newcomer@example.invalid")
    page.get_by_label("Board member").check()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to nadia.newcomer@example.invalid")).to_be_visible()
    expect(page.get_by_role("cell", name="nadia.newcomer@example.invalid", exact=True)).to_be_visible()
    check_accessible(page)

    link = re.search(r"(http://\S+/account/invitation/\S+/)", mail.outbox[-1].body).group(1)
    newcomer = browser.new_context().new_page()
    newcomer.goto(link)
    expect(newcomer.get_by_role("heading", level=1, name="Join Northshire Youth Justice Service")).to_be_visible()
    check_accessible(newcomer)
    newcomer.get_by_label("Username").fill("nadia")
    newcomer.get_by_label("First name").fill("Nadia")
    newcomer.get_by_label("Last name").fill("Newcomer")
    newcomer.get_by_label("Password", exact=True).fill("a-long-new-password-2026")
    newcomer.get_by_label("Password confirmation").fill("a-long-new-password-2026")
    newcomer.get_by_role("button", name="Create account and join").click()
    expect(newcomer.get_by_text("You have joined Northshire Youth Justice Service as board member")).to_be_visible()
    expect(newcomer.get_by_role("heading", level=1, name="Northshire Youth Justice Service: board")).to_be_visible()
    newcomer.context.close()


def test_an_inspector_sets_up_two_factor_through_the_emailed_link_then_signs_in_with_a_recovery_code(
    live_server, page, sign_in, check_accessible, settings
):
    settings.REQUIRE_TWO_FACTOR_FOR = ["inspectors"]
    service = ServiceFactory(name="Northshire Youth Justice Service")
    inspector = UserFactory(username="ines-inspector")
    MembershipFactory(user=inspector, service=service, role=Role.INSPECTOR)

    sign_in(page, inspector.username, PASSWORD)
    expect(page.get_by_role("heading", level=1, name="Set up two-factor sign-in")).to_be_visible()
    expect(page.get_by_text("your password alone is not enough")).to_be_visible()
    check_accessible(page)
    page.get_by_role("button", name="Email me a set-up link").click()
    expect(page.get_by_text("We have emailed a set-up link")).to_be_visible()

    link = re.search(r"(http://\S+/account/two-factor/link/\S+/)", mail.outbox[-1].body).group(1)
    page.goto(link)
    check_accessible(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1, name="Enter your password again")).to_be_visible()
    check_accessible(page)
    page.get_by_label("Password").fill(PASSWORD)  # allauth asks again before a factor is added
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("img", name="QR code to scan with your authenticator app")).to_be_visible()
    check_accessible(page)
    page.get_by_text("I cannot scan the QR code").click()
    secret = page.locator("#two-factor-secret").inner_text().strip()
    page.get_by_label("Security code").fill(code_for_secret(secret))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_text("Two-factor sign-in is on")).to_be_visible()
    check_accessible(page)
    codes = page.get_by_label("Unused codes").input_value().split()
    assert len(codes) == 10
    assert "Two-factor sign-in was turned on" in mail.outbox[-1].subject

    # Next time: the password, then a recovery code (the phone is not to hand).
    page.get_by_role("button", name="Sign out").first.click()
    sign_in(page, inspector.username, PASSWORD)
    expect(page.get_by_role("heading", level=1, name="Enter your security code")).to_be_visible()
    check_accessible(page)
    page.get_by_label("Security code").fill("000000" if code_for_secret(secret) != "000000" else "111111")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check_accessible(page)
    page.get_by_label("Security code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1, name="Enter your security code")).not_to_be_visible()
    page.goto(f"{live_server.url}/account/")
    expect(page.get_by_text("On: we ask for a code from your authenticator app")).to_be_visible()
    check_accessible(page)
