"""Phones (390 px) and desktops at 200% zoom (1280 px shown as 640): the dashboard's filter hides
behind "Show filter" and, shown, sits in the page rather than over it; without JavaScript it is an
ordinary form; wide tables scroll inside their own box with its scrollbar in view; "My cases" keeps
its State column on screen. Axe-clean at each width."""

import pytest
from playwright.sync_api import expect

from inspections.models import Role
from tests.browser.conftest import page_overflow
from tests.factories import (
    PASSWORD,
    AssessmentFactory,
    CaseFactory,
    InspectionFactory,
    ServiceFactory,
    make_answers,
    member,
)

PHONE = {"width": 390, "height": 844}
ZOOMED = {"width": 640, "height": 400}  # 1280 x 800 at 200% zoom
ANSWERS = {"roh-1": "yes", "roh-2": "no", "roh-3": "yes", "saf-1": "yes", "saf-2": "yes", "saf-3": "na"}


@pytest.fixture
def world(transactional_db):
    service = ServiceFactory(name="Northshire Youth Justice Service")
    officer = member(service, Role.OFFICER, username="olivia", first_name="Olivia", last_name="Officer")
    manager = member(service, Role.MANAGER, username="marcus")
    inspection = InspectionFactory(service=service, status="scoring", title="Mock inspection 2016")
    for number in range(6):
        case = CaseFactory(
            inspection=inspection, reference=f"NS-{number:04d}", team=["North team", "South team"][number % 2]
        )
        make_answers(AssessmentFactory(case=case, assessor=officer), ANSWERS, note="No plan on file")
    for number in range(6, 9):
        AssessmentFactory(case=CaseFactory(inspection=inspection, reference=f"NS-{number:04d}"), assessor=officer)
    return {"inspection": inspection, "officer": officer, "manager": manager}


def covered(page, locator):
    """Whether something else is drawn over the middle of `locator` (an overlay covering the page)."""
    return locator.evaluate(
        """element => {
            element.scrollIntoView({block: "center"});
            const box = element.getBoundingClientRect();
            const top = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
            return !(top === element || element.contains(top));
        }"""
    )


@pytest.mark.parametrize("viewport", [PHONE, ZOOMED], ids=["390px", "1280px-at-200pc"])
def test_the_dashboard_filter_does_not_cover_the_page(live_server, page, sign_in, check_accessible, world, viewport):
    page.set_viewport_size(viewport)
    sign_in(page, world["manager"].username, PASSWORD)
    page.goto(f"{live_server.url}/inspections/{world['inspection'].pk}/dashboard/")
    filter_button = page.get_by_role("button", name="Show filter")
    expect(filter_button).to_be_visible()
    expect(page.get_by_role("button", name="Apply filters")).to_be_hidden()
    assert not covered(page, page.get_by_role("heading", name="Progress", exact=True))
    assert not page_overflow(page), page_overflow(page)
    check_accessible(page)

    filter_button.click()
    apply = page.get_by_role("button", name="Apply filters")
    expect(apply).to_be_visible()
    # Shown, the filter is part of the page: the results follow it, nothing lies over them.
    assert not covered(page, apply)
    assert not covered(page, page.get_by_role("heading", name="Progress", exact=True))
    check_accessible(page)
    page.get_by_label("Team", exact=True).select_option("North team")
    apply.click()
    expect(page.get_by_text("Team: North team")).to_be_attached()
    assert not page_overflow(page), page_overflow(page)

    # The drill-down's wide table scrolls sideways inside its own box, whose scrollbar is in view.
    page.goto(f"{live_server.url}/inspections/{world['inspection'].pk}/dashboard/cases/")
    box = page.get_by_role("region", name="The cases behind the figure (scrolls sideways on a narrow screen)")
    box.scroll_into_view_if_needed()
    sizes = box.evaluate(
        "b => ({scroll: b.scrollWidth, client: b.clientWidth, height: b.getBoundingClientRect().height})"
    )
    assert sizes["scroll"] > sizes["client"], "the table fits: nothing to check"
    assert sizes["height"] <= viewport["height"], "the box is taller than the window: its scrollbar is out of view"
    assert not page_overflow(page), page_overflow(page)
    check_accessible(page)


def test_without_javascript_the_filter_is_an_ordinary_form(live_server, browser, world):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/account/sign-in/")
    page.get_by_label("Username").fill(world["manager"].username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/inspections/{world['inspection'].pk}/dashboard/")
    expect(page.get_by_role("button", name="Show filter")).to_have_count(0)
    apply = page.get_by_role("button", name="Apply filters")
    expect(apply).to_be_visible()
    assert not covered(page, page.get_by_role("heading", name="Progress", exact=True))
    page.get_by_label("Team", exact=True).select_option("South team")
    apply.click()
    expect(page.get_by_text("Team: South team")).to_be_visible()
    context.close()


def test_my_cases_keeps_the_state_column_in_view_on_a_phone(live_server, page, sign_in, check_accessible, world):
    page.set_viewport_size(PHONE)
    sign_in(page, world["officer"].username, PASSWORD)
    table = page.get_by_role("table", name="Cases assigned to you")
    expect(table).to_be_visible()
    state = table.get_by_role("columnheader", name="State")
    box = state.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    for cell in table.locator("tbody tr td:nth-child(2)").all():
        cell_box = cell.bounding_box()
        assert cell_box["x"] + cell_box["width"] <= PHONE["width"], cell_box
    assert not page_overflow(page), page_overflow(page)
    check_accessible(page)


@pytest.mark.parametrize("viewport", [PHONE, ZOOMED], ids=["390px", "1280px-at-200pc"])
def test_the_drill_down_pages_by_the_gov_uk_pagination(live_server, page, sign_in, check_accessible, world, viewport):
    """30 cases behind a figure: 25 to a page, the next ones behind "Next page", the filter kept."""
    for number in range(9, 37):  # North 3 + 24, South 3 + 4: both teams shown on the dashboard
        team = "North team" if number < 33 else "South team"
        case = CaseFactory(inspection=world["inspection"], reference=f"NS-{number:04d}", team=team)
        make_answers(AssessmentFactory(case=case, assessor=world["officer"]), ANSWERS)
    page.set_viewport_size(viewport)
    sign_in(page, world["manager"].username, PASSWORD)
    page.goto(f"{live_server.url}/inspections/{world['inspection'].pk}/dashboard/cases/?team=North+team")
    expect(page.get_by_text("Showing 1 to 25 of 27 cases")).to_be_visible()
    pages = page.get_by_role("navigation", name="Pages of cases")
    expect(pages.get_by_role("link", name="Page 1")).to_have_attribute("aria-current", "page")
    assert not page_overflow(page), page_overflow(page)
    check_accessible(page)
    pages.get_by_role("link", name="Next page").click()
    expect(page.get_by_text("Showing 26 to 27 of 27 cases")).to_be_visible()
    assert "team=North+team" in page.url and "page=2" in page.url
    expect(
        page.get_by_role("navigation", name="Pages of cases").get_by_role("link", name="Previous page")
    ).to_be_visible()
    check_accessible(page)
