"""Safeguarding concerns: raised from the scoring page apart from scoring, told at once, tracked,
escalated after one working day, registered, exported, kept blind (issue 14)."""

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from cases.models import Answer, Assessment, ConcernStatus, SafeguardingConcern
from cases.safeguarding import services
from inspections.models import Membership, Role
from tests.factories import AssessmentFactory, CaseFactory, FrameworkFactory, InspectionFactory, member

pytestmark = pytest.mark.django_db

CONCERN = {
    "found": "A disclosure of abuse at home recorded last week with no referral",
    "why_now": "The child is still living there",
    "recommended": "Refer to children's social care today",
}


@pytest.fixture
def lead(service):
    person = member(service, Role.OFFICER, username="lena")
    Membership.objects.filter(user=person, service=service).update(safeguarding_lead=True)
    return person


@pytest.fixture
def head(service):
    person = member(service, Role.MANAGER, username="hugo")
    Membership.objects.filter(user=person, service=service).update(head_of_service=True)
    return person


@pytest.fixture
def draft(service, officer):
    """The officer's draft first marking: one answer saved."""
    inspection = InspectionFactory(service=service, framework=FrameworkFactory())
    assessment = AssessmentFactory(case=CaseFactory(inspection=inspection), assessor=officer, status="draft")
    Answer.objects.create(assessment=assessment, question=inspection.framework.questions.first(), value="no")
    Assessment.objects.filter(pk=assessment.pk).update(answered=1, no=1, version=3)
    assessment.refresh_from_db()
    return assessment


@pytest.fixture(autouse=True)
def _commits(django_capture_on_commit_callbacks):
    """The emails go once the concern is saved (on commit): run those callbacks in these tests."""
    global _capture
    _capture = django_capture_on_commit_callbacks


def raise_one(assessment, by, when=None):
    with _capture(execute=True):
        return services.concern_raise(assessment=assessment, by=by, now=when, **CONCERN)


def test_an_assessor_raises_a_concern_from_a_draft_and_no_score_changes(client, draft, officer, manager, lead):
    client.force_login(officer)
    page = client.get(reverse("cases:assessment", args=[draft.pk])).content.decode()
    assert reverse("cases:concern_raise", args=[draft.pk]) in page
    with _capture(execute=True):
        response = client.post(reverse("cases:concern_raise", args=[draft.pk]), CONCERN)
    assert response.status_code == 302
    concern = SafeguardingConcern.objects.get()
    assert concern.status == ConcernStatus.RAISED and concern.raised_by == officer
    assert concern.case_reference == draft.case.reference
    after = Assessment.objects.get(pk=draft.pk)
    assert (after.status, after.version, after.answered, after.no) == ("draft", 3, 1, 1)
    assert list(after.answers.values_list("value", flat=True)) == ["no"]
    # Told at once by email: the service's managers and its safeguarding lead.
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == sorted([manager.email, lead.email])
    assert CONCERN["found"] in mail.outbox[0].body


def test_a_concern_needs_what_why_and_recommendation_saying_where(client, draft, officer):
    client.force_login(officer)
    response = client.post(reverse("cases:concern_raise", args=[draft.pk]), {**CONCERN, "why_now": ""})
    assert response.status_code == 400
    assert 'href="#id_why_now"' in response.content.decode()
    assert not SafeguardingConcern.objects.exists()


def test_only_the_assessor_raises_a_concern_from_their_scoring_page(client, draft, manager, other_officer):
    client.force_login(manager)
    assert client.post(reverse("cases:concern_raise", args=[draft.pk]), CONCERN).status_code == 403
    client.force_login(other_officer)
    assert client.post(reverse("cases:concern_raise", args=[draft.pk]), CONCERN).status_code == 404
    assert not SafeguardingConcern.objects.exists()


def test_it_shows_on_the_home_page_of_managers_and_the_safeguarding_lead(client, draft, officer, manager, lead):
    raise_one(draft, officer)
    for person in (manager, lead):
        client.force_login(person)
        assert draft.case.reference in client.get(reverse("home")).content.decode()
    client.force_login(officer)  # the person who raised it is no lead: no banner
    assert "open-concerns" not in client.get(reverse("home")).content.decode()


def test_acknowledge_by_is_one_working_day_later_skipping_a_bank_holiday(draft, officer):
    friday = dt.datetime(2026, 5, 22, 14, 0, tzinfo=dt.UTC)  # 15:00 in London, before Spring bank holiday
    concern = raise_one(draft, officer, when=friday)
    assert concern.acknowledge_by == dt.datetime(2026, 5, 26, 14, 0, tzinfo=dt.UTC)


