"""The order of the work and what cannot be undone, in a real browser at 1280 px and 390 px: the inspection
page is a task list; moving on and publishing ask first and say what is outstanding; a form with
problems says "Error: " in its title and names each field; a board member lands on the latest issued
report and never reads a draft. Axe-clean on every page visited."""

import datetime

import pytest
from playwright.sync_api import expect

from improvement.models import BoardReport
from inspections.models import Inspection, Role
from tests.factories import (
    PASSWORD,
    AssessmentFactory,
    BoardFactory,
    CaseFactory,
    InspectionFactory,
    MeetingFactory,
    PlanFactory,
    ServiceFactory,
    member,
)


def no_sideways_scrolling(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url


@pytest.mark.parametrize("width", [1280, 390])
def test_a_manager_follows_the_task_list_and_confirms_what_cannot_be_undone(
    live_server, page, sign_in, check_accessible, width
):
    service = ServiceFactory(name="Northshire Youth Justice Service")
    manager = member(service, Role.MANAGER, username="marcus")
    officer = member(service, Role.OFFICER, username="olivia")
    inspection = InspectionFactory(service=service, title="Mock inspection 2016", status="scoring")
    AssessmentFactory(case=CaseFactory(inspection=inspection, reference="NS-0001", in_sample=True), assessor=officer)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, manager.username, PASSWORD)

    page.goto(f"{live_server.url}/inspections/{inspection.pk}/")
    tasks = page.locator(".govuk-task-list")
    expect(tasks.locator(".govuk-task-list__item")).to_have_count(9)
    expect(tasks.locator(".govuk-task-list__item").nth(0)).to_contain_text("Set up the inspection")
    expect(tasks.get_by_role("listitem").filter(has_text="Draw the sample")).to_contain_text("Completed")
    expect(tasks.get_by_role("listitem").filter(has_text="Score the cases")).to_contain_text("In progress")
    expect(tasks.get_by_role("listitem").filter(has_text="Publish the judgements")).to_contain_text("Cannot start yet")
    no_sideways_scrolling(page)
    check_accessible(page)

    page.get_by_role("button", name="Move on to moderation").click()
    expect(page.get_by_role("heading", level=1, name="Move Mock inspection 2016 on to moderation?")).to_be_visible()
    expect(page.locator("#outstanding")).to_contain_text("1 assessment not submitted yet")
    check_accessible(page)
    page.get_by_role("link", name="Cancel").click()
    assert Inspection.objects.get(pk=inspection.pk).status == "scoring"
    page.get_by_role("button", name="Move on to moderation").click()
    page.get_by_role("button", name="Move on to moderation").click()
    expect(page.get_by_text("is now moderation")).to_be_visible()

    page.goto(f"{live_server.url}/inspections/{inspection.pk}/judgements/")
    page.get_by_role("button", name="Publish the judgements").click()
    expect(page.locator("#outstanding")).to_contain_text("1 assessment not submitted: it does not count")
    check_accessible(page)
    page.get_by_role("button", name="Publish anyway").click()
    expect(page.get_by_text("The judgements are published")).to_be_visible()

    page.goto(f"{live_server.url}/inspections/{inspection.pk}/edit/")
    page.get_by_label("Title").fill("")
    page.get_by_role("group", name="First day of fieldwork").get_by_label("Day").fill("31")
    page.get_by_role("group", name="First day of fieldwork").get_by_label("Month").fill("2")
    page.get_by_role("group", name="First day of fieldwork").get_by_label("Year").fill("2016")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_title("Error: Change Mock inspection 2016 - YOS Audit")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the title")  # every problem at once, each naming its field
    expect(summary).to_contain_text("First day of fieldwork must be a real date")
    no_sideways_scrolling(page)
    check_accessible(page)


def test_a_board_member_lands_on_the_latest_issued_report(live_server, page, sign_in, check_accessible):
    plan = PlanFactory()
    service = plan.inspection.service
    board = BoardFactory(service=service, name="Improvement board")
    issued = MeetingFactory(board=board, held_on=datetime.date(2026, 1, 10))
    draft = MeetingFactory(board=board, held_on=datetime.date(2026, 3, 10))
    BoardReport.objects.create(plan=plan, meeting=issued, html="<h2>Issued in January</h2>", pdf=b"%PDF-1.7")
    board_member = member(service, Role.BOARD_MEMBER, username="beatrice")
    sign_in(page, board_member.username, PASSWORD)

    page.get_by_role("link", name="Board report for Improvement board, 10 January 2026").click()
    expect(page.get_by_role("heading", name="Issued in January")).to_be_visible()
    check_accessible(page)
    page.goto(f"{live_server.url}/plans/{plan.pk}/meetings/{draft.pk}/report/")
    expect(page.get_by_text("has not been issued yet")).to_be_visible()
    expect(page.locator(".app-board-report")).to_have_count(0)
    check_accessible(page)


@pytest.mark.parametrize("width", [390, 640])  # a phone, and 1280 px at 200% zoom
def test_my_cases_keeps_the_state_in_view_on_a_narrow_screen(live_server, page, sign_in, check_accessible, width):
    service = ServiceFactory(name="Northshire Youth Justice Service")
    officer = member(service, Role.OFFICER, username="olivia")
    inspection = InspectionFactory(service=service, title="Mock inspection 2016 with a long title", status="scoring")
    AssessmentFactory(case=CaseFactory(inspection=inspection, reference="NS-0001"), assessor=officer)
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, officer.username, PASSWORD)

    expect(page.get_by_role("heading", level=1, name="My cases")).to_be_visible()
    no_sideways_scrolling(page)
    state = page.get_by_role("table", name="Cases assigned to you").get_by_role("cell", name="Not started")
    expect(state).to_be_in_viewport(ratio=1)
    check_accessible(page)
