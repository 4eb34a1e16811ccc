"""Managers see who changed what and when (old and new) for each case, assessment and action."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from cases.sampling import services as sample_services
from cases.services import assessment_save
from improvement.services import action_update
from inspections.models import InspectionStatus, Role
from tests.factories import (
    ActionFactory,
    AssessmentFactory,
    CaseFactory,
    InspectionFactory,
    PlanFactory,
    ThemeFactory,
    member,
)
from tests.pages import unmarked


@pytest.fixture
def case(service):
    inspection = InspectionFactory(service=service, status=InspectionStatus.SAMPLING, title="Mock 2026")
    return CaseFactory(inspection=inspection, reference="YP12345", in_sample=False)


def test_the_case_record_shows_who_excluded_and_restored_it_with_old_and_new_values(client, case, manager, officer):
    sample_services.case_exclude(case=case, reason="Transferred to another YOS", by=manager)
    sample_services.case_restore(case=case, by=manager)
    client.force_login(manager)
    response = client.get(reverse("cases:case_record", args=[case.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Record of changes: case YP12345" in html
    assert "Transferred to another YOS" in unmarked(html)  # the new value, then the old one
    assert html.count(escape(manager.get_full_name())) >= 2
    assert "Excluded reason" in html or "excluded reason" in html.lower()


def test_the_case_record_is_for_managers_and_inspectors_of_the_service_only(
    client, case, officer, board_member, inspector, other_officer
):
    url = reverse("cases:case_record", args=[case.pk])
    for person, status in [(officer, 403), (board_member, 403), (inspector, 200), (other_officer, 404)]:
        client.force_login(person)
        assert client.get(url).status_code == status, person


def test_the_assessment_record_shows_each_answer_change(client, service, manager):
    inspection = InspectionFactory(service=service)
    assessor = member(service, Role.OFFICER, username="scorer")
    assessment = AssessmentFactory(case=CaseFactory(inspection=inspection), assessor=assessor)
    code = inspection.framework.questions.first().code
    assessment_save(assessment=assessment, answers={code: ("yes", "")}, version=0, by=assessor)
    assessment_save(assessment=assessment, answers={code: ("no", "Plan late")}, version=1, by=assessor)
    client.force_login(manager)
    html = client.get(reverse("cases:assessment_record", args=[assessment.pk])).content.decode()
    assert "Plan late" in html and escape(assessor.get_full_name()) in html


def test_the_plan_history_shows_an_action_change_with_old_and_new(client, service, manager):
    action = ActionFactory(theme=ThemeFactory(plan=PlanFactory(inspection__service=service)), title="Old wording")
    action_update(action=action, by=manager, title="New wording")
    client.force_login(manager)
    html = client.get(reverse("improvement:plan_history", args=[action.plan_id])).content.decode()
    assert "Old wording" in html and "New wording" in html
