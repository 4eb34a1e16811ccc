"""Issue 14 in a browser: an assessor raises a safeguarding concern from the scoring page, the
safeguarding lead acknowledges it, a manager writes feedback with a case action, the case holder
acknowledges the feedback and marks the case action done. Axe-clean on every page."""

from playwright.sync_api import expect

from inspections.models import Membership, Role
from tests.factories import (
    PASSWORD,
    AssessmentFactory,
    CaseFactory,
    InspectionFactory,
    ServiceFactory,
    make_answers,
    member,
)


def test_concern_feedback_and_case_action(live_server, page, sign_in, check_accessible):
    service = ServiceFactory(name="Northshire Youth Justice Service")
    holder = member(service, Role.OFFICER, username="harriet", first_name="Harriet", last_name="Holder")
    assessor = member(service, Role.OFFICER, username="ada", first_name="Ada", last_name="Assessor")
    lead = member(service, Role.OFFICER, username="lena", first_name="Lena", last_name="Lead")
    Membership.objects.filter(user=lead).update(safeguarding_lead=True)
    manager = member(service, Role.MANAGER, username="marcus", first_name="Marcus", last_name="Manager")
    inspection = InspectionFactory(service=service, status="scoring", title="Audit 2026")
    scored = CaseFactory(inspection=inspection, reference="NS-0001", case_manager=holder)
    make_answers(
        AssessmentFactory(case=scored, assessor=assessor),
        {"roh-1": "no", "roh-2": "yes", "roh-3": "yes", "saf-1": "yes", "saf-2": "yes", "saf-3": "yes"},
        note="No risk plan after the new offence",
    )
    draft = AssessmentFactory(case=CaseFactory(inspection=inspection, reference="NS-0002"), assessor=assessor)

    # The assessor raises a concern from a case they have not scored yet.
    sign_in(page, assessor.username, PASSWORD)
    page.goto(f"{live_server.url}/assessments/{draft.pk}/")
    page.get_by_role("link", name="Raise a safeguarding concern").click()
    check_accessible(page)
    page.get_by_role("button", name="Raise the concern").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    page.console_errors.remove("Failed to load resource: the server responded with a status of 400 (Bad Request)")
    check_accessible(page)
    page.get_by_label("What you found").fill("Disclosure of harm at home, no referral made")
    page.get_by_label("Why it matters now").fill("The child still lives there")
    page.get_by_label("What you recommend").fill("Refer to children's social care today")
    page.get_by_role("button", name="Raise the concern").click()
    expect(page.get_by_text("Your scoring is unchanged")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    # The safeguarding lead sees it on their home page and acknowledges it.
    sign_in(page, lead.username, PASSWORD)
    page.get_by_role("link", name="Case NS-0002").click()
    check_accessible(page)
    page.get_by_label("Note").fill("Calling the social worker now")
    page.get_by_role("button", name="Mark acknowledged").click()
    expect(page.locator("#concern-status")).to_have_text("Acknowledged")
    expect(page.locator("#concern-steps")).to_contain_text("Calling the social worker now")
    check_accessible(page)
    page.get_by_role("button", name="Sign out").click()

    # The manager writes feedback (prefilled with the No answer) and a case action.
    sign_in(page, manager.username, PASSWORD)
    page.goto(f"{live_server.url}/cases/{scored.pk}/feedback/")
    check_accessible(page)
    page.get_by_role("link", name="Write feedback").click()
    expect(page.get_by_label("Risk of harm to others: what to improve")).to_contain_text("No risk plan after")
    page.get_by_label("What was done well", exact=True).fill("Regular, well recorded contact")
    check_accessible(page)
    page.get_by_role("button", name="Give feedback").click()
    page.get_by_role("link", name="Add a case action").click()
    page.get_by_label("What to put right on the file").fill("Review the RoSH assessment after the new offence")
    page.get_by_label("Day").fill("15")
    page.get_by_label("Month").fill("12")
    page.get_by_label("Year").fill("2099")
    check_accessible(page)
    page.get_by_role("button", name="Add the case action").click()
    expect(page.locator("#case-actions")).to_contain_text("Review the RoSH assessment")
    page.get_by_role("button", name="Sign out").click()

    # The case holder acknowledges and marks the case action done.
    sign_in(page, holder.username, PASSWORD)
    page.get_by_role("link", name="Feedback on my cases").first.click()
    check_accessible(page)
    page.get_by_role("link", name="NS-0001").click()
    expect(page.locator("#feedback-summary")).to_contain_text("Regular, well recorded contact")
    page.get_by_label("Your reply (optional)").fill("Thank you, booked for this week")
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("You have acknowledged the feedback")).to_be_visible()
    page.get_by_role("link", name="Mark done").click()
    page.get_by_label("What you did").fill("RoSH reviewed and countersigned")
    check_accessible(page)
    page.get_by_role("button", name="Mark done").click()
    expect(page.locator("#case-actions")).to_contain_text("Done")
    check_accessible(page)
