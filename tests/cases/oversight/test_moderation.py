"""Blind second marking and moderation: the second marker sees nothing of the first marking
(page, record of changes, case list, drill-down, exports) until both are submitted; the moderator
settles disagreements with notes; the moderated assessment changes the judgement."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.judgements import inspection_judgements
from cases.models import Assessment
from cases.oversight.moderation import case_comparison, moderation_complete, moderation_settle, moderation_start
from cases.services import ScoringProblems
from inspections.models import Role
from tests.factories import AssessmentFactory, CaseFactory, InspectionFactory, make_answers, member

pytestmark = pytest.mark.django_db

FIRST = {"roh-1": "yes", "roh-2": "no", "roh-3": "yes", "saf-1": "yes", "saf-2": "yes", "saf-3": "na"}
SECOND = {"roh-1": "yes", "roh-2": "yes", "roh-3": "yes", "saf-1": "no", "saf-2": "yes", "saf-3": "na"}


@pytest.fixture
def inspection(service):
    return InspectionFactory(service=service, status="scoring", title="Mock 2016")


@pytest.fixture
def markers(service):
    return (
        member(service, Role.OFFICER, username="fiona", first_name="Fiona", last_name="First"),
        member(service, Role.MANAGER, username="sam", first_name="Sam", last_name="Second"),
    )


@pytest.fixture
def marked(inspection, markers):
    """A case with a submitted first marking (its note: SECRET-FIRST-NOTE) and a second marking
    not started, by a manager (who could otherwise read every assessment)."""
    first_marker, second_marker = markers
    case = CaseFactory(inspection=inspection, reference="NS-0042")
    first = make_answers(AssessmentFactory(case=case, assessor=first_marker), FIRST, note="SECRET-FIRST-NOTE")
    second = AssessmentFactory(case=case, assessor=second_marker, marking="second")
    return first, second


def submit_second(second):
    return make_answers(second, SECOND, note="second note")


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


# --- blind marking ---------------------------------------------------------------------------


def test_second_marker_cannot_open_the_first_marking_or_its_record(client, marked, markers):
    first, second = marked
    client.force_login(markers[1])
    assert client.get(reverse("cases:assessment", args=[first.pk])).status_code == 403
    assert client.get(reverse("cases:assessment_record", args=[first.pk])).status_code == 403
    own = text(client.get(reverse("cases:assessment", args=[second.pk])))
    assert "SECRET-FIRST-NOTE" not in own
    assert "Fiona" not in own


def test_first_marker_cannot_open_the_second_marking_either(client, marked, markers, service):
    first, second = marked
    manager_first = member(service, Role.MANAGER, username="mo")
    Assessment.objects.filter(pk=first.pk).update(assessor=manager_first)
    client.force_login(manager_first)
    assert client.get(reverse("cases:assessment", args=[second.pk])).status_code == 403


def test_case_list_hides_the_other_marking_from_a_blind_marker(client, marked, markers):
    first, _ = marked
    client.force_login(markers[1])
    page = text(client.get(reverse("cases:case_list", args=[marked[0].case.inspection_id])))
    assert reverse("cases:assessment", args=[first.pk]) not in page
    assert "hidden until both markings are submitted" in page
    assert "Fiona" not in page


def test_the_case_record_names_only_the_blind_markers_own_marking(client, marked, markers):
    first, second = marked
    client.force_login(markers[1])
    page = text(client.get(reverse("cases:case_record", args=[first.case.pk])))
    assert reverse("cases:assessment_record", args=[second.pk]) in page
    assert reverse("cases:assessment_record", args=[first.pk]) not in page
    assert "Fiona" not in page


def test_drill_down_and_moderation_page_leak_nothing_to_the_blind_marker(client, marked, markers):
    first, _ = marked
    inspection = first.case.inspection
    client.force_login(markers[1])
    drill = text(client.get(reverse("cases:dashboard_cases", args=[inspection.pk])))
    assert "NS-0042" not in drill
    assert "1 case you are marking is left out" in drill
    assert client.get(reverse("cases:moderation_case", args=[inspection.pk, first.case.pk])).status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_leave_out_the_first_marking_for_the_second_marker(client, marked, markers, fmt):
    first, second = marked
    inspection = first.case.inspection
    client.force_login(markers[1])
    body = client.get(reverse("cases:inspection_export", args=[inspection.pk, "answers", fmt])).content
    if fmt == "xlsx":
        import io

        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(body)).active
        body = "\n".join(",".join(str(c) for c in row) for row in sheet.iter_rows(values_only=True)).encode()
    assert b"SECRET-FIRST-NOTE" not in body
    assert b"fiona" not in body
    # Another manager, not marking the case, receives it.
    client.force_login(member(inspection.service, Role.MANAGER, username="other-manager"))
    assert (
        b"SECRET-FIRST-NOTE"
        in client.get(reverse("cases:inspection_export", args=[inspection.pk, "answers", "csv"])).content
    )


def test_blindness_ends_once_both_markings_are_submitted(client, marked, markers):
    first, second = marked
    submit_second(second)
    client.force_login(markers[1])
    assert client.get(reverse("cases:assessment", args=[first.pk])).status_code == 200
    assert client.get(reverse("cases:assessment_record", args=[first.pk])).status_code == 200


# --- moderation ------------------------------------------------------------------------------


def test_moderation_list_shows_cases_marked_twice_with_their_agreement(client, marked, manager):
    first, second = marked
    submit_second(second)
    client.force_login(manager)
    page = text(client.get(reverse("cases:moderation_list", args=[first.case.inspection_id])))
    # 6 questions, 2 disagreements (roh-2, saf-1): 4 of 6 agree: 67%.
    assert "NS-0042" in page
    assert "67%" in page and "2 disagreements in 6" in page
    assert "To moderate" in page


def test_moderation_list_names_the_markers_and_says_how_far_moderation_has_gone(client, marked, manager):
    from cases.selectors import outstanding_before_publishing

    first, second = marked
    submit_second(second)
    inspection = first.case.inspection
    url = reverse("cases:moderation_list", args=[inspection.pk])
    client.force_login(manager)
    assert "Fiona First (first), Sam Second (second)" in text(client.get(url))
    assert "NS-0042" in " ".join(outstanding_before_publishing(inspection))
    moderation_start(case=first.case, by=manager)
    assert "In progress" in text(client.get(url))
    assert "NS-0042" in " ".join(outstanding_before_publishing(inspection))
    moderation_settle(
        case=first.case, decisions={"roh-2": ("yes", "plan seen"), "saf-1": ("no", "no visit")}, by=manager
    )
    moderation_complete(case=first.case, by=manager)
    assert "Moderated" in text(client.get(url))
    assert not any("NS-0042" in line for line in outstanding_before_publishing(inspection))


def test_moderation_page_shows_both_markings_side_by_side_with_disagreements(client, marked, manager):
    first, second = marked
    submit_second(second)
    client.force_login(manager)
    page = text(client.get(reverse("cases:moderation_case", args=[first.case.inspection_id, first.case.pk])))
    assert 'id="case-agreement">4 of 6' in page
    assert page.count("govuk-tag--red") == 2
    assert "SECRET-FIRST-NOTE" in page and "second note" in page
    assert 'name="q-roh-2"' in page and 'name="q-roh-1"' not in page


def test_moderating_changes_the_judgement(client, marked, manager):
    first, second = marked
    submit_second(second)
    inspection = first.case.inspection
    # First marking counts: roh 2 yes of 3 = 67%.
    assert inspection_judgements(inspection).areas[0].score == 67
    client.force_login(manager)
    url = reverse("cases:moderation_case", args=[inspection.pk, first.case.pk])
    refused = client.post(url, {"action": "complete", "q-roh-2": "yes", "version": "0"})
    assert refused.status_code == 200
    assert "There is a problem" in text(refused)
    assert (
        "Say why you chose this answer to question 2 (roh-2), \u201cRisk of harm to others: question 2?\u201d"
        in text(refused)
    )
    response = client.post(
        url,
        {
            "action": "complete",
            "version": "0",
            "q-roh-2": "yes",
            "note-roh-2": "The plan is on file, dated in time",
            "q-saf-1": "yes",
            "note-saf-1": "Safeguarding referral made",
        },
    )
    assert response.status_code == 302
    final = Assessment.objects.get(case=first.case, marking="final")
    assert (final.status, final.assessor, final.yes, final.no, final.na) == ("submitted", manager, 5, 0, 1)
    assert inspection_judgements(inspection).areas[0].score == 100
    # Agreed answers carried over, settled ones carry the moderator's note; all on record.
    assert final.answers.get(question__code="roh-1").value == "yes"
    assert final.answers.get(question__code="roh-2").note == "The plan is on file, dated in time"
    assert final.history.filter(history_change_reason="Moderated", history_user=manager).exists()
    page = text(client.get(reverse("cases:moderation_list", args=[inspection.pk])))
    assert "Moderated" in page


def test_moderation_can_be_saved_and_completed_later(marked, manager):
    first, second = marked
    submit_second(second)
    moderation_settle(case=first.case, decisions={"roh-2": ("no", "Agree with the first marker")}, by=manager)
    with pytest.raises(ScoringProblems) as refused:
        moderation_complete(case=first.case, by=manager)
    assert list(refused.value.problems) == ["saf-1"]
    moderation_settle(case=first.case, decisions={"saf-1": ("yes", "Referral on file")}, by=manager)
    final = moderation_complete(case=first.case, by=manager)
    assert final.status == "submitted"
    assert case_comparison(first.case).moderated


def test_nobody_moderates_before_both_markings_are_submitted_or_a_case_they_marked(client, marked, markers, manager):
    first, second = marked
    with pytest.raises(ValidationError, match="Both the first and the second marking"):
        moderation_start(case=first.case, by=manager)
    submit_second(second)
    with pytest.raises(ValidationError, match="someone else must moderate"):
        moderation_start(case=first.case, by=markers[1])
    client.force_login(markers[1])
    url = reverse("cases:moderation_case", args=[first.case.inspection_id, first.case.pk])
    assert "someone else must moderate" in text(client.get(url))
    assert client.post(url, {"action": "complete"}).status_code == 403


@pytest.mark.parametrize("role,status", [(Role.OFFICER, 403), (Role.BOARD_MEMBER, 403), (Role.INSPECTOR, 200)])
def test_moderation_page_permissions(client, marked, service, role, status):
    first, second = marked
    submit_second(second)
    client.force_login(member(service, role))
    assert (
        client.get(reverse("cases:moderation_case", args=[first.case.inspection_id, first.case.pk])).status_code
        == status
    )


def test_moderation_page_of_another_service_is_404(client, marked, other_service):
    first, second = marked
    submit_second(second)
    client.force_login(member(other_service, Role.MANAGER))
    assert (
        client.get(reverse("cases:moderation_case", args=[first.case.inspection_id, first.case.pk])).status_code == 404
    )


def test_the_demo_mock_inspection_has_disagreements_ready_to_moderate(settings, client):
    from django.core.management import call_command

    from cases.oversight.agreement import moderation_lines
    from inspections.models import Inspection

    settings.DEBUG = True
    call_command("load_demo", verbosity=0)
    mock = Inspection.objects.get(kind="yjb_mock")
    lines = moderation_lines(mock)
    assert len(lines) >= 3
    assert all(line.disagreements for line in lines)
    before = [(line.reference, line.agreed) for line in lines]
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    client.force_login(users.get(username="manager"))
    for url in [
        reverse("cases:inspection_dashboard", args=[mock.pk]),
        reverse("cases:service_trends"),
        reverse("cases:moderation_list", args=[mock.pk]),
    ]:
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("cases:moderation_case", args=[mock.pk, lines[0].case_id])).status_code == 200
    client.force_login(users.get(username="inspector"))
    assert "Eastbridge" in client.get(reverse("cases:benchmark")).content.decode()
    call_command("load_demo", verbosity=0)
    assert [(line.reference, line.agreed) for line in moderation_lines(mock)] == before


def test_a_stale_moderation_save_is_refused_and_keeps_what_was_typed(client, marked, manager, service):
    first, second = marked
    submit_second(second)
    client.force_login(manager)
    url = reverse("cases:moderation_case", args=[first.case.inspection_id, first.case.pk])
    assert 'name="version" value="0"' in client.get(url).content.decode()
    # Meanwhile another manager settles roh-2 the other way.
    colleague = member(service, Role.MANAGER, username="moira", first_name="Moira", last_name="Khan")
    moderation_settle(case=first.case, decisions={"roh-2": ("no", "Nothing on file")}, by=colleague)
    response = client.post(url, {"version": "0", "q-roh-2": "yes", "note-roh-2": "The plan is on file, dated in time"})
    assert response.status_code == 409
    page = text(response)
    assert "Your moderation was not saved" in page
    assert "Moira Khan changed the moderated answers" in page
    assert "roh-2: No (Nothing on file)" in page  # what changed
    assert "The plan is on file, dated in time" in page  # what they typed, kept
    final = Assessment.objects.get(case=first.case, marking="final")
    assert final.answers.get(question__code="roh-2").value == "no"
    # Saving again, knowingly, replaces it.
    response = client.post(
        url, {"version": str(final.version), "q-roh-2": "yes", "note-roh-2": "The plan is on file, dated in time"}
    )
    assert response.status_code == 302
    assert final.answers.get(question__code="roh-2").value == "yes"
