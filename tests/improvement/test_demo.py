"""The demo plan: every BRAG state, an overdue and a completed-late action, two boards, two meetings
with issued reports; running it again changes nothing."""

import datetime

import pytest
from django.apps import apps

from improvement.demo import create_demo_plan
from improvement.models import BoardReport, ImprovementPlan, PlanStatus
from tests.factories import RecommendationFactory

pytestmark = pytest.mark.django_db


def counts():
    return {
        model._meta.label: model._default_manager.count() for model in apps.get_app_config("improvement").get_models()
    }


def test_the_demo_plan_has_every_state_and_runs_twice_the_same(inspection, manager, lead_inspector, board_member):
    RecommendationFactory(inspection=inspection, text="Hear the voice of the young person")
    today = datetime.date.today()
    plan = create_demo_plan(
        inspection, manager=manager, lead_inspector=lead_inspector, board_members=[board_member], today=today
    )
    assert plan.status == PlanStatus.IN_PROGRESS
    assert plan.approved_by == lead_inspector
    assert [t.title for t in plan.themes.all()] == [
        "Leadership and partnership",
        "Quality",
        "Looked after children",
        "Voice of the young person",
    ]
    actions = list(plan.actions.all())
    assert {a.brag for a in actions} == {"blue", "green", "amber", "red"}
    assert any(a.is_overdue(today) for a in actions)
    assert any(a.completed_late for a in actions)
    assert not any(a.partner_name for a in actions if a.owner_id)
    assert {a.partner_name for a in actions if not a.owner_id} >= {"Sam Patel"}
    from improvement.services import uncovered_recommendations

    assert uncovered_recommendations(plan) == []
    assert sorted(b.name for b in plan.inspection.service.boards.all()) == ["Improvement board", "YOS management board"]
    reports = BoardReport.objects.filter(plan=plan)
    assert reports.count() == 2
    latest = reports.order_by("-meeting__held_on").first()
    assert "What changed since the previous meeting" in latest.html
    assert bytes(latest.pdf).startswith(b"%PDF")
    assert plan.actions.filter(updates__evidence__isnull=False).exists()

    before = counts()
    again = create_demo_plan(
        inspection, manager=manager, lead_inspector=lead_inspector, board_members=[board_member], today=today
    )
    assert again == plan
    assert counts() == before
    assert ImprovementPlan.objects.count() == 1
