"""Each role signs in, sees their home page and navigation, and signs out; axe-clean throughout."""

import pytest
from playwright.sync_api import expect

from inspections.models import Role
from tests.factories import PASSWORD, MembershipFactory, ServiceFactory, UserFactory


@pytest.mark.parametrize(
    ("role", "heading", "links"),
    [
        (Role.OFFICER, "My cases", ["My cases"]),
        (Role.MANAGER, "Northshire Youth Justice Service", ["Home", "Inspections"]),
        (Role.BOARD_MEMBER, "Northshire Youth Justice Service: board", ["Home"]),
        (Role.INSPECTOR, "Inspections", ["Home", "Inspections"]),
    ],
)
def test_each_role_signs_in_sees_their_home_and_signs_out(
    live_server, page, sign_in, check_accessible, role, heading, links
):
    service = ServiceFactory(name="Northshire Youth Justice Service")
    user = UserFactory(username=f"demo-{role}")
    MembershipFactory(user=user, service=service, role=role)

    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Sign in to YOS Audit")).to_be_visible()
    check_accessible(page)

    sign_in(page, user.username, PASSWORD)
    expect(page.get_by_role("heading", level=1, name=heading, exact=True)).to_be_visible()
    navigation = page.get_by_role("navigation", name="Main navigation")
    for link in links:
        expect(navigation.get_by_role("link", name=link, exact=True)).to_be_visible()
    check_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to YOS Audit")).to_be_visible()


def test_a_person_in_two_services_switches_between_them(live_server, page, sign_in, check_accessible):
    north = ServiceFactory(name="Northshire Youth Justice Service")
    east = ServiceFactory(name="Eastbridge Youth Offending Service")
    user = UserFactory(username="visiting-inspector")
    MembershipFactory(user=user, service=north, role=Role.INSPECTOR)
    MembershipFactory(user=user, service=east, role=Role.MANAGER)

    sign_in(page, user.username, PASSWORD)
    page.get_by_label("Service you are working in").select_option(label="Eastbridge Youth Offending Service (Manager)")
    page.get_by_role("button", name="Switch service").click()
    expect(page.get_by_role("heading", level=1, name="Eastbridge Youth Offending Service")).to_be_visible()
    check_accessible(page)


def test_a_wrong_password_is_reported_accessibly(live_server, page, sign_in, check_accessible):
    UserFactory(username="someone")
    sign_in(page, "someone", "not-the-password")
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check_accessible(page)
