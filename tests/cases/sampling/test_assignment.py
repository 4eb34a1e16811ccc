"""Assigning the sample: balanced, never one's own case, blind second marking to someone else."""

from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils.html import escape

from cases.models import Assessment, Case
from cases.sampling.services import (
    assessment_set_assessor,
    assessments_assign,
    plan_first_markings,
    plan_second_markings,
    sample_draw,
    second_marking_target,
)
from inspections.models import Role
from tests.factories import InspectionFactory, make_cohort, make_sampling_inspection, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspection(service):
    return make_sampling_inspection(service)


@pytest.fixture
def assessors(service, officer, manager):
    return [officer, member(service, Role.OFFICER, username="aisha"), member(service, Role.INSPECTOR, username="ian")]


@pytest.fixture
def sample(inspection, assessors, manager):
    """60 cases, a third managed by the first assessor and a third by the second; 34 drawn."""
    cases = make_cohort(inspection, 60)
    for i, case in enumerate(cases):
        case.case_manager = assessors[i % 3] if i % 3 < 2 else None
        case.case_manager_name = "" if case.case_manager else "Tom Whitfield"
        case.save()
    sample_draw(inspection=inspection, method="number", size=34, seed="2015", by=manager)
    return list(Case.objects.filter(inspection=inspection, in_sample=True))


def loads(marking="first"):
    return Counter(Assessment.objects.filter(marking=marking).values_list("assessor", flat=True))


def test_assignment_is_balanced_and_never_to_the_case_manager(manager, inspection, assessors, sample):
    done = assessments_assign(inspection=inspection, assessors=assessors, by=manager)
    assert done == {"first": 34, "second": 0, "unassigned": []}
    counts = loads()
    assert sorted(counts.values()) == [11, 11, 12]
    for assessment in Assessment.objects.select_related("case"):
        assert assessment.assessor_id != assessment.case.case_manager_id
        assert assessment.status == "not_started"
    assert Assessment.history.filter(history_user=manager).count() == 34


def test_second_marking_goes_to_a_different_assessor(manager, inspection, assessors, sample):
    done = assessments_assign(inspection=inspection, assessors=assessors, second_share=20, by=manager)
    assert done["second"] == second_marking_target(34, 20) == 7
    first = dict(Assessment.objects.filter(marking="first").values_list("case", "assessor"))
    for case_id, assessor_id, manager_id in Assessment.objects.filter(marking="second").values_list(
        "case", "assessor", "case__case_manager"
    ):
        assert assessor_id != first[case_id]
        assert assessor_id != manager_id
    second_loads = loads("second")
    assert max(second_loads.values()) - min(second_loads.values()) <= 1


def test_second_marking_is_balanced_between_two_assessors(manager, inspection, assessors, sample):
    assessments_assign(inspection=inspection, assessors=assessors[:2], second_share=20, by=manager)
    second_loads = loads("second")
    assert sum(second_loads.values()) == 7
    assert sorted(second_loads.values()) == [3, 4]


def test_plan_second_markings_balances_and_avoids_first_markers():
    # Five cases first-marked by assessor 1 and one by 2: assessor 2 can take five, 1 only one.
    cases = [(i, None, 1) for i in range(5)] + [(5, None, 2)]
    plan = plan_second_markings(cases, [1, 2, 3], {}, need=3)
    assert Counter(plan.values()) == {1: 1, 2: 1, 3: 1}
    assert all(plan[c] != first for c, _, first in cases if c in plan)


def test_assigning_again_adds_only_what_is_missing(manager, inspection, assessors, sample):
    assessments_assign(inspection=inspection, assessors=assessors, second_share=20, by=manager)
    again = assessments_assign(inspection=inspection, assessors=assessors, second_share=20, by=manager)
    assert again == {"first": 0, "second": 0, "unassigned": []}
    assert Assessment.objects.count() == 41


def test_plan_balances_within_one_when_some_cases_are_managed_by_assessors():
    cases = [(i, [1, 2, None][i % 3]) for i in range(31)]
    plan = plan_first_markings(cases, [1, 2, 3, 4], {})
    counts = Counter(plan.values())
    assert max(counts.values()) - min(counts.values()) <= 1
    assert all(plan[case_id] != manager for case_id, manager in cases)


