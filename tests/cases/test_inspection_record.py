"""An inspection's record of changes, on a page: details, overrides, assessments, roles; what a
manager of another service or a blind marker must not read stays off it; queries stay flat."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from cases.services import assessment_reopen
from inspections.models import Membership, Role
from inspections.services import inspection_update, judgement_override
from tests.factories import AssessmentFactory, CaseFactory, InspectionFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspection(service):
    return InspectionFactory(service=service, status="moderation", title="Mock 2016")


def test_a_manager_reads_who_changed_what_in_the_inspection(client, service, manager, inspection):
    inspection_update(inspection=inspection, changed_by=manager, title="Mock inspection 2016")
    roh = inspection.framework.areas.get(code="roh")
    judgement_override(
        inspection=inspection, area=roh, band_label="Drastic improvement required", reason="Thin files", by=manager
    )
    assessment = AssessmentFactory(case=CaseFactory(inspection=inspection, reference="NS-7"), status="submitted")
    assessment_reopen(assessment=assessment, by=manager, reason="Wrong case file read")
    newcomer = member(service, Role.OFFICER, username="newcomer", first_name="Nia", last_name="Owen")
    membership = Membership.objects.get(user=newcomer)
    membership.role = Role.MANAGER
    membership._history_user = manager
    membership.save()

    client.force_login(manager)
    page = client.get(reverse("cases:inspection_record", args=[inspection.pk])).content.decode()
    assert "Mock 2016" in page and "Mock inspection 2016" in page  # before and after
    assert "Judgement for Risk of harm to others" in page and "Drastic improvement required" in page
    assert "Case NS-7, first marking: Reopened: Wrong case file read" in page
    assert "Role of Nia Owen" in page and "Manager" in page
    assert escape(manager.get_full_name()) in page


def test_officers_board_members_and_other_services_cannot_read_it(
    client, inspection, officer, board_member, other_service
):
    url = reverse("cases:inspection_record", args=[inspection.pk])
    for person, status in [(officer, 403), (board_member, 403), (member(other_service, Role.MANAGER), 404)]:
        client.force_login(person)
        assert client.get(url).status_code == status


def test_a_blind_marker_does_not_see_the_other_marking_on_the_record(client, service, inspection):
    inspector = member(service, Role.INSPECTOR, username="second-marker")
    case = CaseFactory(inspection=inspection, reference="NS-9")
    first = AssessmentFactory(case=case, marking="first", status="submitted")
    first._change_reason = "Submitted"
    first.save()
    AssessmentFactory(case=case, marking="second", assessor=inspector, status="draft")
    client.force_login(inspector)
    page = client.get(reverse("cases:inspection_record", args=[inspection.pk])).content.decode()
    assert "Case NS-9" not in page


@pytest.mark.parametrize("cases", [2, 12])
def test_the_record_page_queries_do_not_grow_with_cases(
    client, manager, inspection, cases, django_assert_max_num_queries
):
    for _ in range(cases):
        assessment = AssessmentFactory(case=CaseFactory(inspection=inspection), status="submitted")
        assessment._change_reason = "Submitted"
        assessment.save()
    client.force_login(manager)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("cases:inspection_record", args=[inspection.pk])).status_code == 200
