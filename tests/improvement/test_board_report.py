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
from tests.factories import (
    ActionFactory,
    AssessmentFactory,
    BoardFactory,
    CaseFactory,
    InspectionFactory,
    MeetingFactory,
    PublishedInspectionFactory,
    ThemeFactory,
    make_answers,
)
from tests.pages import unmarked

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


def audit_in_progress(plan, title, values, status="scoring"):
    """An audit of the plan's service still being scored: one submitted case per value of roh-1."""
    audit = InspectionFactory(
        service=plan.inspection.service, framework=plan.inspection.framework, status=status, title=title
    )
    for number, value in enumerate(values):
        make_answers(
            AssessmentFactory(case=CaseFactory(inspection=audit, reference=f"{title[:2]}-{number}")), {"roh-1": value}
        )
    return audit


def test_did_it_work_shows_an_audit_in_progress_as_provisional(client, plan, story, manager):
    audit = audit_in_progress(plan, "Monthly audit", ["yes", "yes", "yes", "yes", "no", "no", "na"])
    audit_in_progress(plan, "Small audit", ["yes", "no"], status="moderation")
    audit_in_progress(plan, "Planned audit", ["yes"] * 6, status="planned")
    # A case still being marked blind (second marking in draft) is left out of the figure.
    blind = CaseFactory(inspection=audit, reference="MO-blind")
    make_answers(AssessmentFactory(case=blind), {"roh-1": "no"})
    AssessmentFactory(case=blind, marking="second")
    with at(datetime.date(2026, 2, 10)):
        data = selectors.board_report_data(plan, story["second"])
    (worked,) = data["did_it_work"]
    assert [(s.inspection.title, s.score, s.rated) for s in worked["provisional"]] == [
        ("Monthly audit", 67, 6),
        ("Small audit", None, 2),
    ]
    assert data["provisional_shown"]
    client.force_login(manager)
    with at(datetime.date(2026, 2, 10)):
        page = client.get(reverse("improvement:board_report", args=[plan.pk, story["second"].pk])).content.decode()
    assert "Monthly audit (in progress): 67% of 6 cases so far" in page
    assert "Small audit (in progress): fewer than 5 cases scored so far" in page
    assert "Planned audit" not in page
    assert "as they stood on 10 February 2026" in page


def test_the_first_meeting_shows_the_plan_as_it_stood_then(plan, story):
    with at(datetime.date(2026, 3, 1)):
        data = selectors.board_report_data(plan, story["first"])
    assert data["previous"] is None
    assert data["brag_counts"] == {"blue": 0, "green": 1, "amber": 1, "red": 0}
    assert data["overdue"] == []
    assert data["did_it_work"][0]["later"] == []  # the mock was published after this meeting


def test_a_meeting_still_to_come_shows_the_actions_as_they_stand_now(plan, story):
    # On the meeting's day (not over yet) the report reads every record so far; after the day, the
    # records up to its end: the same actions either way.
    with at(datetime.date(2026, 2, 12)):
        on_the_day = selectors.board_report_data(plan, story["second"])
    with at(datetime.date(2026, 3, 1)):
        after = selectors.board_report_data(plan, story["second"])
    assert on_the_day["brag_counts"] == after["brag_counts"] == {"blue": 1, "green": 0, "amber": 0, "red": 1}
    assert [(a.title, a.brag) for a in on_the_day["actions"]] == [(a.title, a.brag) for a in after["actions"]]
    # Read on 20 January, before the updates of the 25th and 28th (already on record here): left out.
    with at(datetime.date(2026, 1, 20)):
        early = selectors.board_report_data(plan, story["second"])
    assert early["brag_counts"] == {"blue": 0, "green": 1, "amber": 1, "red": 0}
    assert early["changes"] == []  # as at the previous meeting (15 January)


def test_an_issued_report_reads_the_same_later(client, plan, story, manager, board_member):
    client.force_login(manager)
    with at(datetime.date(2026, 2, 13)):
        response = client.post(
            reverse("improvement:board_report_issue", args=[plan.pk, story["second"].pk]), {"confirmed": "yes"}
        )
    assert response.status_code == 302
    report = BoardReport.objects.get(plan=plan, meeting=story["second"])
    assert bytes(report.pdf).startswith(b"%PDF")
    services.action_update(action=story["oversight"], by=manager, title="Renamed afterwards")
    client.force_login(board_member)
    page = client.get(reverse("improvement:board_report", args=[plan.pk, story["second"].pk])).content.decode()
    assert "Oversight of RoSH work" in unmarked(page)
    assert "Renamed afterwards" not in page
    assert report.html in page
    pdf = client.get(reverse("improvement:board_report_pdf", args=[plan.pk, story["second"].pk]))
    assert pdf.content == bytes(report.pdf)