def test_a_lone_assessor_is_not_given_their_own_cases(manager, inspection, assessors, sample):
    done = assessments_assign(inspection=inspection, assessors=[assessors[0]], by=manager)
    own = {c.reference for c in sample if c.case_manager_id == assessors[0].pk}
    assert set(done["unassigned"]) == own
    assert done["first"] == 34 - len(own)


def test_assessors_must_belong_to_the_service(manager, inspection, sample, other_service):
    stranger = member(other_service, Role.OFFICER)
    with pytest.raises(ValidationError, match="cannot score cases"):
        assessments_assign(inspection=inspection, assessors=[stranger], by=manager)
    board = member(inspection.service, Role.BOARD_MEMBER)
    with pytest.raises(ValidationError, match="cannot score cases"):
        assessments_assign(inspection=inspection, assessors=[board], by=manager)
    assert not Assessment.objects.exists()


def test_second_marking_needs_two_assessors(manager, inspection, assessors, sample):
    with pytest.raises(ValidationError, match="at least two"):
        assessments_assign(inspection=inspection, assessors=assessors[:1], second_share=20, by=manager)


def test_an_unstarted_assessment_moves_and_a_started_one_does_not(manager, inspection, assessors, sample):
    assessments_assign(inspection=inspection, assessors=assessors, by=manager)
    assessment = Assessment.objects.exclude(case__case_manager=assessors[2]).filter(assessor=assessors[0]).first()
    case = assessment.case
    moved = assessment_set_assessor(case=case, marking="first", assessor=assessors[2], by=manager)
    assert moved.pk == assessment.pk
    assert moved.assessor == assessors[2]

    Assessment.objects.filter(pk=assessment.pk).update(status="draft")
    with pytest.raises(ValidationError, match="has started the first marking of .* so it cannot be moved"):
        assessment_set_assessor(case=case, marking="first", assessor=assessors[1], by=manager)
    assessment.refresh_from_db()
    assert assessment.assessor == assessors[2]


def test_nobody_is_given_by_hand_a_case_they_manage_or_both_markings(manager, inspection, assessors, sample):
    assessments_assign(inspection=inspection, assessors=assessors, by=manager)
    own = next(c for c in sample if c.case_manager_id == assessors[0].pk)
    with pytest.raises(ValidationError, match="manages"):
        assessment_set_assessor(case=own, marking="first", assessor=assessors[0], by=manager)
    first = Assessment.objects.get(case=own, marking="first")
    with pytest.raises(ValidationError, match="second marking is blind"):
        assessment_set_assessor(case=own, marking="second", assessor=first.assessor, by=manager)
    other = next(a for a in assessors if a.pk not in (first.assessor_id, own.case_manager_id))
    second = assessment_set_assessor(case=own, marking="second", assessor=other, by=manager)
    assert second.marking == "second"
    assert assessment_set_assessor(case=own, marking="second", assessor=None, by=manager) is None
    assert not Assessment.objects.filter(case=own, marking="second").exists()


# --- pages -----------------------------------------------------------------------------------


