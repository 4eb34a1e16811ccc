"""Every change to a plan is on record (who, what, old -> new); the forms write through the services
and keep what was typed when something is wrong."""

import datetime

import pytest
from django.urls import reverse
from django.utils.html import escape

from improvement.models import Action, Board, Meeting, Theme
from tests.factories import ThemeFactory
from tests.pages import unmarked

pytestmark = pytest.mark.django_db


def action_form(theme, recommendations, **overrides):
    data = {
        "theme": theme.pk,
        "title": "Monthly case audits",
        "description": "Two cases per case manager.",
        "recommendations": [r.pk for r in recommendations],
        "partner_name": "",
        "partner_agency": "",
        "partner_email": "",
        "due_on_0": "31",
        "due_on_1": "3",
        "due_on_2": "2026",
        "status": "in_progress",
        "brag": "green",
        "success_measure": "80% well enough",
    }
    data.update(overrides)
    return data


def test_a_manager_writes_themes_and_actions(client, plan, manager):
    client.force_login(manager)
    client.post(reverse("improvement:theme_create", args=[plan.pk]), {"title": "Quality", "order": ""})
    theme = Theme.objects.get(plan=plan)
    recommendations = list(plan.inspection.recommendations.all())
    response = client.post(
        reverse("improvement:action_create", args=[plan.pk]), action_form(theme, recommendations, owner=manager.pk)
    )
    assert response.status_code == 302
    action = Action.objects.get()
    assert action.owner == manager
    assert action.due_on == datetime.date(2026, 3, 31)
    assert list(action.recommendations.all()) == recommendations


def test_the_action_form_keeps_what_was_typed_and_says_what_is_wrong(client, plan, manager):
    theme = ThemeFactory(plan=plan)
    client.force_login(manager)
    response = client.post(
        reverse("improvement:action_create", args=[plan.pk]),
        action_form(theme, [], title="Typed title", due_on_0="31", due_on_1="02", due_on_2="2026", brag="blue"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Choose an owner in the service" in page
    assert "Blue means complete" in page
    assert 'value="Typed title"' in page
    assert 'name="due_on_1" value="02"' in page
    assert not Action.objects.exists()


def test_a_partner_owner_without_an_account(client, plan, manager):
    theme = ThemeFactory(plan=plan)
    client.force_login(manager)
    client.post(
        reverse("improvement:action_create", args=[plan.pk]),
        action_form(
            theme, [], partner_name="Sam Patel", partner_agency="Children's social care", partner_email="sam@x.invalid"
        ),
    )
    action = Action.objects.get()
    assert action.owner is None
    assert action.owner_display == "Sam Patel (Children's social care)"
    assert action.owner_email == "sam@x.invalid"


def test_every_change_is_on_record_with_who_and_old_and_new(client, plan, manager, board_member):
    theme = ThemeFactory(plan=plan)
    client.force_login(manager)
    client.post(reverse("improvement:action_create", args=[plan.pk]), action_form(theme, [], owner=manager.pk))
    action = Action.objects.get()
    client.post(
        reverse("improvement:action_edit", args=[action.pk]), action_form(theme, [], owner=manager.pk, brag="amber")
    )
    client.post(
        reverse("improvement:update_create", args=[action.pk]),
        {"date_0": "1", "date_1": "2", "date_2": "2026", "brag": "red", "note": "Slipping"},
    )
    page = client.get(reverse("improvement:plan_history", args=[plan.pk])).content.decode()
    assert "Changed: Action: Monthly case audits" in page
    assert "BRAG rating: Green: on track" in unmarked(page) and "Amber: at risk" in page
    assert "Added: Progress update on Monthly case audits" in page
    assert escape(manager.get_full_name()) in page
    assert action.history.count() == 3  # added, edited, and the update's red
    client.force_login(board_member)
    assert client.get(reverse("improvement:plan_history", args=[plan.pk])).status_code == 403


def test_a_manager_sets_up_boards_and_meetings(client, service, manager, board_member, officer):
    client.force_login(manager)
    response = client.post(
        reverse("improvement:board_create"), {"name": "Improvement board", "members": [board_member.pk]}
    )
    board = Board.objects.get(service=service)
    assert response.status_code == 302
    assert list(board.members.all()) == [board_member]
    response = client.post(reverse("improvement:board_create"), {"name": "Improvement board", "members": [officer.pk]})
    page = response.content.decode()
    assert "already has a board" in page
    assert "Choose the members from the list" in page  # an officer is not a board member
    client.post(
        reverse("improvement:meeting_create", args=[board.pk]),
        {"held_on_0": "12", "held_on_1": "2", "held_on_2": "2026"},
    )
    assert Meeting.objects.get(board=board).held_on == datetime.date(2026, 2, 12)
    response = client.post(
        reverse("improvement:meeting_create", args=[board.pk]),
        {"held_on_0": "12", "held_on_1": "2", "held_on_2": "2026"},
    )
    assert "already has a meeting" in response.content.decode()
