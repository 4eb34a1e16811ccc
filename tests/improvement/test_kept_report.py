"""A draft board report's body is kept until anything it shows changes (improvement/views.py): the
database's triggers (improvement migration 0008) move the figures' version of the plan's inspection on
every change to the plan's data, and of every inspection of the service on a change to its board,
meetings or glossary, whatever code makes the change; the report shows a change at once."""

import datetime
import functools
import re

import pytest
from django.urls import reverse

from cases.figures_version import versions, versions_of
from improvement import services
from improvement.models import Action, Board, BoardReport, Evidence, Meeting, ProgressUpdate, Term, Theme
from inspections.models import Recommendation
from tests.factories import (
    ActionFactory,
    BoardFactory,
    InspectionFactory,
    MeetingFactory,
    PlanFactory,
    ProgressUpdateFactory,
    RecommendationFactory,
    ServiceFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


def moved(inspection_ids, change):
    """Which of the inspections' figures' versions `change()` moved (0: every inspection's)."""
    before = versions_of(inspection_ids)
    change()
    after = versions_of(inspection_ids)
    return {pk for pk, was, now in zip([0, *inspection_ids], before, after, strict=True) if was != now}


def test_every_change_to_a_plans_data_moves_its_inspections_version(plan, manager):
    service = plan.inspection.service
    sister = InspectionFactory(service=service, framework=plan.inspection.framework)  # another of the service's
    elsewhere = PlanFactory(inspection=InspectionFactory(service=ServiceFactory(), framework=sister.framework))
    ids = [plan.inspection_id, sister.pk, elsewhere.inspection_id]
    own, service_wide = {plan.inspection_id}, {plan.inspection_id, sister.pk}
    theme = ThemeFactory(plan=plan)
    action = ActionFactory(theme=theme, owner=manager)
    update = ProgressUpdateFactory(action=action, author=manager)
    board = BoardFactory(service=service)
    meeting = MeetingFactory(board=board)
    question = plan.inspection.framework.questions.first()
    recommendation = RecommendationFactory(inspection=plan.inspection)
    changes = {
        "the plan's status": (lambda: type(plan).objects.filter(pk=plan.pk).update(status="submitted"), own),
        "a theme renamed": (lambda: Theme.objects.filter(pk=theme.pk).update(title="Renamed"), own),
        "a theme added": (lambda: ThemeFactory(plan=plan), own),
        "an action's BRAG": (lambda: Action.objects.filter(pk=action.pk).update(brag="red"), own),
        "an action's history": (lambda: action.history.update(title="Then"), own),
        "a question targeted": (lambda: action.questions.add(question), own),
        "a recommendation answered": (lambda: action.recommendations.add(recommendation), own),
        "a progress update": (lambda: ProgressUpdate.objects.filter(pk=update.pk).update(note="Changed"), own),
        "evidence uploaded": (
            lambda: Evidence.objects.create(
                update=update, uploaded_by=manager, original_name="e.pdf", stored_name="e1", content_type="x", size=1
            ),
            own,
        ),
        "a report issued": (
            lambda: BoardReport.objects.create(plan=plan, meeting=meeting, number=1, html="<p>r</p>", pdf=b""),
            own,
        ),
        "a recommendation reworded": (
            lambda: Recommendation.objects.filter(pk=recommendation.pk).update(text="Reworded"),
            own,
        ),
        "a meeting's notes": (lambda: Meeting.objects.filter(pk=meeting.pk).update(notes="Minuted"), service_wide),
        "the board renamed": (lambda: Board.objects.filter(pk=board.pk).update(name="New board"), service_wide),
        "a service's glossary term": (
            lambda: Term.objects.create(service=service, term="ZQA", meaning="A term of the service"),
            service_wide,
        ),
        "a national glossary term": (lambda: Term.objects.create(term="ZQB", meaning="A national term"), {0}),
        "an action deleted": (lambda: Action.objects.filter(pk=action.pk).delete(), own),
    }
    for what, (change, expected) in changes.items():
        assert moved(ids, change) == expected, what


@pytest.fixture
def report(plan, manager):
    board = BoardFactory(service=plan.inspection.service)
    meeting = MeetingFactory(board=board, held_on=datetime.date.today() + datetime.timedelta(days=7))
    theme = ThemeFactory(plan=plan, title="Quality of work")
    action = ActionFactory(theme=theme, owner=manager, title="Oversight of RoSH work")
    return meeting, theme, action


def test_the_draft_report_shows_a_change_at_once(client, plan, manager, report):
    meeting, theme, action = report
    url = reverse("improvement:board_report", args=[plan.pk, meeting.pk])
    client.force_login(manager)

    def body():
        page = client.get(url).content.decode()
        return re.sub(r"\s+", " ", page[page.index('<div class="app-board-report">') : page.index("</main>")])

    first = body()
    assert "Quality of work" in first
    assert body() == first  # read again, nothing changed: the body kept
    services.theme_update(theme=theme, by=manager, title="Quality of practice", order=theme.order)
    assert "Quality of practice" in body() and "Quality of work" not in body()
    services.progress_update_create(
        action=action, by=manager, date=datetime.date.today(), brag="red", note="Two reviews slipped"
    )
    assert "Two reviews slipped" in body()
    # A term added to the service's glossary: the report's glossary lists it.
    Term.objects.create(service=plan.inspection.service, term="ZQC", meaning="Quite unlike any other")
    assert "Quite unlike any other" in body()
    # Issued: the stored report from then on, and its version is listed.
    services.board_report_issue(plan=plan, meeting=meeting, by=manager)
    assert BoardReport.objects.filter(plan=plan, meeting=meeting).count() == 1
    assert "Two reviews slipped" in body()


def test_without_the_plans_triggers_the_draft_is_not_kept(client, plan, manager, report, monkeypatch):
    from django.db import connection

    from cases.figures_version import _triggers_in_place

    meeting, theme, _ = report
    with connection.cursor() as cursor:
        on_table = " ON improvement_theme" if connection.vendor == "postgresql" else ""
        cursor.execute(f"DROP TRIGGER yos_figures_improvement_theme_update{on_table}")
    monkeypatch.setattr("cases.figures_version._triggers_in_place", functools.cache(_triggers_in_place.__wrapped__))
    url = reverse("improvement:board_report", args=[plan.pk, meeting.pk])
    client.force_login(manager)
    assert "Quality of work" in client.get(url).content.decode()
    before = versions(plan.inspection_id)
    Theme.objects.filter(pk=theme.pk).update(title="Quality of practice")
    assert versions(plan.inspection_id) == before  # no trigger moved the version
    assert "Quality of practice" in client.get(url).content.decode()


def test_the_plan_page_is_kept_for_what_each_reader_may_do_and_posts_with_their_own_token(
    plan, manager, board_member, service
):
    """The plan page below its heading is kept; its forms carry a stand-in for the CSRF token, each
    reader's page their own; a board member (who may change nothing) never reads the manager's links."""
    from django.test import Client

    from inspections.models import Role
    from tests.factories import member

    type(plan).objects.filter(pk=plan.pk).update(
        status="approved", approved_by=manager, approved_on=datetime.date.today(), submitted_on=datetime.date.today()
    )
    ThemeFactory(plan=plan, title="Quality of work")
    url = reverse("improvement:plan_detail", args=[plan.pk])
    readers = [Client(enforce_csrf_checks=True) for _ in range(3)]
    people = [manager, member(service, Role.MANAGER, username="colleague"), board_member]
    for reader, person in zip(readers, people, strict=True):
        reader.force_login(person)
    pages = [reader.get(url).content.decode() for reader in readers]
    assert all("Quality of work" in page for page in pages)
    start = reverse("improvement:plan_start", args=[plan.pk])
    assert start in pages[0] and start in pages[1] and start not in pages[2]
    tokens = [
        re.search(rf'action="{start}"[^>]*><input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"', page)
        for page in pages[:2]
    ]
    assert all(token and token.group(1) != "<kept-csrf-token>" for token in tokens)
    # The colleague's page came from what the manager's read kept, yet their own token is in its form.
    assert readers[1].post(start, {"csrfmiddlewaretoken": tokens[0].group(1)}).status_code == 403
    assert readers[1].post(start, {"csrfmiddlewaretoken": tokens[1].group(1)}).status_code == 302
    plan.refresh_from_db()
    assert plan.status == "in_progress"
    assert "In progress" in readers[2].get(url).content.decode()  # the change, shown at once