def test_auto_assign_from_the_page_then_the_officer_sees_their_cases(
    client, manager, officer, inspection, assessors, sample
):
    client.force_login(manager)
    url = reverse("cases:sample_assign", args=[inspection.pk])
    page = client.get(url).content.decode()
    assert "Assign automatically" in page
    response = client.post(url, {"action": "auto", "assessors": [a.pk for a in assessors], "second_share": "20"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "34 cases assigned for first marking and 7 for second marking" in page
    assert Assessment.objects.filter(marking="first").count() == 34

    client.force_login(officer)
    home = client.get(reverse("home")).content.decode()
    mine = Assessment.objects.filter(assessor=officer).select_related("case")
    assert mine
    for assessment in mine:
        assert assessment.case.reference in home


def test_adjusting_by_hand_on_the_page(client, manager, inspection, assessors, sample):
    assessments_assign(inspection=inspection, assessors=assessors, by=manager)
    movable = Assessment.objects.filter(assessor=assessors[0]).exclude(case__case_manager=assessors[1]).first()
    started = Assessment.objects.filter(assessor=assessors[1]).exclude(case__case_manager=assessors[0]).first()
    Assessment.objects.filter(pk=started.pk).update(status="submitted")
    client.force_login(manager)
    url = reverse("cases:sample_assign", args=[inspection.pk])
    data = {
        "action": "save",
        f"first-{movable.case_id}": str(assessors[1].pk),
        f"first-{started.case_id}": str(assessors[0].pk),  # not offered on the page, but posted anyway
    }
    page = client.post(url, data).content.decode()
    assert "There is a problem" in page
    assert "so it cannot be moved" in page
    movable.refresh_from_db()
    started.refresh_from_db()
    assert movable.assessor == assessors[1]
    assert started.assessor == assessors[1]
    assert "Started, so it cannot be moved" in client.get(url).content.decode()


def test_the_assignment_page_requires_choosing_assessors(client, manager, inspection, sample):
    client.force_login(manager)
    page = client.post(reverse("cases:sample_assign", args=[inspection.pk]), {"action": "auto", "second_share": "20"})
    assert "Choose at least one assessor" in page.content.decode()
    assert not Assessment.objects.exists()


def test_the_command_assigns(inspection, assessors, sample, capsys):
    names = ",".join(a.username for a in assessors)
    call_command("assign_sample", inspection.pk, "--assessors", names, "--second-share", "20")
    assert "Assigned 34 first markings and 7 second markings" in capsys.readouterr().out


# --- permissions and query counts ------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"), [("manager", 200), ("inspector", 200), ("officer", 403), ("board_member", 403)]
)
def test_who_may_open_the_assignment_page(request, client, inspection, who, status):
    client.force_login(request.getfixturevalue(who))
    url = reverse("cases:sample_assign", args=[inspection.pk])
    assert client.get(url).status_code == status
    if status == 403:
        assert client.post(url, {"action": "auto", "assessors": [], "second_share": "0"}).status_code == 403


def test_the_assignment_page_is_404_elsewhere_and_needs_sign_in(client, other_service, outsider, inspection):
    url = reverse("cases:sample_assign", args=[inspection.pk])
    for person in (member(other_service, Role.MANAGER), outsider):
        client.force_login(person)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url)["Location"].startswith(reverse("account_login"))


def test_the_assignment_page_is_closed_after_scoring(client, manager, service):
    inspection = InspectionFactory(service=service, status="moderation")
    client.force_login(manager)
    page = client.get(reverse("cases:sample_assign", args=[inspection.pk])).content.decode()
    assert "assignments can no longer change" in page


def test_a_closed_assignment_page_shows_who_marked_each_case_and_nobody_for_no_second_marking(
    client, manager, service, assessors
):
    inspection = make_sampling_inspection(service)
    make_cohort(inspection, 6, case_manager=assessors[0])
    sample_draw(inspection=inspection, method="number", size=6, seed="1", by=manager)
    assessments_assign(inspection=inspection, assessors=assessors[1:], second_share=0, by=manager)
    inspection.status = "published"
    inspection.save()
    client.force_login(manager)
    response = client.get(reverse("cases:sample_assign", args=[inspection.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nobody" in page
    assert escape(assessors[1].get_full_name()) in page


def test_assignment_page_query_count_does_not_grow_with_the_sample(
    client, manager, service, assessors, django_assert_max_num_queries
):
    sizes = {}
    for n in (10, 100):
        inspection = make_sampling_inspection(service)
        make_cohort(inspection, n, case_manager=assessors[0])
        sample_draw(inspection=inspection, method="number", size=n, seed="1", by=manager)
        assessments_assign(inspection=inspection, assessors=assessors[1:], second_share=20, by=manager)
        sizes[n] = inspection
    client.force_login(manager)
    with django_assert_max_num_queries(15) as counted:
        client.get(reverse("cases:sample_assign", args=[sizes[10].pk]))
    with django_assert_max_num_queries(len(counted.captured_queries)):
        client.get(reverse("cases:sample_assign", args=[sizes[100].pk]))