def test_the_steps_go_in_order_each_with_who_when_and_a_note(client, draft, officer, lead):
    concern = raise_one(draft, officer)
    client.force_login(lead)
    url = reverse("cases:concern_detail", args=[concern.pk])
    assert client.post(url, {"status": "closed", "note": "Skipping"}).status_code == 400
    assert client.post(url, {"status": "acknowledged", "note": "Seen, calling the social worker"}).status_code == 302
    assert client.post(url, {"status": "action_taken", "note": ""}).status_code == 400  # says what was done
    assert client.post(url, {"status": "action_taken", "note": "Referral made to MASH"}).status_code == 302
    assert client.post(url, {"status": "closed", "note": "Strategy meeting held"}).status_code == 302
    concern.refresh_from_db()
    assert concern.status == "closed" and concern.acknowledged_at and concern.closed_at
    steps = list(concern.steps.values_list("status", "by__username", "note"))
    assert steps == [
        ("raised", officer.username, ""),
        ("acknowledged", lead.username, "Seen, calling the social worker"),
        ("action_taken", lead.username, "Referral made to MASH"),
        ("closed", lead.username, "Strategy meeting held"),
    ]


def test_an_officer_who_raised_it_reads_it_but_cannot_act_on_it(client, draft, officer):
    concern = raise_one(draft, officer)
    client.force_login(officer)
    assert client.get(reverse("cases:concern_detail", args=[concern.pk])).status_code == 200
    assert (
        client.post(reverse("cases:concern_detail", args=[concern.pk]), {"status": "acknowledged"}).status_code == 403
    )


def test_not_acknowledged_within_one_working_day_it_goes_to_the_head_of_service_once(
    client, draft, officer, manager, head
):
    friday = dt.datetime(2026, 5, 22, 9, 0, tzinfo=dt.UTC)
    concern = raise_one(draft, officer, when=friday)
    mail.outbox.clear()
    with time_machine.travel(dt.datetime(2026, 5, 25, 10, 0, tzinfo=dt.UTC), tick=False):  # bank holiday Monday
        call_command("send_reminders")
    assert not [m for m in mail.outbox if "Not acknowledged" in m.subject]
    with time_machine.travel(dt.datetime(2026, 5, 26, 9, 30, tzinfo=dt.UTC), tick=False):
        call_command("send_reminders")
        call_command("send_reminders")
        escalations = [m for m in mail.outbox if "Not acknowledged" in m.subject]
        assert len(escalations) == 1 and escalations[0].to == [head.email]
        concern.refresh_from_db()
        assert concern.escalated_at is not None
        client.force_login(manager)
        register = client.get(reverse("cases:concern_register")).content.decode()
        assert "govuk-tag--red" in register and "not acknowledged in time" in register
        home = client.get(reverse("home")).content.decode()
        assert "Not acknowledged within one working day" in home


def test_an_acknowledged_concern_is_not_escalated(draft, officer, manager, head):
    concern = raise_one(draft, officer, when=dt.datetime(2026, 5, 22, 9, 0, tzinfo=dt.UTC))
    services.concern_move_on(concern=concern, by=manager, to_status="acknowledged", note="")
    assert services.concerns_escalate(now=dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)) == 0


def test_the_register_filters_and_exports_with_times(client, service, draft, officer, manager):
    open_one = raise_one(draft, officer, when=dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC))
    closed = raise_one(draft, officer, when=dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC))
    for status, day in [("acknowledged", 3), ("action_taken", 4), ("closed", 9)]:
        services.concern_move_on(
            concern=closed,
            by=manager,
            to_status=status,
            note="Done",
            now=dt.datetime(2026, 11, day, 9, 0, tzinfo=dt.UTC),
        )
    client.force_login(manager)
    page = client.get(reverse("cases:concern_register"), {"status": "closed"})
    assert [row.concern.pk for row in page.context["rows"]] == [closed.pk]
    assert [
        row.concern.pk for row in client.get(reverse("cases:concern_register"), {"status": "open"}).context["rows"]
    ] == [open_one.pk]
    export = client.get(reverse("cases:concern_register_export"), {"status": "closed"})
    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert len(rows) == 1
    assert rows[0]["Working days to acknowledge"] == "1" and rows[0]["Working days to close"] == "5"
    assert rows[0]["Case"] == draft.case.reference
    assert rows[0]["Status"] == "Closed" and rows[0]["Acknowledged late"] == "No"


def test_the_register_is_for_managers_inspectors_and_leads_of_the_service(
    client, draft, officer, lead, board_member, inspector, other_service
):
    raise_one(draft, officer)
    for person, status in [(officer, 403), (board_member, 403), (lead, 200), (inspector, 200)]:
        client.force_login(person)
        assert client.get(reverse("cases:concern_register")).status_code == status
    other_manager = member(other_service, Role.MANAGER, username="other-manager")
    client.force_login(other_manager)
    assert client.get(reverse("cases:concern_register")).context["rows"] == []
    concern = SafeguardingConcern.objects.get()
    assert client.get(reverse("cases:concern_detail", args=[concern.pk])).status_code == 404


