"""Shared set-up for improvement tests: a plan with one of everything, and every URL of the app."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from improvement import services, urls
from improvement.models import Term
from inspections.models import Role
from tests.factories import BoardFactory, MeetingFactory, PublishedInspectionFactory, ThemeFactory, member

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def pdf_upload(name="minutes.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def full_plan(plan, manager):
    """Give `plan` a theme, an action with an update and evidence, a board with a meeting. Returns a dict."""
    inspection = plan.inspection
    theme = ThemeFactory(plan=plan, title="Quality")
    action = services.action_create(
        plan=plan,
        by=manager,
        theme=theme,
        title="Audit cases monthly",
        owner=manager,
        due_on=datetime.date(2026, 3, 31),
        status="in_progress",
        brag="green",
        recommendations=list(inspection.recommendations.all()),
    )
    update = services.progress_update_create(
        action=action,
        by=manager,
        date=datetime.date(2026, 1, 10),
        brag="green",
        note="First audit done.",
        files=[pdf_upload()],
    )
    board = BoardFactory(service=inspection.service, name="Improvement board")
    meeting = MeetingFactory(board=board, held_on=datetime.date(2026, 2, 1))
    waiting = PublishedInspectionFactory(service=inspection.service, framework=inspection.framework, title="Mock 2026")
    return {
        "plan": plan,
        "theme": theme,
        "action": action,
        "update": update,
        "evidence": update.evidence.get(),
        "board": board,
        "meeting": meeting,
        "term": Term.objects.get(term="YOS"),
        "waiting_inspection": waiting,
    }


def url_for(pattern, objects):
    """The URL of `pattern` for the objects of `full_plan`, choosing each argument by the route's prefix."""
    route = str(pattern.pattern)
    kwargs = {}
    if "<int:pk>" in route:
        prefix = route.split("/")[0]
        owner = {
            "plans": "plan",
            "themes": "theme",
            "actions": "action",
            "evidence": "evidence",
            "boards": "board",
            "glossary": "term",
        }[prefix]
        kwargs["pk"] = objects[owner].pk
    if "<int:meeting_pk>" in route:
        kwargs["meeting_pk"] = objects["meeting"].pk
    if "<int:inspection_pk>" in route:
        kwargs["inspection_pk"] = objects["waiting_inspection"].pk
    return reverse(f"improvement:{pattern.name}", kwargs=kwargs)


def all_urls(objects):
    return [(pattern.name, url_for(pattern, objects)) for pattern in urls.urlpatterns]


# Pages anyone in the service may read; every other URL changes something.
READ_ONLY = {
    "plan_list",
    "plan_detail",
    "action_detail",
    "evidence_download",
    "board_report",
    "board_report_pdf",
    "board_list",
    "board_detail",
    "glossary",
}
# Pages that list the current service's things rather than one object (no 404 for another service).
SERVICE_WIDE = {"plan_list", "board_list", "glossary", "board_create", "term_create", "term_edit", "term_delete"}
POST_ONLY = {"plan_start", "plan_close", "board_report_issue"}


def another_manager(service):
    return member(service, Role.MANAGER)


GET_ONLY = READ_ONLY | {"plan_history"}
