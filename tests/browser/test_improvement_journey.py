"""A plan's journey in a real browser: a manager writes it (theme, action covering the recommendation),
adds an update with evidence and submits; the lead inspector approves; a board member reads the
board report and the PDF link answers. axe-clean on every page visited."""

import datetime

import pytest
from playwright.sync_api import expect

from improvement.models import ImprovementPlan, PlanStatus
from inspections.models import Role
from tests.factories import (
    PASSWORD,
    AssessmentFactory,
    BoardFactory,
    CaseFactory,
    InspectionFactory,
    MeetingFactory,
    MembershipFactory,
    PublishedInspectionFactory,
    RecommendationFactory,
    ServiceFactory,
    UserFactory,
    make_answers,
)


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"


def person(service, role, username, first, last):
    user = UserFactory(username=username, first_name=first, last_name=last)
    MembershipFactory(user=user, service=service, role=role)
    return user


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to YOS Audit")).to_be_visible()


def test_write_approve_and_read_a_plan(live_server, page, sign_in, check_accessible, tmp_path):
    service = ServiceFactory(name="Northshire Youth Justice Service")
    manager = person(service, Role.MANAGER, "manager", "Marcus", "Hale")
    lead = person(service, Role.INSPECTOR, "inspector", "Imran", "Shah")
    person(service, Role.BOARD_MEMBER, "board", "Beatrice", "Lund")
    inspection = PublishedInspectionFactory(
        service=service, title="HMIP inspection 2025", published_on=datetime.date(2025, 6, 8), lead_inspector=lead
    )
    RecommendationFactory(inspection=inspection, text="Strengthen management oversight of risk assessments")
    meeting = MeetingFactory(
        board=BoardFactory(service=service, name="Improvement board"), held_on=datetime.date.today()
    )
    # A monthly audit still being scored: 5 cases so far, 4 of them answer roh-1 Yes.
    audit = InspectionFactory(
        service=service, framework=inspection.framework, status="scoring", title="Monthly audit", kind="internal_audit"
    )
    for number, value in enumerate(["yes", "yes", "no", "yes", "yes"]):
        make_answers(AssessmentFactory(case=CaseFactory(inspection=audit, reference=f"MA-{number}")), {"roh-1": value})
    evidence = tmp_path / "audit-results.pdf"
    evidence.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

    def visit_check(heading):
        expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
        check_accessible(page)

    # The manager starts the plan, adds a theme and an action answering the recommendation.
    sign_in(page, manager.username, PASSWORD)
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Improvement plans").click()
    visit_check("Improvement plans")
    page.get_by_role("link", name="Start the improvement plan for HMIP inspection 2025").click()
    visit_check("Start the improvement plan")
    page.get_by_role("button", name="Start the plan").click()
    visit_check("Improvement plan: HMIP inspection 2025")
    expect(page.get_by_text("No action yet", exact=True)).to_be_visible()

    page.get_by_role("link", name="Add a theme").click()
    visit_check("Add a theme")
    page.get_by_label("Title").fill("Quality")
    page.get_by_role("button", name="Add the theme").click()

    page.get_by_role("link", name="Add an action", exact=True).click()
    visit_check("Add an action")
    page.get_by_role("button", name="Add the action").click()  # empty: the errors are accessible too
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check_accessible(page)
    page.get_by_label("Quality").check()
    page.get_by_label("Title").fill("Managers countersign every risk assessment")
    page.get_by_label("Strengthen management oversight of risk assessments").check()
    page.get_by_label("roh-1: Risk of harm to others: question 1?").check()
    page.get_by_label("Owner in the service").select_option(label="Marcus Hale")
    page.locator("#id_due_on_0").fill("30")
    page.locator("#id_due_on_1").fill("6")
    page.locator("#id_due_on_2").fill(str(datetime.date.today().year + 1))
    page.get_by_label("In progress").check()
    page.get_by_label("Green: on track").check()
    page.get_by_role("button", name="Add the action").click()
    visit_check("Improvement plan: HMIP inspection 2025")
    expect(page.get_by_text("No action yet", exact=True)).to_have_count(0)

    # A progress update with evidence, shown on the action's timeline.
    page.get_by_role("link", name="Managers countersign every risk assessment").first.click()
    visit_check("Managers countersign every risk assessment")
    page.get_by_role("link", name="Add a progress update").click()
    visit_check("Add a progress update")
    page.get_by_label("Amber: at risk").check()
    page.get_by_label("What has happened").fill("Countersignature added; a backlog remains.")
    page.get_by_label("Evidence (optional)").set_input_files(str(evidence))
    page.get_by_role("button", name="Add the update").click()
    visit_check("Managers countersign every risk assessment")
    expect(page.get_by_text("Countersignature added; a backlog remains.")).to_be_visible()
    expect(page.get_by_role("link", name="audit-results.pdf")).to_be_visible()

    page.get_by_role("link", name="Back to the plan").click()
    page.get_by_role("link", name="Submit the plan for approval").click()
    visit_check("Submit the plan for approval")
    page.get_by_role("button", name="Submit the plan").click()
    visit_check("Improvement plan: HMIP inspection 2025")
    expect(page.get_by_text("Submitted for approval")).to_be_visible()
    plan = ImprovementPlan.objects.get(inspection=inspection)
    sign_out(page)

    # The lead inspector approves.
    sign_in(page, lead.username, PASSWORD)
    page.goto(f"{live_server.url}/plans/{plan.pk}/")
    visit_check("Improvement plan: HMIP inspection 2025")
    page.get_by_role("link", name="Approve or send back").click()
    visit_check("Approve the improvement plan")
    page.get_by_label("Approve the plan").check()
    page.get_by_role("button", name="Save your decision").click()
    visit_check("Improvement plan: HMIP inspection 2025")
    expect(page.get_by_text("Approved by Imran Shah")).to_be_visible()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    sign_out(page)

    # The manager issues the report (board members read issued reports only) ...
    from improvement import services

    services.board_report_issue(plan=ImprovementPlan.objects.get(), meeting=meeting, by=manager)
    # ... and a board member lands on it from their home page, then reads it and its PDF.
    sign_in(page, "board", PASSWORD)
    expect(page.get_by_role("link", name=f"Board report for {meeting}")).to_be_visible()
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Improvement plans").click()
    visit_check("Improvement plans")
    page.get_by_role("link", name="Improvement plan: HMIP inspection 2025").click()
    visit_check("Improvement plan: HMIP inspection 2025")
    expect(page.get_by_role("link", name="Add an action")).to_have_count(0)
    page.get_by_role("link", name=f"Report for {meeting}").click()
    visit_check(f"Board report for {meeting.held_on:%-d %B %Y}")
    expect(page.get_by_role("heading", name="Glossary")).to_be_visible()
    # "Did it work?": no later published inspection yet, so the audit in progress, marked provisional.
    did_it_work = page.get_by_role("table", name="Question scores before and after")
    expect(did_it_work).to_contain_text("Monthly audit (in progress): 80% of 5 cases so far Provisional")
    expect(did_it_work).not_to_contain_text("No later inspection or audit yet")
    pdf_link = page.get_by_role("link", name="Download version 1 of the report as a PDF")
    response = page.request.get(live_server.url + pdf_link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
