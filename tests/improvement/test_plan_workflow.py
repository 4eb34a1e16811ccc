"""The plan's life: coverage blocks submission, only the lead inspector approves, dates and flags."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from improvement import services
from improvement.models import Action, ImprovementPlan, PlanStatus, add_months
from inspections.models import Role
from tests.factories import ActionFactory, PublishedInspectionFactory, RecommendationFactory, ThemeFactory, member
from tests.pages import unmarked

pytestmark = pytest.mark.django_db


def cover(plan, recommendations, manager):
    theme = ThemeFactory(plan=plan)
    return services.action_create(
        plan=plan,
        by=manager,
        theme=theme,
        title="Covering action",
        owner=manager,
        due_on=datetime.date(2026, 5, 1),
        status="not_started",
        brag="green",
        recommendations=recommendations,
    )


def test_a_plan_cannot_be_submitted_while_a_recommendation_has_no_action(plan, manager):
    first, second = plan.inspection.recommendations.all()
    cover(plan, [first], manager)
    with pytest.raises(services.CoverageIncomplete) as refused:
        services.plan_submit(plan=plan, by=manager)
    assert refused.value.uncovered == [second]
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_the_submit_page_lists_the_uncovered_recommendations_and_refuses(client, plan, manager):
    first, second = plan.inspection.recommendations.all()
    cover(plan, [first], manager)
    client.force_login(manager)
    page = client.get(reverse("improvement:plan_submit", args=[plan.pk])).content.decode()
    assert second.text in unmarked(page)
    assert first.text not in page
    response = client.post(reverse("improvement:plan_submit", args=[plan.pk]))
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    plan_page = client.get(reverse("improvement:plan_detail", args=[plan.pk])).content.decode()
    assert 'Involve the <abbr title="Youth Justice Board">YJB</abbr> in data reporting' in plan_page
    assert "No action yet" in plan_page


def test_once_every_recommendation_is_covered_the_manager_submits(client, plan, manager):
    cover(plan, list(plan.inspection.recommendations.all()), manager)
    client.force_login(manager)
    response = client.post(reverse("improvement:plan_submit", args=[plan.pk]))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    assert plan.submitted_by == manager


@pytest.fixture
def submitted(plan, manager):
    cover(plan, list(plan.inspection.recommendations.all()), manager)
    return services.plan_submit(plan=plan, by=manager)


def test_only_the_lead_inspector_approves_and_the_date_is_recorded(client, submitted, lead_inspector, manager, service):
    another_inspector = member(service, Role.INSPECTOR, username="ivy")
    url = reverse("improvement:plan_approve", args=[submitted.pk])
    for person in [manager, another_inspector]:
        client.force_login(person)
        assert client.post(url, {"decision": "approve"}).status_code == 403
        with pytest.raises(PermissionDenied):
            services.plan_approve(plan=submitted, by=person)
    submitted.refresh_from_db()
    assert submitted.status == PlanStatus.SUBMITTED

    client.force_login(lead_inspector)
    with time_machine.travel(datetime.date(2026, 2, 3), tick=False):
        response = client.post(url, {"decision": "approve"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == PlanStatus.APPROVED
    assert submitted.approved_by == lead_inspector
    assert submitted.approved_on == datetime.date(2026, 2, 3)


def test_a_lead_inspector_who_left_the_service_cannot_approve(submitted, lead_inspector):
    lead_inspector.memberships.all().delete()
    with pytest.raises(PermissionDenied):
        services.plan_approve(plan=submitted, by=lead_inspector)


def test_the_lead_inspector_sends_a_plan_back_with_a_reason(client, submitted, lead_inspector):
    client.force_login(lead_inspector)
    url = reverse("improvement:plan_approve", args=[submitted.pk])
    response = client.post(url, {"decision": "return", "reason": ""})
    assert response.status_code == 200
    assert "Enter what needs to change" in response.content.decode()
    client.post(url, {"decision": "return", "reason": "Add dates to the LAC actions"})
    submitted.refresh_from_db()
    assert submitted.status == PlanStatus.DRAFT
    assert submitted.returned_reason == "Add dates to the LAC actions"


def test_an_approved_plan_goes_in_progress_then_closes(client, submitted, lead_inspector, manager):
    services.plan_approve(plan=submitted, by=lead_inspector)
    client.force_login(manager)
    client.post(reverse("improvement:plan_start", args=[submitted.pk]))
    submitted.refresh_from_db()
    assert submitted.status == PlanStatus.IN_PROGRESS
    client.post(reverse("improvement:plan_close", args=[submitted.pk]))
    submitted.refresh_from_db()
    assert submitted.status == PlanStatus.CLOSED
    assert client.get(reverse("improvement:action_create", args=[submitted.pk])).status_code == 403


def test_the_database_refuses_an_approved_plan_without_who_and_when(plan):
    plan.status = PlanStatus.APPROVED
    with pytest.raises(IntegrityError), transaction.atomic():
        plan.save()


def test_the_reinspection_is_due_a_year_after_publication_and_can_be_changed(client, service, manager):
    inspection = PublishedInspectionFactory(service=service, published_on=datetime.date(2024, 2, 29))
    plan = services.plan_create(inspection=inspection, by=manager)
    assert plan.reinspection_due == datetime.date(2025, 2, 28)
    assert add_months(datetime.date(2025, 6, 8), 12) == datetime.date(2026, 6, 8)
    client.force_login(manager)
    client.post(
        reverse("improvement:plan_edit", args=[plan.pk]),
        {"reinspection_due_0": "1", "reinspection_due_1": "3", "reinspection_due_2": "2025"},
    )
    plan.refresh_from_db()
    assert plan.reinspection_due == datetime.date(2025, 3, 1)
    with time_machine.travel(datetime.date(2025, 2, 1), tick=False):
        page = client.get(reverse("improvement:plan_detail", args=[plan.pk])).content.decode()
    assert "1 March 2025 (28 days left)" in page


def test_a_plan_is_only_for_a_published_inspection_and_only_one(client, service, manager):
    from tests.factories import InspectionFactory

    with pytest.raises(ValidationError):
        services.plan_create(inspection=InspectionFactory(service=service, status="scoring"), by=manager)
    inspection = PublishedInspectionFactory(service=service)
    client.force_login(manager)
    client.post(reverse("improvement:plan_create", args=[inspection.pk]), {})
    assert ImprovementPlan.objects.filter(inspection=inspection).count() == 1
    with pytest.raises(ValidationError):
        services.plan_create(inspection=inspection, by=manager)


@pytest.mark.parametrize(
    ("today", "overdue"),
    [(datetime.date(2026, 3, 30), False), (datetime.date(2026, 3, 31), False), (datetime.date(2026, 4, 1), True)],
)
def test_an_open_action_past_its_due_date_is_overdue(today, overdue):
    action = ActionFactory(due_on=datetime.date(2026, 3, 31), status="in_progress", brag="amber")
    with time_machine.travel(today, tick=False):
        assert action.overdue is overdue


def test_an_action_completed_after_its_due_date_is_completed_late_and_not_overdue(manager):
    action = ActionFactory(due_on=datetime.date(2026, 3, 31), status="in_progress", brag="red")
    with time_machine.travel(datetime.date(2026, 4, 14), tick=False):
        assert action.overdue
        services.progress_update_create(
            action=action, by=manager, date=datetime.date(2026, 4, 14), brag="blue", note="Done at last."
        )
        action.refresh_from_db()
        assert action.status == "complete"
        assert action.completed_on == datetime.date(2026, 4, 14)
        assert action.completed_late
        assert not action.overdue


def test_an_action_completed_on_time_is_not_late(manager):
    action = ActionFactory(due_on=datetime.date(2026, 3, 31))
    with time_machine.travel(datetime.date(2026, 3, 20), tick=False):
        services.action_update(action=action, by=manager, status="complete")
    assert action.brag == "blue"
    assert action.completed_on == datetime.date(2026, 3, 20)
    assert not action.completed_late


def test_the_plan_page_flags_overdue_and_completed_late_actions(client, plan, manager):
    theme = ThemeFactory(plan=plan)
    ActionFactory(theme=theme, title="Late one", due_on=datetime.date(2026, 1, 31), status="in_progress")
    ActionFactory(
        theme=theme,
        title="Finished late",
        due_on=datetime.date(2026, 1, 31),
        status="complete",
        brag="blue",
        completed_on=datetime.date(2026, 2, 10),
    )
    client.force_login(manager)
    with time_machine.travel(datetime.date(2026, 2, 15), tick=False):
        page = client.get(reverse("improvement:plan_detail", args=[plan.pk])).content.decode()
    assert page.count(">Overdue<") == 1
    assert page.count(">Completed late<") == 1


def test_blue_means_complete_in_the_database():
    action = ActionFactory(status="in_progress", brag="green")
    action.brag = "blue"
    with pytest.raises(IntegrityError), transaction.atomic():
        action.save()


def test_an_action_needs_an_owner(plan, manager):
    theme = ThemeFactory(plan=plan)
    with pytest.raises(ValidationError):
        services.action_create(plan=plan, by=manager, theme=theme, title="Nobody's", due_on=datetime.date(2026, 5, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.create(plan=plan, theme=theme, title="Nobody's", due_on=datetime.date(2026, 5, 1))


def test_an_action_answers_only_its_own_inspections_recommendations(plan, manager):
    elsewhere = RecommendationFactory()
    with pytest.raises(ValidationError):
        cover(plan, [elsewhere], manager)
