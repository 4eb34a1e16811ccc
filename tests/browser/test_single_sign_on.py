"""Signing in through the council's OpenID Connect provider, end to end in Chromium, against a
real provider on the loopback (oidc-provider-mock). Axe-clean on our pages."""

from playwright.sync_api import expect

from inspections.models import Role
from tests.factories import MembershipFactory, ServiceFactory, UserFactory
from tests.single_sign_on import council_person, oidc_provider, point_at

__all__ = ["oidc_provider"]


def test_a_person_signs_in_through_the_council_provider_and_a_stranger_is_refused(
    live_server, page, settings, oidc_provider, check_accessible
):
    point_at(settings, oidc_provider)
    service = ServiceFactory(name="Northshire Youth Justice Service")
    officer = UserFactory(username="olivia", email="olivia@northshire.example")
    MembershipFactory(user=officer, service=service, role=Role.OFFICER)
    council_person(oidc_provider, "olivia.o", email="olivia@northshire.example", email_verified=True)

    page.goto(f"{live_server.url}/account/sign-in/")
    check_accessible(page)
    page.get_by_role("button", name="Sign in with Northshire Council account").click()
    page.locator("input[name=sub]").fill("olivia.o")  # the provider's own page
    page.get_by_role("button", name="Authorize").click()
    expect(page.get_by_role("heading", level=1, name="My cases")).to_be_visible()

    page.context.clear_cookies()
    council_person(oidc_provider, "stranger", email="stranger@elsewhere.example", email_verified=True)
    page.goto(f"{live_server.url}/account/sign-in/")
    page.get_by_role("button", name="Sign in with Northshire Council account").click()
    page.locator("input[name=sub]").fill("stranger")
    page.get_by_role("button", name="Authorize").click()
    expect(page.get_by_role("heading", level=1, name="You cannot sign in")).to_be_visible()
    expect(page.get_by_text("There is no YOS Audit account for stranger@elsewhere.example")).to_be_visible()
    check_accessible(page)
    # The mock provider's own page loads a style sheet from the internet (not reachable here) and has
    # no favicon (Flask's "NOT FOUND"); the refusal is a 403 on purpose. Anything else still fails.
    expected = ("net::ERR_NAME_NOT_RESOLVED", "status of 404 (NOT FOUND)", "status of 403 (Forbidden)")
    page.console_errors[:] = [error for error in page.console_errors if not any(error.endswith(e) for e in expected)]