def test_a_blind_second_marker_never_sees_the_first_markers_concern(client, service, draft, officer, manager):
    second = member(service, Role.MANAGER, username="second-marker")
    Membership.objects.filter(user=second).update(safeguarding_lead=True)
    AssessmentFactory(case=draft.case, assessor=second, marking="second")
    concern = raise_one(draft, officer)
    assert second.email not in mail.outbox[0].to and manager.email in mail.outbox[0].to
    client.force_login(second)
    assert client.get(reverse("cases:concern_detail", args=[concern.pk])).status_code == 404
    assert client.get(reverse("cases:concern_register")).context["rows"] == []
    assert draft.case.reference not in client.get(reverse("home")).content.decode()
    # Once both markings are submitted, blindness ends.
    Assessment.objects.filter(case=draft.case).update(status="submitted")
    assert client.get(reverse("cases:concern_detail", args=[concern.pk])).status_code == 200


def test_the_reverse_a_first_marker_never_sees_the_second_markers_concern(client, service, draft, officer, manager):
    second = member(service, Role.OFFICER, username="second-officer")
    second_marking = AssessmentFactory(case=draft.case, assessor=second, marking="second")
    Membership.objects.filter(user=officer).update(safeguarding_lead=True)
    concern = raise_one(second_marking, second)
    assert mail.outbox[0].to == [manager.email]
    client.force_login(officer)
    assert client.get(reverse("cases:concern_detail", args=[concern.pk])).status_code == 404


def test_managers_set_the_safeguarding_lead_and_head_of_service(client, service, manager, officer):
    client.force_login(manager)
    url = reverse("cases:safeguarding_roles")
    assert client.post(url, {"leads": [officer.pk], "heads": [manager.pk]}).status_code == 302
    assert Membership.objects.get(user=officer).safeguarding_lead
    assert Membership.objects.get(user=manager).head_of_service
    assert Membership.objects.get(user=officer).history.first().history_user == manager
    response = client.post(url, {"heads": [officer.pk]})
    assert response.status_code == 400  # a head of service is a manager
    client.force_login(officer)
    assert client.get(url).status_code == 403


def test_a_mail_server_that_fails_never_loses_the_concern(draft, officer, manager, settings, caplog):
    settings.EMAIL_BACKEND = "tests.cases.safeguarding.test_concerns.FailingBackend"
    concern = raise_one(draft, officer)
    assert SafeguardingConcern.objects.filter(pk=concern.pk).exists()
    assert "could not be sent" in caplog.text


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("no mail server")


def test_a_concern_cannot_be_raised_by_someone_else_through_the_service(draft, manager):
    with pytest.raises(ValidationError):
        raise_one(draft, manager)


def test_the_hidden_concern_rule_reads_the_same_in_sql_and_in_python(service, draft, officer, manager):
    """`selectors.hidden_from` (a filter) and `selectors.is_hidden_from` (the home page's banner, on
    concerns already read) are one rule: they hide the same concerns from every person."""
    from cases.rules import blind_case_ids_in
    from cases.safeguarding.selectors import hidden_from, is_hidden_from

    second = member(service, Role.MANAGER, username="second-marker")
    second_marking = AssessmentFactory(case=draft.case, assessor=second, marking="second")
    other_case = CaseFactory(inspection=draft.case.inspection)
    AssessmentFactory(case=other_case, assessor=second, marking="first", status="draft")
    raise_one(draft, officer)
    raise_one(second_marking, second)
    raise_one(AssessmentFactory(case=other_case, assessor=officer, marking="second"), officer)
    without_case = raise_one(draft, officer)
    SafeguardingConcern.objects.filter(pk=without_case.pk).update(case=None)
    everyone = SafeguardingConcern.objects.all()
    seen = set()
    for person in (officer, manager, second):
        blind = blind_case_ids_in(person, None)
        in_sql = set(everyone.filter(hidden_from(person, blind)).values_list("pk", flat=True))
        in_python = {c.pk for c in everyone if is_hidden_from(c, person, blind)}
        assert in_sql == in_python
        seen |= in_sql
    assert seen  # the second marker is blind to concerns raised by others


def test_the_home_banner_leaves_out_a_concern_the_person_is_blind_to(client, service, draft, officer, manager):
    second = member(service, Role.MANAGER, username="second-marker")
    AssessmentFactory(case=draft.case, assessor=second, marking="second")
    raise_one(draft, officer)
    client.force_login(manager)
    assert draft.case.reference in client.get(reverse("home")).content.decode()
    client.force_login(second)
    assert draft.case.reference not in client.get(reverse("home")).content.decode()
