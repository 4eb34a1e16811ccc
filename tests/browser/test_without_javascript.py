"""The main jobs work with JavaScript switched off: signing in, scoring a case, reading judgements."""

import re

import pytest
from playwright.sync_api import expect

from inspections.models import Role
from tests.factories import PASSWORD, AssessmentFactory, CaseFactory, InspectionFactory, ServiceFactory, member


@pytest.fixture
def page_without_javascript(browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    yield page
    context.close()


def test_an_officer_scores_and_a_manager_reads_the_judgement_without_javascript(live_server, page_without_javascript):
    page = page_without_javascript
    service = ServiceFactory()
    officer = member(service, Role.OFFICER, username="olivia")
    manager = member(service, Role.MANAGER, username="marcus")
    inspection = InspectionFactory(service=service, status="moderation")
    AssessmentFactory(case=CaseFactory(inspection=inspection, reference="NS-0009"), assessor=officer)

    def sign_in(username):
        page.goto(f"{live_server.url}/account/sign-in/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()

    sign_in(officer.username)
    page.get_by_role("link", name="NS-0009").click()
    for code in ["roh-1", "roh-2", "roh-3", "saf-1", "saf-2"]:
        page.locator(f"#q-{code}-yes").check()
    page.locator("#q-saf-3-no").check()
    page.get_by_role("button", name="Submit the case").click()
    page.get_by_role("link", name=re.compile(r"^Add a note to question 6 \(saf-3\)")).click()
    assert page.url.endswith("#note-saf-3")
    page.get_by_label("Note on question 6 (saf-3)").fill("No safeguarding plan")
    page.get_by_role("button", name="Submit the case").click()
    expect(page.get_by_text("Case NS-0009 is submitted")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    sign_in(manager.username)
    page.goto(f"{live_server.url}/inspections/{inspection.pk}/judgements/")
    expect(page.locator("#area-judgements").get_by_role("row", name="Safeguarding")).to_contain_text("67%")
    # (axe needs JavaScript to run: the same pages are checked with it on in the other browser tests.)
