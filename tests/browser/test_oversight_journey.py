"""A manager moderates a disagreement and sees the area score change, finds the weakest question
and the cases behind it, compares with the inspection before, downloads the XLSX; an inspector
reads the benchmark. Axe-clean on every page."""

import io
import re
from datetime import date

from openpyxl import load_workbook
from playwright.sync_api import expect

from cases.services import inspection_publish
from inspections.models import Role
from tests.factories import (
    PASSWORD,
    AssessmentFactory,
    CaseFactory,
    InspectionFactory,
    ServiceFactory,
    make_answers,
    member,
)

FIRST = {"roh-1": "yes", "roh-2": "no", "roh-3": "yes", "saf-1": "yes", "saf-2": "yes", "saf-3": "yes"}
SECOND = {"roh-1": "yes", "roh-2": "yes", "roh-3": "yes", "saf-1": "yes", "saf-2": "yes", "saf-3": "yes"}
SECOND_DISAGREEING = {**SECOND, "saf-1": "no"}


def test_manager_moderates_and_reads_the_dashboards(live_server, page, sign_in, check_accessible):
    service = ServiceFactory(name="Northshire Youth Justice Service")
    other = ServiceFactory(name="Eastbridge Youth Offending Service")
    first = member(service, Role.OFFICER, username="fiona", first_name="Fiona", last_name="First")
    second = member(service, Role.OFFICER, username="sam", first_name="Sam", last_name="Second")
    manager = member(service, Role.MANAGER, username="marcus")
    inspector = member(service, Role.INSPECTOR, username="imran")
    inspector.memberships.create(service=other, role=Role.INSPECTOR)

    earlier = InspectionFactory(
        service=service, status="moderation", title="Inspection 2015", period_end=date(2014, 12, 31)
    )
    make_answers(
        AssessmentFactory(case=CaseFactory(inspection=earlier), assessor=first), {"roh-1": "no", "roh-2": "no"}
    )
    inspection_publish(inspection=earlier, by=inspector)
    mock = InspectionFactory(
        service=service,
        framework=earlier.framework,
        status="scoring",
        title="Mock 2016",
        follows=earlier,
        period_end=date(2015, 12, 31),
    )
    for number in range(6):
        case = CaseFactory(inspection=mock, reference=f"NS-{number:04d}", team="North team")
        make_answers(AssessmentFactory(case=case, assessor=first), FIRST, note="No plan on file")
        if number == 0:
            make_answers(AssessmentFactory(case=case, assessor=second, marking="second"), SECOND_DISAGREEING)
    eastbridge = InspectionFactory(service=other, framework=earlier.framework, status="moderation")
    make_answers(AssessmentFactory(case=CaseFactory(inspection=eastbridge), assessor=member(other)), SECOND)
    inspection_publish(inspection=eastbridge, by=inspector)

    sign_in(page, manager.username, PASSWORD)
    page.goto(f"{live_server.url}/inspections/{mock.pk}/dashboard/")
    area_row = page.locator("#area-scores").get_by_role("row", name="Risk of harm to others")
    expect(area_row).to_contain_text("67%")
    check_accessible(page)

    page.get_by_role("link", name="Moderation").first.click()
    expect(page.locator("#moderation-cases")).to_contain_text("NS-0000")
    check_accessible(page)
    page.get_by_role("link", name="NS-0000").click()
    expect(page.locator("#row-roh-2")).to_contain_text("Disagreement")
    expect(page.get_by_role("heading", name="Disagreements (2)")).to_be_visible()  # disagreements first
    expect(page.locator("#row-roh-1")).to_be_hidden()  # agreed answers folded away
    page.get_by_text("Agreed answers (4)").click()
    expect(page.locator("#row-roh-1")).to_be_visible()
    check_accessible(page)
    # Every problem at once, each naming the question by its number and text.
    page.get_by_role("button", name="Complete moderation").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(summary.get_by_role("link")).to_have_text(
        [
            "Choose the moderated answer to question 2 (roh-2), \u201cRisk of harm to others: question 2?\u201d"
            " and say why",
            "Choose the moderated answer to question 4 (saf-1), \u201cSafeguarding: question 1?\u201d and say why",
        ]
    )
    check_accessible(page)
    page.locator("#q-roh-2-yes").check()
    page.locator("#q-saf-1-yes").check()
    page.get_by_label("Why, for question 4 (saf-1)").fill("The referral was made on the day")
    page.get_by_role("button", name="Complete moderation").click()
    expect(summary.get_by_role("link")).to_have_text(
        ["Say why you chose this answer to question 2 (roh-2), \u201cRisk of harm to others: question 2?\u201d"]
    )
    summary.get_by_role("link").click()
    expect(page.get_by_label("Why, for question 2 (roh-2)")).to_be_focused()  # the link goes to the reason box
    expect(page.get_by_label("Why, for question 4 (saf-1)")).to_have_value("The referral was made on the day")
    check_accessible(page)
    page.get_by_label("Why, for question 2 (roh-2)").fill("The risk plan is on file, dated in time")
    page.get_by_role("button", name="Complete moderation").click()
    expect(page.get_by_text("Case NS-0000 is moderated")).to_be_visible()

    page.get_by_role("link", name="Dashboard").first.click()
    # 6 cases x 3 roh questions: 13 yes of 18 once moderated = 72%.
    expect(area_row).to_contain_text("72%")
    weakest = page.locator("#weakest").get_by_role("row").nth(1)
    expect(weakest).to_contain_text("roh-2")
    weakest.get_by_role("link").click()
    expect(page.locator("#drill-down")).to_contain_text("NS-0001")
    expect(page.locator("#drill-down")).not_to_contain_text("NS-0000")
    expect(page.locator("#drill-down")).to_contain_text("North team")
    check_accessible(page)

    page.get_by_role("navigation", name="Oversight of this inspection").get_by_role("link", name="Over time").click()
    expect(page.locator("#trend")).to_contain_text("Inspection 2015")
    expect(page.locator("#trend")).to_contain_text("Mock 2016")
    check_accessible(page)

    page.goto(f"{live_server.url}/inspections/{mock.pk}/dashboard/")
    with page.expect_download() as download:
        page.get_by_role("link", name="XLSX of every summary").click()
    assert download.value.suggested_filename == "mock-2016-summary.xlsx"
    # The workbook reads as the page does: headings in words, scores as numbers.
    areas = list(load_workbook(io.BytesIO(download.value.path().read_bytes()))["Areas"].iter_rows(values_only=True))
    assert areas[0][:4] == ("Area", "Score (%)", "Band", "Cases")
    assert areas[1][:2] == ("Risk of harm to others", 72)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, inspector.username, PASSWORD)
    page.goto(f"{live_server.url}/benchmark/")
    expect(page.locator("#benchmark-services")).to_contain_text("Eastbridge")
    expect(page.locator("#benchmark-summary")).to_contain_text("100%")
    check_accessible(page)
