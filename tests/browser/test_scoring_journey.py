"""An officer scores a case: open it, save a draft, come back, submit, see it read-only; a manager
sees the judgements move. Axe-clean on every page."""

import re

from playwright.sync_api import expect

from inspections.models import Role
from tests.factories import PASSWORD, AssessmentFactory, CaseFactory, InspectionFactory, ServiceFactory, member


def test_officer_scores_a_case_and_the_manager_sees_the_judgement(live_server, page, sign_in, check_accessible):
    service = ServiceFactory(name="Northshire Youth Justice Service")
    officer = member(service, Role.OFFICER, username="olivia", first_name="Olivia", last_name="Okafor")
    manager = member(service, Role.MANAGER, username="marcus")
    inspection = InspectionFactory(service=service, title="Mock inspection 2016", status="moderation")
    AssessmentFactory(case=CaseFactory(inspection=inspection, reference="NS-0001"), assessor=officer)

    sign_in(page, officer.username, PASSWORD)
    page.get_by_role("link", name="NS-0001").click()
    expect(page.get_by_text("Answered 0 of 6 questions")).to_be_visible()
    check_accessible(page)

    page.locator("#q-roh-1-yes").check()
    page.locator("#q-roh-2-no").check()
    page.get_by_label("Note on question 2 (roh-2)").fill("No risk management plan on file")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Your draft is saved")).to_be_visible()

    page.get_by_role("link", name="My cases").first.click()
    expect(page.get_by_text("Draft", exact=True)).to_be_visible()
    page.get_by_role("link", name="NS-0001").click()
    expect(page.get_by_text("Answered 2 of 6 questions")).to_be_visible()
    expect(page.get_by_label("Note on question 2 (roh-2)")).to_have_value("No risk management plan on file")

    page.get_by_role("button", name="Submit the case").click()
    expect(page.get_by_role("heading", name="There is a problem: the case is not submitted")).to_be_visible()
    check_accessible(page)
    page.get_by_role("link", name=re.compile(r"^Answer question 3 \(roh-3\)")).click()
    expect(page.locator("#q-roh-3-yes")).to_be_focused()
    for code in ["roh-3", "saf-1", "saf-2", "saf-3"]:
        page.locator(f"#q-{code}-yes").check()
    page.get_by_role("button", name="Submit the case").click()
    expect(page.get_by_text("Case NS-0001 is submitted")).to_be_visible()
    expect(page.get_by_text("You have no more cases to score")).to_be_visible()

    page.goto(f"{live_server.url}/assessments/{officer.assessments.get().pk}/")
    expect(page.get_by_text("can no longer be changed")).to_be_visible()
    expect(page.locator("input[type=radio]")).to_have_count(0)
    check_accessible(page)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, manager.username, PASSWORD)
    page.goto(f"{live_server.url}/inspections/{inspection.pk}/judgements/")
    row = page.locator("#area-judgements").get_by_role("row", name="Risk of harm to others")
    expect(row).to_contain_text("67%")
    expect(row).to_contain_text("Moderate improvement required")
    check_accessible(page)
