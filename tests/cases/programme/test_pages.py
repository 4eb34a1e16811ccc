"""The programme's pages as a manager, a board member and others see them: the calendar, the home
page's overdue audits, a new recurring audit, the buttons, the run charts and the plan's promised audits."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Case, ProgrammeAudit
from cases.programme import selectors, services
from cases.programme.periods import Period, month_of
from cases.services import inspection_publish
from improvement.reports import render_report_html
from improvement.selectors import board_report_data
from inspections.models import Area, InspectionStatus, Judgement, Role
from tests.factories import (
    ActionFactory,
    BoardFactory,
    FrameworkFactory,
    InspectionFactory,
    MeetingFactory,
    PlanFactory,
    ThemeFactory,
    member,
)
from tests.pages import unmarked

from .helpers import cohort, score, template_for

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 4, 10)


def at(day):
    return time_machine.travel(dt.datetime.combine(day, dt.time(12)), tick=False)


def publish(audit, by, on):
    inspection = audit.inspection
    inspection.status = InspectionStatus.MODERATION
    inspection.save()
    inspection_publish(inspection=inspection, by=by, published_on=on)


def month(year, number):
    return month_of(dt.date(year, number, 1))


@pytest.fixture
def programme(service, manager):
    """January done on time, February open and late, March not created (due), April open."""
    template = template_for(service, manager)
    january, _ = services.programme_audit_create(template=template, period=month(2026, 1), by=manager)
    publish(january, manager, dt.date(2026, 2, 10))
    services.programme_audit_create(template=template, period=month(2026, 2), by=manager)
    services.programme_audit_create(template=template, period=month(2026, 4), by=manager)
    return template


def test_the_calendar_says_what_is_due_open_late_and_done(client, programme, manager, service):
    rows = selectors.programme_calendar(service, dt.date(2026, 1, 1), dt.date(2026, 12, 31), TODAY)
    statuses = [(cell.period.label, cell.status) for cell in rows[0].cells]
    assert statuses[:6] == [
        ("January 2026", "done"),
        ("February 2026", "late"),
        ("March 2026", "due"),
        ("April 2026", "open"),
        ("May 2026", "upcoming"),
        ("June 2026", "upcoming"),
    ]
    assert rows[0].cells[0].on_time
    client.force_login(manager)
    with at(TODAY):
        page = client.get(reverse("cases:programme")).content.decode()
    assert "Audit programme 2026" in page and "Monthly case audits" in page
    assert "Late: 1" in page and "Done: 1" in page and "on time" in page


def test_overdue_audits_show_on_the_managers_home_page(client, programme, manager):
    client.force_login(manager)
    with at(TODAY):
        page = client.get(reverse("home")).content.decode()
    assert "Overdue audits" in page and "Monthly case audits: February 2026" in page
    assert "Monthly case audits: March 2026" not in page  # due, not yet late
    with at(dt.date(2026, 4, 15)):
        client.force_login(manager)  # a new session: the old one timed out
        page = client.get(reverse("home")).content.decode()
    assert "Monthly case audits: March 2026" in page and "not created" in page


def test_the_calendars_queries_do_not_grow_with_audits(client, service, manager):
    client.force_login(manager)

    def count():
        with at(TODAY), CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("cases:programme")).status_code == 200
        return len(captured)

    template = template_for(service, manager, name="First")
    services.programme_audit_create(template=template, period=month(2026, 1), by=manager)
    small = count()
    for n in range(3):
        more = template_for(service, manager, name=f"More {n}")
        for m in (1, 2, 3):
            audit, _ = services.programme_audit_create(template=more, period=month(2026, m), by=manager)
            cohort(audit, [None], [2])
    assert count() == small


def test_other_services_and_officers_cannot_see_the_programme(client, programme, officer, other_service):
    url = reverse("cases:programme_template", args=[programme.pk])
    client.force_login(officer)
    assert client.get(reverse("cases:programme")).status_code == 403
    assert client.get(url).status_code == 403
    client.force_login(member(other_service, Role.MANAGER))
    assert client.get(url).status_code == 404
    assert client.post(reverse("cases:programme_audit_create", args=[programme.pk])).status_code == 404


def test_a_manager_adds_a_themed_recurring_audit(client, service, manager):
    framework = FrameworkFactory()
    safeguarding = Area.objects.get(framework=framework, code="saf")
    client.force_login(manager)
    url = reverse("cases:programme_template_create")
    form = {
        "name": "Looked-after children",
        "framework": framework.pk,
        "areas": [safeguarding.pk],
        "question_codes": "roh-1",
        "rhythm": "quarterly",
        "starts_on": "1/4/2026",
        "days_to_complete": "21",
        "sample_rule": "share",
        "sample_number": "50",
        "looked_after_only": "on",
        "assessed_by": "manager",
    }
    refused = client.post(url, {**form, "question_codes": "zz-9", "starts_on": "31/2/2026"})
    assert refused.status_code == 200
    assert "The framework has no question zz-9" in refused.content.decode()
    assert "is not a date" in refused.content.decode()
    response = client.post(url, form)
    template = service.audit_templates.get()
    assert response.url == reverse("cases:programme_template", args=[template.pk])
    assert template.looked_after_only and template.rhythm == "quarterly"
    with at(dt.date(2026, 5, 2)):
        created = client.post(reverse("cases:programme_audit_create", args=[template.pk]))
        audit = ProgrammeAudit.objects.get(template=template)
        assert created.url == reverse("inspections:inspection_detail", args=[audit.inspection_id])
        assert audit.period_start == dt.date(2026, 4, 1) and audit.due_on == dt.date(2026, 7, 21)
        assert len(audit.question_ids) == 4  # safeguarding's three and roh-1
        client.post(reverse("cases:programme_audit_create", args=[template.pk]))
        assert ProgrammeAudit.objects.count() == 1
        page = client.get(reverse("cases:programme_template", args=[template.pk])).content.decode()
    assert "Open the audit of April to June 2026" in page


def test_the_sample_button_draws_and_assigns(client, service, manager):
    officers = [member(service, Role.OFFICER, username=f"peer{i}") for i in range(3)]
    template = template_for(service, manager)
    audit, _ = services.programme_audit_create(template=template, period=month(2026, 4), by=manager)
    client.force_login(manager)
    url = reverse("cases:programme_audit_sample", args=[audit.pk])
    response = client.post(url, follow=True)
    assert "The cohort is empty" in response.content.decode()
    cohort(audit, officers, [3, 3, 3])
    response = client.post(url, follow=True)
    assert "6 cases drawn and assigned" in response.content.decode()
    assert Case.objects.filter(inspection=audit.inspection, in_sample=True).count() == 6


def test_run_charts_drift_median_suppression_and_inspection_results(client, service, manager, board_member):
    officers = [member(service, Role.OFFICER, username=f"rc{i}") for i in range(2)]
    framework = FrameworkFactory()
    template = template_for(service, manager, framework=framework)
    for number, share in [(1, 0.34), (2, 0.34), (3, 0.67), (4, 0.67), (5, 1.0)]:
        audit, _ = services.programme_audit_create(template=template, period=month(2026, number), by=manager)
        cases = cohort(audit, officers, [3, 3])
        Case.objects.filter(pk__in=[c.pk for c in cases]).update(in_sample=True)
        score(audit.inspection, manager, share)
        audit.inspection.status = InspectionStatus.SCORING
        audit.inspection.save()
    small, _ = services.programme_audit_create(template=template, period=month(2026, 6), by=manager)
    cases = cohort(small, officers, [1, 2])
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(in_sample=True)
    score(small.inspection, manager, 1.0)
    small.inspection.status = InspectionStatus.SCORING
    small.inspection.save()
    mock = InspectionFactory(
        service=service,
        framework=framework,
        kind="yjb_mock",
        status="published",
        published_on=dt.date(2026, 7, 20),
        title="YJB mock inspection 2026",
    )
    Judgement.objects.create(
        inspection=mock, area=Area.objects.get(framework=framework, code="saf"), score=71, cases=20
    )

    series = {run.code: run for run in selectors.run_charts(template)}
    saf = series["saf"]
    assert [p.text for p in saf.points] == ["33%", "33%", "67%", "67%", "100%", "fewer than 5", "71%"]
    assert saf.median == 67 and saf.points[-1].reference
    client.force_login(board_member)
    page = client.get(reverse("cases:programme_run_charts", args=[template.pk]) + "?area=saf").content.decode()
    assert "<svg" in page and "Median of the audits" in page and "YJB mock inspection 2026" in unmarked(page)
    assert "fewer than 5" in page and "saf-1. Safeguarding: question 1?" in page
    assert client.get(reverse("cases:programme_run_charts", args=[template.pk]) + "?area=nope").status_code == 404


def test_the_plan_shows_the_audits_an_action_promised(client, service, manager, programme):
    plan = PlanFactory(inspection=InspectionFactory(service=service, status="published", kind="hmip_inspection"))
    theme = ThemeFactory(plan=plan)
    with at(TODAY):  # the board report reads the plan as it stood on the meeting day
        ActionFactory(
            theme=theme,
            plan=plan,
            owner=manager,
            title="Introduce monthly case audits",
            audit_template=programme,
            partner_name="",
            partner_agency="",
            partner_email="",
        )
    client.force_login(manager)
    with at(TODAY):
        page = client.get(reverse("improvement:plan_detail", args=[plan.pk])).content.decode()
    assert "Audits the plan promised" in page
    assert "1 of 2 audits due so far were finished on time; 1 late" in page
    assert "Monthly case audits: January 2026" in page

    meeting = MeetingFactory(board=BoardFactory(service=service), held_on=TODAY)
    with at(TODAY):
        report = render_report_html(board_report_data(plan, meeting))
    assert "Audits the plan promised" in report and "1 of 2 audits due so far were finished on time" in report


def test_a_period_must_be_the_templates(service, manager):
    template = template_for(service, manager, rhythm="quarterly")
    with pytest.raises(Exception, match="not a period"):
        services.programme_audit_create(
            template=template, period=Period(dt.date(2026, 2, 1), dt.date(2026, 2, 28)), by=manager
        )
