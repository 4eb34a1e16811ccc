"""Work that used to be lost: dates wiped by saving an edit form unchanged, and answers lost to the idle
sign-out on the long scoring page. Axe-clean, the timeout warning included."""

import datetime

from playwright.sync_api import expect

from cases.models import Assessment
from improvement.models import Action, ImprovementPlan
from inspections.models import Inspection, Membership, Role
from tests.factories import (
    PASSWORD,
    ActionFactory,
    AssessmentFactory,
    CaseFactory,
    InspectionFactory,
    PlanFactory,
    PublishedInspectionFactory,
    ServiceFactory,
    member,
)


def test_saving_each_edit_form_unchanged_keeps_every_date(live_server, page, sign_in, check_accessible):
    service = ServiceFactory(name="Northshire Youth Justice Service")
    manager = member(service, Role.MANAGER, username="marcus")
    inspection = InspectionFactory(
        service=service,
        title="Mock inspection 2025",
        period_start=datetime.date(2024, 4, 1),
        period_end=datetime.date(2025, 3, 8),
        notified_on=datetime.date(2025, 4, 2),
        fieldwork_start=datetime.date(2025, 4, 14),
        fieldwork_end=datetime.date(2025, 4, 17),
    )
    plan = PlanFactory(
        inspection=PublishedInspectionFactory(service=service), reinspection_due=datetime.date(2026, 6, 8)
    )
    action = ActionFactory(theme__plan=plan, due_on=datetime.date(2026, 3, 31))
    sign_in(page, manager.username, PASSWORD)

    page.goto(f"{live_server.url}/inspections/{inspection.pk}/edit/")
    expect(page.get_by_role("group", name="End of the period inspected").get_by_label("Day")).to_have_value("8")
    check_accessible(page)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your changes are saved")).to_be_visible()
    saved = Inspection.objects.get(pk=inspection.pk)
    assert (saved.period_start, saved.period_end, saved.notified_on, saved.fieldwork_start, saved.fieldwork_end) == (
        datetime.date(2024, 4, 1),
        datetime.date(2025, 3, 8),
        datetime.date(2025, 4, 2),
        datetime.date(2025, 4, 14),
        datetime.date(2025, 4, 17),
    )

    page.goto(f"{live_server.url}/plans/{plan.pk}/edit/")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_text("The re-inspection date has been saved")).to_be_visible()
    assert ImprovementPlan.objects.get(pk=plan.pk).reinspection_due == datetime.date(2026, 6, 8)

    page.goto(f"{live_server.url}/actions/{action.pk}/edit/")
    check_accessible(page)
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("heading", level=1, name=action.title)).to_be_visible()
    assert Action.objects.get(pk=action.pk).due_on == datetime.date(2026, 3, 31)

    # The safeguarding roles (memberships) saved unchanged stay as they were.
    lead = member(service, Role.OFFICER, username="lena", first_name="Lena", last_name="Lead")
    Membership.objects.filter(user=lead).update(safeguarding_lead=True)
    Membership.objects.filter(user=manager).update(head_of_service=True)
    page.goto(f"{live_server.url}/service/safeguarding-roles/")
    check_accessible(page)
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_text("The safeguarding roles are saved.")).to_be_visible()
    roles = Membership.objects.filter(service=service, user__in=[lead, manager])
    assert sorted(roles.values_list("user__username", "safeguarding_lead", "head_of_service")) == [
        ("lena", True, False),
        ("marcus", False, True),
    ]


def scoring_page(live_server, page, sign_in):
    service = ServiceFactory(name="Northshire Youth Justice Service")
    officer = member(service, Role.OFFICER, username="olivia", first_name="Olivia", last_name="Okafor")
    inspection = InspectionFactory(service=service, title="Mock inspection 2016", status="scoring")
    assessment = AssessmentFactory(case=CaseFactory(inspection=inspection, reference="NS-0001"), assessor=officer)
    page.clock.install()  # the page's timers run on a clock the test moves; the server's 30 minutes are real
    sign_in(page, officer.username, PASSWORD)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/")
    return assessment


def test_the_timeout_warning_takes_focus_and_stay_signed_in_keeps_the_page(
    live_server, page, sign_in, check_accessible
):
    scoring_page(live_server, page, sign_in)
    note = page.get_by_label("Note on question 6 (saf-3)")
    note.fill("Typed, not saved yet")
    note.focus()

    page.clock.fast_forward("25:01")
    dialog = page.get_by_role("dialog", name="You are about to be signed out")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("saved as a draft first")
    expect(dialog.get_by_role("button", name="Stay signed in")).to_be_focused()
    check_accessible(page)

    dialog.get_by_role("button", name="Stay signed in").click()
    expect(dialog).to_be_hidden()
    expect(note).to_be_focused()  # back where the person was
    expect(note).to_have_value("Typed, not saved yet")  # the page was not reloaded

    page.clock.fast_forward("20:00")  # 45 minutes after the page opened, 20 after "stay signed in"
    expect(dialog).to_be_hidden()
    page.clock.fast_forward("05:01")
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")  # Escape also means stay signed in
    expect(dialog).to_be_hidden()


def test_answers_typed_before_the_idle_sign_out_are_kept_as_a_draft(live_server, page, sign_in, check_accessible):
    assessment = scoring_page(live_server, page, sign_in)
    page.locator("#q-roh-1-yes").check()
    page.locator("#q-saf-2-no").check()
    page.get_by_label("Note on question 5 (saf-2)").fill("Safety plan missing")

    page.clock.fast_forward("25:01")
    expect(page.get_by_role("dialog")).to_be_visible()
    page.clock.fast_forward("05:00")
    expect(page.get_by_role("heading", name="You were signed out")).to_be_visible()
    expect(page.get_by_text("Your answers for case NS-0001 were saved as a draft")).to_be_visible()
    check_accessible(page)
    assert Assessment.objects.get(pk=assessment.pk).status == "draft"

    page.get_by_role("link", name="Sign in again").click()
    page.get_by_label("Username").fill("olivia")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="Case NS-0001")).to_be_visible()
    expect(page.locator("#q-roh-1-yes")).to_be_checked()
    expect(page.get_by_label("Note on question 5 (saf-2)")).to_have_value("Safety plan missing")
