"""Case holders, feedback, case actions and reminders (issue 14)."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cases.feedback import services
from cases.models import Assessment, CaseAction, CaseActionReminder, Feedback
from inspections.models import Role
from tests.factories import AssessmentFactory, CaseFactory, InspectionFactory, member
from tests.pages import unmarked

from .helpers import final_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessor(service):
    return member(service, Role.OFFICER, username="ada")


@pytest.fixture
def case(service, officer, assessor):
    return final_case(service, case_holder=officer, assessor=assessor)


def give(case, by, **overrides):
    fields = {"done_well": "Clear plan", "to_improve": "", "areas": {}}
    fields.update(overrides)
    return services.feedback_give(case=case, by=by, **fields)


# Case holders ---------------------------------------------------------------------------------


def test_a_manager_links_the_case_to_its_holder_on_the_case_page_and_it_is_on_record(client, service, manager):
    holder = member(service, Role.OFFICER, username="harriet")
    case = CaseFactory(inspection=InspectionFactory(service=service), case_manager_name="H. Jones")
    client.force_login(manager)
    page = client.get(reverse("cases:case_holder_link", args=[case.pk]))
    assert "H. Jones" in page.content.decode()
    response = client.post(reverse("cases:case_holder_link", args=[case.pk]), {"case_holder": holder.pk})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.case_manager == holder
    latest = case.history.first()
    assert latest.history_user == manager and latest.history_change_reason == "Case holder linked"


def test_the_case_holder_must_be_in_the_service_and_not_mark_the_case(service, other_officer, manager, assessor):
    case = CaseFactory(inspection=InspectionFactory(service=service))
    AssessmentFactory(case=case, assessor=assessor)
    with pytest.raises(ValidationError):
        services.case_holder_link(case=case, case_holder=other_officer, by=manager)
    with pytest.raises(ValidationError):
        services.case_holder_link(case=case, case_holder=assessor, by=manager)
    case.refresh_from_db()
    assert case.case_manager is None


# Feedback -------------------------------------------------------------------------------------


def test_feedback_waits_until_the_counting_assessment_is_final(service, officer, assessor, manager):
    second = member(service, Role.OFFICER, username="second")
    case = final_case(service, case_holder=officer, assessor=assessor, second=second)
    with pytest.raises(ValidationError, match="final"):
        give(case, manager)
    Assessment.objects.filter(case=case, marking="second").update(status="submitted")
    with pytest.raises(ValidationError, match="final"):  # both submitted, not yet moderated
        give(case, manager)
    AssessmentFactory(case=case, assessor=manager, marking="final", status="submitted")
    assert give(case, manager).case_holder == officer


def test_the_write_page_is_prefilled_with_the_no_answers_and_their_notes(client, case, assessor):
    client.force_login(assessor)  # the assessor of the counting assessment may write it too
    page = client.get(reverse("cases:feedback_write", args=[case.pk])).content.decode()
    assert "roh-1 Risk of harm to others: question 1? (note: Not evident for roh-1)" in page
    assert "saf-2" in page and "roh-2" not in page


def test_a_manager_writes_feedback_per_area_and_the_case_holder_gets_it(client, case, manager, officer):
    area = case.inspection.framework.areas.get(code="roh")
    client.force_login(manager)
    response = client.post(
        reverse("cases:feedback_write", args=[case.pk]),
        {
            "done_well": "Timely contact",
            "to_improve": "",
            f"area_{area.pk}_done_well": "",
            f"area_{area.pk}_to_improve": "Review the RoSH assessment",
        },
    )
    assert response.status_code == 302
    feedback = Feedback.objects.get(case=case)
    assert feedback.case_holder == officer and feedback.written_by == manager
    assert feedback.areas.get(area=area).to_improve == "Review the RoSH assessment"
    client.force_login(officer)
    page = client.get(reverse("cases:feedback_detail", args=[feedback.pk])).content.decode()
    assert "Timely contact" in page and "Review the RoSH assessment" in unmarked(page)


def test_empty_feedback_is_refused_and_nothing_is_saved(client, case, manager):
    client.force_login(manager)
    areas = case.inspection.framework.areas.all()
    data = {"done_well": "", "to_improve": ""}
    data.update({f"area_{a.pk}_{part}": "" for a in areas for part in ("done_well", "to_improve")})
    response = client.post(reverse("cases:feedback_write", args=[case.pk]), data)
    assert response.status_code == 400
    assert "at least one place" in response.content.decode()
    assert not Feedback.objects.exists()


def test_another_officer_may_not_write_feedback_and_the_case_holder_never_sees_the_marking(client, case, officer):
    client.force_login(officer)
    assert client.get(reverse("cases:feedback_write", args=[case.pk])).status_code == 403
    assert client.get(reverse("cases:case_feedback", args=[case.pk])).status_code == 403
    first = case.assessments.get()
    assert client.get(reverse("cases:assessment", args=[first.pk])).status_code == 403


def test_a_case_holder_never_sees_a_colleagues_feedback(client, service, case, officer, manager, assessor):
    colleague = member(service, Role.OFFICER, username="colleague")
    theirs = give(final_case(service, case_holder=colleague, assessor=assessor, reference="THEIRS1"), manager)
    mine = give(case, manager)
    client.force_login(officer)
    page = client.get(reverse("cases:my_feedback")).content.decode()
    assert case.reference in page and "THEIRS1" not in page
    assert client.get(reverse("cases:feedback_detail", args=[theirs.pk])).status_code == 403
    assert client.get(reverse("cases:feedback_detail", args=[mine.pk])).status_code == 200


def test_feedback_in_another_service_answers_404(client, case, manager, other_officer):
    feedback = give(case, manager)
    client.force_login(other_officer)
    assert client.get(reverse("cases:feedback_detail", args=[feedback.pk])).status_code == 404
    assert client.get(reverse("cases:case_feedback", args=[case.pk])).status_code == 404


def test_the_case_holder_acknowledges_with_a_reply_once_and_it_is_on_record(client, case, manager, officer):
    feedback = give(case, manager)
    client.force_login(officer)
    url = reverse("cases:feedback_detail", args=[feedback.pk])
    assert client.post(url, {"reply": "Thank you, I will review it"}).status_code == 302
    feedback.refresh_from_db()
    assert feedback.acknowledged_at is not None and feedback.reply == "Thank you, I will review it"
    assert feedback.history.first().history_change_reason == "Acknowledged"
    assert feedback.history.first().history_user == officer
    assert client.post(url, {"reply": "again"}).status_code == 400
    with pytest.raises(ValidationError, match="acknowledged"):
        give(case, manager, done_well="Changed after")


# Case actions ---------------------------------------------------------------------------------


def test_a_case_action_belongs_to_the_case_holder_by_default_and_is_marked_done_with_a_note(
    client, case, manager, officer
):
    feedback = give(case, manager)
    client.force_login(manager)
    response = client.post(
        reverse("cases:case_action_create", args=[case.pk]),
        {
            "text": "Review the RoSH assessment after the new offence",
            "due_on_0": "15",
            "due_on_1": "12",
            "due_on_2": "2026",
            "owner": officer.pk,
        },
    )
    assert response.status_code == 302
    action = CaseAction.objects.get(feedback=feedback)
    assert action.owner == officer and action.due_on == dt.date(2026, 12, 15)

    client.force_login(officer)
    url = reverse("cases:case_action_done", args=[action.pk])
    assert client.post(url, {"note": ""}).status_code == 400
    assert client.post(url, {"note": "Reviewed on 10 December"}).status_code == 302
    action.refresh_from_db()
    assert action.status == "done" and action.done_note == "Reviewed on 10 December"
    assert action.history.first().history_user == officer


def test_a_case_action_without_a_due_date_is_refused_saying_where(client, case, manager, officer):
    give(case, manager)
    client.force_login(manager)
    response = client.post(reverse("cases:case_action_create", args=[case.pk]), {"text": "Do it", "owner": officer.pk})
    assert response.status_code == 400
    assert 'href="#id_due_on' in response.content.decode()
    assert not CaseAction.objects.exists()


def test_overdue_case_actions_show_on_the_managers_home_and_figures(client, case, manager, officer):
    feedback = give(case, manager)
    services.case_action_add(feedback=feedback, by=manager, text="Update the plan", due_on=dt.date(2020, 1, 1))
    client.force_login(manager)
    home = client.get(reverse("home")).content.decode()
    assert "Update the plan" in home and "overdue-case-actions" in home
    figures = client.get(reverse("cases:feedback_figures", args=[case.inspection.pk])).content.decode()
    assert "Update the plan" in figures


def test_case_action_reminders_go_once_per_action_per_day(case, manager, officer):
    feedback = give(case, manager)
    services.case_action_add(feedback=feedback, by=manager, text="Overdue one", due_on=dt.date(2026, 3, 1))
    services.case_action_add(feedback=feedback, by=manager, text="Later one", due_on=dt.date(2026, 4, 1))
    with time_machine.travel(dt.datetime(2026, 3, 10, 7, 0, tzinfo=dt.UTC), tick=False):
        call_command("send_reminders")
        call_command("send_reminders")
    subjects = [m.subject for m in mail.outbox if "case action" in m.subject]
    assert subjects == [f"Overdue: case action on case {case.reference}"]
    assert mail.outbox[-1].to == [officer.email]
    assert CaseActionReminder.objects.count() == 1
    with time_machine.travel(dt.datetime(2026, 3, 11, 7, 0, tzinfo=dt.UTC), tick=False):
        call_command("send_reminders")
    assert CaseActionReminder.objects.count() == 2


# Figures --------------------------------------------------------------------------------------


def _feedbacks(service, manager, assessor, holders, team="North team"):
    inspection = InspectionFactory(service=service)
    made = []
    for n, holder in enumerate(holders):
        case = final_case(
            service, case_holder=holder, assessor=assessor, inspection=inspection, reference=f"F{n:03d}", team=team
        )
        made.append(give(case, manager))
    return inspection, made


def test_figures_count_acknowledgement_within_5_working_days_across_a_bank_holiday(
    client, service, manager, assessor, officer
):
    inspection, made = _feedbacks(service, manager, assessor, [officer] * 5)
    given = dt.datetime(2026, 12, 21, 10, 0, tzinfo=dt.UTC)  # Monday before Christmas
    Feedback.objects.update(given_at=given)
    # 5 working days after 21 December is 30 December (25, 26 weekend... 28 bank holiday): in time.
    Feedback.objects.filter(pk__in=[f.pk for f in made[:3]]).update(
        acknowledged_at=dt.datetime(2026, 12, 30, 9, 0, tzinfo=dt.UTC)
    )
    Feedback.objects.filter(pk=made[3].pk).update(acknowledged_at=dt.datetime(2026, 12, 31, 9, 0, tzinfo=dt.UTC))
    action = services.case_action_add(feedback=made[0], by=manager, text="A", due_on=dt.date(2026, 12, 31))
    CaseAction.objects.filter(pk=action.pk).update(
        status="done", done_at=dt.datetime(2026, 12, 30, 9, 0, tzinfo=dt.UTC)
    )
    services.case_action_add(feedback=made[1], by=manager, text="B", due_on=dt.date(2026, 12, 1))
    client.force_login(manager)
    page = client.get(reverse("cases:feedback_figures", args=[inspection.pk]))
    total = page.context["figures"].total
    assert (total.given, total.acknowledged_in_time, total.actions, total.actions_done_on_time) == (5, 3, 2, 1)
    assert page.context["figures"].by_team[0].given == 5


def test_small_groups_are_suppressed_in_the_figures(client, service, manager, assessor, officer):
    other = member(service, Role.OFFICER, username="other-holder")
    inspection, _ = _feedbacks(service, manager, assessor, [officer] * 5 + [other])
    client.force_login(manager)
    page = client.get(reverse("cases:feedback_figures", args=[inspection.pk])).content.decode()
    figures = client.get(reverse("cases:feedback_figures", args=[inspection.pk])).context["figures"]
    by_holder = {row.label: row for row in figures.by_case_manager}
    assert by_holder[other.get_full_name()].hidden_as == "fewer than 5"
    # Showing the officer's 5 beside the total of 6 would give the other's 1 away: hidden too.
    assert by_holder[officer.get_full_name()].suppressed
    assert figures.total.given == 6 and not figures.total.suppressed
    assert "fewer than 5" in page


def test_the_figures_page_and_my_feedback_take_the_same_queries_with_more_feedback(
    client, service, manager, assessor, officer
):
    def queries(url, user):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        client.force_login(user)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    inspection, _ = _feedbacks(service, manager, assessor, [officer] * 2)
    few = (
        queries(reverse("cases:feedback_figures", args=[inspection.pk]), manager),
        queries(reverse("cases:my_feedback"), officer),
    )
    for n in range(8):
        case = final_case(service, case_holder=officer, assessor=assessor, inspection=inspection, reference=f"M{n}")
        fb = give(case, manager)
        services.case_action_add(feedback=fb, by=manager, text="x", due_on=timezone.localdate())
    many = (
        queries(reverse("cases:feedback_figures", args=[inspection.pk]), manager),
        queries(reverse("cases:my_feedback"), officer),
    )
    assert few == many