def test_reissuing_keeps_every_earlier_version_numbered_and_readable(client, plan, story, manager, board_member):
    meeting = story["second"]
    client.force_login(manager)
    url = reverse("improvement:board_report", args=[plan.pk, meeting.pk])
    with at(datetime.date(2026, 2, 13)):
        client.post(reverse("improvement:board_report_issue", args=[plan.pk, meeting.pk]), {"confirmed": "yes"})
    services.action_update(action=story["oversight"], by=manager, title="Renamed before the second issue")
    with time_machine.travel(datetime.datetime(2026, 2, 13, 12, 10), tick=False):  # signed in still
        client.post(reverse("improvement:board_report_issue", args=[plan.pk, meeting.pk]), {"confirmed": "yes"})
    first, second = BoardReport.objects.filter(plan=plan, meeting=meeting).order_by("number")
    assert (first.number, second.number) == (1, 2)
    assert "Renamed before the second issue" not in first.html and "Renamed before the second issue" in second.html
    # Who issued which version, and when, is on the record of changes (without a copy of the PDF).
    issued = BoardReport.history.filter(meeting=meeting).order_by("number")
    assert [(r.number, r.history_type, r.history_user) for r in issued] == [(1, "+", manager), (2, "+", manager)]

    client.force_login(board_member)
    page = client.get(url).content.decode()
    assert "Version 2 (the current version)" in page
    assert "Renamed before the second issue" in page
    assert f'href="{url}?version=1"' in page
    earlier = client.get(url, {"version": 1}).content.decode()
    assert "Version 1: an earlier version" in earlier and "Read the current version (2)" in earlier
    assert unmarked(first.html) in unmarked(earlier) and "Renamed before the second issue" not in earlier
    pdf = client.get(reverse("improvement:board_report_pdf", args=[plan.pk, meeting.pk]), {"version": 1})
    assert pdf.content == bytes(first.pdf)
    assert pdf["Content-Disposition"].endswith('-version-1.pdf"')
    assert client.get(reverse("improvement:board_report_pdf", args=[plan.pk, meeting.pk])).content == bytes(second.pdf)
    assert client.get(url, {"version": 3}).status_code == 404


def pdf_text(data, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    return subprocess.run(  # noqa: S603
        [shutil.which("pdftotext"), str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def test_the_pdf_opens_and_ends_with_the_glossary(client, plan, story, manager, tmp_path):
    client.force_login(manager)
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
    from django.db import DEFAULT_DB_ALIAS

    from cases.figures_version import FIGURES_MIGRATION, triggers_in_place
    from improvement.views import PLAN_MIGRATION

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
        lambda: client.get(reverse("improvement:plan_detail", args=[plan.pk])),  # read again
        lambda: client.get(reverse("improvement:board_report", args=[plan.pk, meeting.pk])),
        lambda: client.get(reverse("improvement:board_report", args=[plan.pk, meeting.pk])),  # read again
        lambda: selectors.plan_changes(plan),
    ]
    for migration in (FIGURES_MIGRATION, PLAN_MIGRATION):  # asked once per process: not a page's query
        triggers_in_place(DEFAULT_DB_ALIAS, migration)
    add_actions(2)
    few = [count_queries(page) for page in pages]
    add_actions(8)
    many = [count_queries(page) for page in pages]
    assert few == many
    # The report's data, the plan's overview, the plan page and the report page (each worked out: its
    # data, with the service's inspections and their figures' versions; read again, nothing changed:
    # kept, no data read), the plan's changes: lower these when a change saves a query, so that a
    # query added back fails here.
    assert few == [8, 3, 10, 5, 15, 7, 5]


def test_a_board_member_lands_on_the_latest_issued_report_and_never_reads_a_draft(client, django_user_model):
    from improvement.models import BoardReport
    from inspections.models import Role
    from tests.factories import BoardFactory, MeetingFactory, MembershipFactory, PlanFactory, UserFactory

    plan = PlanFactory()
    service = plan.inspection.service
    board = BoardFactory(service=service, name="Improvement board")
    earlier = MeetingFactory(board=board, held_on=datetime.date(2026, 1, 10))
    draft = MeetingFactory(board=board, held_on=datetime.date(2026, 3, 10))
    BoardReport.objects.create(plan=plan, meeting=earlier, html="<p>Issued in January</p>", pdf=b"%PDF")
    member = UserFactory(username="beatrice")
    MembershipFactory(user=member, service=service, role=Role.BOARD_MEMBER)
    client.force_login(member)

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        home = client.get("/").content.decode()
    # Session, person, the latest issued report (read with what its link shows), the plans, the inspections.
    assert len(captured) == 5
    assert "Latest board report" in home
    assert reverse("improvement:board_report", args=[plan.pk, earlier.pk]) in home
    assert "Board report for Improvement board, 10 January 2026</a>" in home
    assert f"{plan.inspection.title}: issued " in home

    page = client.get(reverse("improvement:board_report", args=[plan.pk, draft.pk])).content.decode()
    assert "has not been issued yet" in page and "app-board-report" not in page
    assert reverse("improvement:board_report", args=[plan.pk, earlier.pk]) in page
    assert client.get(reverse("improvement:board_report_pdf", args=[plan.pk, draft.pk])).status_code == 404
    assert (
        "Issued in January"
        in client.get(reverse("improvement:board_report", args=[plan.pk, earlier.pk])).content.decode()
    )


def test_the_pdf_is_tagged_for_screen_readers_with_its_title_and_language(tmp_path):
    import re
    import zlib

    from improvement.reports import html_to_pdf

    pdf = html_to_pdf("<h1>Board report</h1><p>Actions by BRAG rating</p>", title="Board report: Improvement board")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    info = subprocess.run([shutil.which("pdfinfo"), str(path)], capture_output=True, check=True, text=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    assert re.search(r"^Title:\s+Board report: Improvement board$", info, re.M)
    objects = (
        b"".join(
            zlib.decompress(stream) if stream.startswith(b"x") else stream
            for stream in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S)
        )
        + pdf
    )
    catalog = objects[objects.index(b"/Type /Catalog") :][:400]
    assert b"/Lang (en-GB)" in catalog
    assert b"/StructTreeRoot" in catalog and b"/MarkInfo <</Marked true>>" in catalog
    assert b'pdfuaid:part="1"' in objects
