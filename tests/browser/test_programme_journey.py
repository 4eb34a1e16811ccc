"""A manager adds a recurring audit to the programme, creates this month's audit with the button and
opens it; the calendar, the recurring audit's page and its run charts are axe-clean."""

from django.utils import timezone
from playwright.sync_api import expect

from cases.models import ProgrammeAudit
from cases.programme.periods import month_of
from inspections.models import Role
from tests.factories import PASSWORD, FrameworkFactory, ServiceFactory, member


def test_a_manager_adds_a_recurring_audit_and_opens_this_months_audit(live_server, page, sign_in, check_accessible):
    service = ServiceFactory(name="Northshire Youth Justice Service")
    member(service, Role.MANAGER, username="marcus", first_name="Marcus", last_name="Hale")
    member(service, Role.OFFICER, username="olivia", first_name="Olivia", last_name="Okafor")
    FrameworkFactory(name="Core case inspection", version="2009")
    this_month = month_of(timezone.localdate())

    sign_in(page, "marcus", PASSWORD)
    page.get_by_role("link", name="Audit programme: the recurring audits between inspections").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Audit programme {this_month.start.year}")
    expect(page.get_by_text("The service has no recurring audits yet.")).to_be_visible()
    check_accessible(page)

    page.get_by_role("link", name="Add a recurring audit").click()
    check_accessible(page)
    page.get_by_role("button", name="Add the audit").click()  # nothing entered: refused, with the reason
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the name of the audit")
    check_accessible(page)
    page.get_by_label("Name of the audit").fill("Monthly case audits")
    page.get_by_label("Every month").check()
    page.get_by_label("A number of cases per case manager").check()
    page.get_by_label("Number of cases (or per cent for a share)").fill("2")
    page.get_by_label("A peer: another officer of the service").check()
    page.get_by_role("button", name="Add the audit").click()

    expect(page.get_by_role("heading", level=1, name="Monthly case audits")).to_be_visible()
    expect(page.get_by_text("Monthly case audits is in the programme.")).to_be_visible()
    check_accessible(page)
    page.get_by_role("button", name=f"Create the audit of {this_month.label}").click()
    expect(page.get_by_text(f"The audit of {this_month.label} is created")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Monthly case audits: {this_month.label}")
    check_accessible(page)
    audit = ProgrammeAudit.objects.get()
    assert audit.period_start == this_month.start and audit.inspection.kind == "internal_audit"

    page.goto(f"{live_server.url}/programme/audits/{audit.template_id}/")
    page.get_by_role("link", name=f"Open the audit of {this_month.label}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Monthly case audits: {this_month.label}")
    page.goto(f"{live_server.url}/programme/")
    expect(page.locator(f"#periods-{audit.template_id}")).to_contain_text("Open")
    check_accessible(page)
    page.goto(f"{live_server.url}/programme/audits/{audit.template_id}/run-charts/")
    expect(page.get_by_text("No audit of this programme has been drawn yet.")).to_be_visible()
    check_accessible(page)
