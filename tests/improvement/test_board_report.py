"""Board reports: counts and changes since the previous meeting, overdue actions, updates, "did it
work?", the glossary at the end; issued reports read the same later; the PDF and the command."""

import datetime
import shutil
import subprocess

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from improvement import selectors, services
from improvement.models import BoardReport
from inspections.models import PublishedQuestionScore
from tests.factories import ActionFactory, BoardFactory, MeetingFactory, PublishedInspectionFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def at(day):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(12)), tick=False)


@pytest.fixture
def story(plan, manager):
    """A plan followed across two meetings: one action goes amber -> red, one completes late,
    one targets a question whose score moved in a later audit."""
    board = BoardFactory(service=plan.inspection.service, name="Improvement board")
    first = MeetingFactory(board=board, held_on=datetime.date(2026, 1, 15))
    second = MeetingFactory(board=board, held_on=datetime.date(2026, 2, 12))
    quality = ThemeFactory(plan=plan, title="Quality", order=1)
    leadership = ThemeFactory(plan=plan, title="Leadership and partnership", order=0)
    question = plan.inspection.framework.questions.first()
    with at(datetime.date(2026, 1, 5)):
        oversight = services.action_create(
            plan=plan,
            by=manager,
            theme=quality,
            title="Oversight of RoSH work",
            owner=manager,
            due_on=datetime.date(2026, 2, 1),
            status="in_progress",
            brag="amber",
            questions=[question],
        )
        training = services.action_create(
            plan=plan,
            by=manager,
            theme=leadership,
            title="Board training",
            partner_name="Jo Evans",
            due_on=datetime.date(2026, 1, 20),
            status="in_progress",
            brag="green",
        )
    with at(datetime.date(2026, 1, 25)):
        services.progress_update_create(
            action=oversight, by=manager, date=datetime.date(2026, 1, 25), brag="red", note="Backlog grew."
        )
    with at(datetime.date(2026, 1, 28)):
        services.progress_update_create(
            action=training, by=manager, date=datetime.date(2026, 1, 28), brag="blue", note="Trained, late."
        )
    with at(datetime.date(2026, 2, 20)):
        services.progress_update_create(
            action=oversight, by=manager, date=datetime.date(2026, 2, 20), brag="amber", note="After the meeting."
        )
    PublishedQuestionScore.objects.create(inspection=plan.inspection, question=question, score=48, yes=12, no=13)
    later = PublishedInspectionFactory(
        service=plan.inspection.service,
        framework=plan.inspection.framework,
        title="YJB mock inspection",
        published_on=datetime.date(2026, 2, 1),
        follows=plan.inspection,
    )
    PublishedQuestionScore.objects.create(inspection=later, question=question, score=71, yes=17, no=7)
    return {"first": first, "second": second, "oversight": oversight, "training": training, "question": question}


def test_the_report_compares_with_the_previous_meeting(plan, story):
    with at(datetime.date(2026, 3, 1)):
        data = selectors.board_report_data(plan, story["second"])
    assert data["previous"] == story["first"]
    assert data["brag_counts"] == {"blue": 1, "green": 0, "amber": 0, "red": 1}
    rows = {row["brag"]: row["change"] for row in data["brag_rows"]}
    assert rows == {"blue": 1, "green": -1, "amber": -1, "red": 1}
    assert {(c["action"].title, c["was"], c["now"]) for c in data["changes"]} == {
        ("Oversight of RoSH work", "amber", "red"),
        ("Board training", "green", "blue"),
    }
    assert [a.title for a in data["overdue"]] == ["Oversight of RoSH work"]
    assert [a.title for a in data["completed_late"]] == ["Board training"]
    assert [u.note for u in data["updates"]] == ["Backlog grew.", "Trained, late."]
    assert [block["theme"].title for block in data["by_theme"]] == ["Leadership and partnership", "Quality"]
    (worked,) = data["did_it_work"]
    assert worked["baseline"].score == 48
    assert [s.score for s in worked["later"]] == [71]
    assert worked["movement"] == 23


