"""A manager imports the cohort (fixing a reported mistake), draws and assigns; the officer sees the case."""

import datetime as dt
from pathlib import Path

from playwright.sync_api import expect

from cases.models import Assessment, Case, SampleDraw
from inspections.models import Role
from tests.factories import PASSWORD, InspectionFactory, ServiceFactory, member

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_upload_fix_import_draw_assign_and_the_officer_sees_the_case(live_server, page, sign_in, check_accessible):
    service = ServiceFactory(name="Northshire Youth Justice Service")
    member(service, Role.MANAGER, username="marcus", first_name="Marcus", last_name="Hale")
    member(service, Role.OFFICER, username="olivia", first_name="Olivia", last_name="Okafor")
    member(service, Role.OFFICER, username="aisha", first_name="Aisha", last_name="Begum")
    inspection = InspectionFactory(
        service=service,
        title="HMIP inspection 2015",
        status="sampling",
        period_start=dt.date(2014, 1, 1),
        period_end=dt.date(2014, 12, 31),
    )

    sign_in(page, "marcus", PASSWORD)
    page.goto(f"{live_server.url}/inspections/{inspection.pk}/cohort/")
    expect(page.get_by_role("heading", level=1, name="Cohort")).to_be_visible()
    check_accessible(page)

    # A file with mistakes: every one is listed, and nothing is imported.
    page.get_by_role("link", name="Upload the cohort").click()
    expect(page.get_by_role("heading", level=1, name="Upload the cohort")).to_be_visible()
    check_accessible(page)
    page.get_by_label("Cohort file").set_input_files(EXAMPLES / "cohort-with-mistakes.csv")
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.locator(".govuk-error-summary")).to_contain_text("'Jordan Smith' looks like a person's name")
    expect(page.locator("#cohort-problems")).to_contain_text("Comunity")
    check_accessible(page)
    assert not Case.objects.exists()

    # The corrected file: a preview, then the import.
    page.get_by_label("Cohort file").set_input_files(EXAMPLES / "cohort-clean.csv")
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("heading", level=1, name="Check the cohort before importing")).to_be_visible()
    check_accessible(page)
    page.get_by_role("button", name="Import 60 cases").click()
    expect(page.get_by_text("60 cases imported into the cohort.")).to_be_visible()
    expect(page.locator("#cohort-count")).to_have_text("60")
    check_accessible(page)

    # Draw 34 cases with a chosen seed, seeing the size first.
    page.get_by_role("link", name="Draw the sample").click()
    check_accessible(page)
    page.get_by_label("A number of cases").check()
    page.get_by_label("Number of cases", exact=True).fill("34")
    page.get_by_label("Seed", exact=True).fill("2015")
    page.get_by_role("button", name="Work out the size").click()
    expect(page.locator("#worked-out")).to_contain_text("34 cases")
    check_accessible(page)
    page.get_by_role("button", name="Draw the sample").click()
    expect(page.get_by_role("heading", level=1, name="Sample")).to_be_visible()
    expect(page.locator("#sample-seed")).to_have_text("2015")
    expect(page.get_by_role("table", name="Cohort and sample by stratum")).to_contain_text("Girls")
    check_accessible(page)
    assert SampleDraw.objects.get().result["references"] == sorted(
        Case.objects.filter(in_sample=True).values_list("reference", flat=True)
    )

    # Assign to two officers, with 20% second marking.
    page.get_by_role("link", name="Assign the sample").click()
    check_accessible(page)
    page.get_by_label("Olivia Okafor").check()
    page.get_by_label("Aisha Begum").check()
    page.get_by_label("Share of cases for blind second marking (per cent)").fill("20")
    page.get_by_role("button", name="Assign automatically").click()
    expect(page.get_by_text("34 cases assigned for first marking and 7 for second marking")).to_be_visible()
    check_accessible(page)
    # Olivia manages some of the cases: none of those is hers to score.
    assert not Assessment.objects.filter(assessor__username="olivia", case__case_manager__username="olivia").exists()

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "aisha", PASSWORD)
    expect(page.get_by_role("heading", level=1, name="My cases")).to_be_visible()
    first = Assessment.objects.filter(assessor__username="aisha").select_related("case").first()
    expect(page.get_by_role("link", name=first.case.reference, exact=True).first).to_be_visible()
    check_accessible(page)
