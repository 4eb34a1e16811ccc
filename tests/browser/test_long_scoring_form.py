"""The 45-question scoring form at 1280 px and at 390 px: progress and Save draft stay in reach, the areas
can be jumped to, Save draft comes back to the question in view, nothing spills sideways. Axe-clean."""

from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from inspections.models import Framework, Role
from tests.factories import PASSWORD, AssessmentFactory, CaseFactory, InspectionFactory, ServiceFactory, member

FRAMEWORKS = Path(__file__).resolve().parents[2] / "frameworks"


@pytest.mark.parametrize("width", [1280, 390])
def test_the_long_scoring_form_keeps_progress_and_save_draft_in_reach(
    live_server, page, sign_in, check_accessible, width
):
    call_command("load_framework", str(FRAMEWORKS / "cci-2009.yaml"))
    service = ServiceFactory(name="Northshire Youth Justice Service")
    officer = member(service, Role.OFFICER, username="olivia")
    inspection = InspectionFactory(service=service, framework=Framework.objects.get(code="cci"), status="scoring")
    assessment = AssessmentFactory(case=CaseFactory(inspection=inspection, reference="NS-0001"), assessor=officer)
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, officer.username, PASSWORD)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/")

    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
    bar = page.locator("#progress-bar")
    expect(bar).to_contain_text("Answered 0 of 45 questions")
    page.get_by_role("navigation", name="Areas").get_by_role("link", name="Safeguarding").click()
    expect(page.locator("#area-saf")).to_be_in_viewport()
    expect(bar.get_by_role("button", name="Save draft")).to_be_in_viewport()  # in reach halfway down

    question = page.locator("#question-saf-a2")
    question.scroll_into_view_if_needed()
    question.get_by_label("Yes").check()
    expect(bar).to_contain_text("Answered 1 of 45 questions")
    check_accessible(page)
    page.evaluate("document.getElementById('question-saf-a2').scrollIntoView({block: 'start'})")
    box = bar.get_by_role("button", name="Save draft").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # a real click: no scrolling first
    expect(page.get_by_text("Your draft is saved")).to_be_attached()
    assert page.url.endswith("#question-saf-a2")
    expect(page.locator("#question-saf-a2")).to_be_in_viewport()
    expect(page.locator("#question-saf-a2").get_by_label("Yes")).to_be_checked()
    expect(bar).to_contain_text("Draft saved")