def test_the_first_meeting_shows_the_plan_as_it_stood_then(plan, story):
    with at(datetime.date(2026, 3, 1)):
        data = selectors.board_report_data(plan, story["first"])
    assert data["previous"] is None
    assert data["brag_counts"] == {"blue": 0, "green": 1, "amber": 1, "red": 0}
    assert data["overdue"] == []
    assert data["did_it_work"][0]["later"] == []  # the mock was published after this meeting


def test_an_issued_report_reads_the_same_later(client, plan, story, manager, board_member):
    client.force_login(manager)
    with at(datetime.date(2026, 2, 13)):
        response = client.post(reverse("improvement:board_report_issue", args=[plan.pk, story["second"].pk]))
    assert response.status_code == 302
    report = BoardReport.objects.get(plan=plan, meeting=story["second"])
    assert bytes(report.pdf).startswith(b"%PDF")
    services.action_update(action=story["oversight"], by=manager, title="Renamed afterwards")
    client.force_login(board_member)
    page = client.get(reverse("improvement:board_report", args=[plan.pk, story["second"].pk])).content.decode()
    assert "Oversight of RoSH work" in page
    assert "Renamed afterwards" not in page
    assert report.html in page
    pdf = client.get(reverse("improvement:board_report_pdf", args=[plan.pk, story["second"].pk]))
    assert pdf.content == bytes(report.pdf)


def pdf_text(data, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    return subprocess.run(  # noqa: S603
        [shutil.which("pdftotext"), str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def test_the_pdf_opens_and_ends_with_the_glossary(client, plan, story, board_member, tmp_path):
    client.force_login(board_member)
    with at(datetime.date(2026, 3, 1)):
        response = client.get(reverse("improvement:board_report_pdf", args=[plan.pk, story["second"].pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="board-report-2026-02-12.pdf"'
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content, tmp_path)
    assert "Board report for 12 February 2026" in text
    assert "Glossary" in text
    assert "Youth offending service" in text
    assert text.index("Overdue actions") < text.index("Glossary")


def test_the_board_report_command_writes_pdf_and_html(plan, story, tmp_path):
    pdf_path, html_path = tmp_path / "report.pdf", tmp_path / "report.html"
    call_command("board_report", plan.pk, meeting="2026-02-12", format="pdf", output=str(pdf_path))
    assert pdf_path.read_bytes().startswith(b"%PDF")
    assert "Glossary" in pdf_text(pdf_path.read_bytes(), tmp_path)
    call_command("board_report", plan.pk, meeting="2026-02-12", format="html", output=str(html_path))
    html = html_path.read_text()
    assert html.startswith("<!DOCTYPE html>")
    assert "@page" in html and "A4" in html
    assert "Board report for 12 February 2026" in html


def test_the_command_explains_a_wrong_meeting(plan, story):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="met on"):
        call_command("board_report", plan.pk, meeting="2026-02-13", format="html", output="-")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("board_report", plan.pk, meeting="12/02/2026", format="html", output="-")


def test_report_and_plan_page_queries_do_not_grow_with_actions(client, plan, manager, django_assert_max_num_queries):
    board = BoardFactory(service=plan.inspection.service)
    MeetingFactory(board=board, held_on=datetime.date(2026, 1, 1))
    meeting = MeetingFactory(board=board, held_on=datetime.date(2026, 2, 1))
    theme = ThemeFactory(plan=plan)
    question = plan.inspection.framework.questions.first()

    def add_actions(count):
        for _ in range(count):
            action = ActionFactory(theme=theme, owner=manager, partner_name="")
            action.questions.add(question)
            action.recommendations.add(*plan.inspection.recommendations.all())
            services.progress_update_create(
                action=action, by=manager, date=datetime.date(2026, 1, 20), brag="amber", note="n"
            )

    def count_queries(callable_):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            callable_()
        return len(captured)

    client.force_login(manager)
    pages = [
        lambda: selectors.board_report_data(plan, meeting),
        lambda: selectors.plan_overview(plan),
        lambda: client.get(reverse("improvement:plan_detail", args=[plan.pk])),
        lambda: client.get(reverse("improvement:board_report", args=[plan.pk, meeting.pk])),
        lambda: selectors.plan_changes(plan),
    ]
    add_actions(2)
    few = [count_queries(page) for page in pages]
    add_actions(8)
    many = [count_queries(page) for page in pages]
    assert few == many
    assert max(few) <= 25
