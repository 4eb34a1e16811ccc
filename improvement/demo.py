"""A demo improvement plan for a published inspection: four themes, actions in every BRAG state
(one overdue, one completed late), progress updates with evidence, two boards and two issued board
reports. Fictional. Safe to run again: a plan that exists is left as it is.

The history is dated as if the plan had been written over the past months, so the board reports
compare meetings the way they would in real use.
"""

import datetime
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from . import evidence as evidence_files
from . import services
from .glossary_seed import TERMS
from .models import (
    Action,
    ActionStatus,
    Board,
    BoardReport,
    Brag,
    Evidence,
    ImprovementPlan,
    Meeting,
    PlanStatus,
    ProgressUpdate,
    Term,
    Theme,
    add_months,
)

THEMES = ["Leadership and partnership", "Quality", "Looked after children", "Voice of the young person"]

# (theme, title, description, owner ("manager" or (partner name, agency, email)), due (days from today),
#  success measure, targets questions?, updates [(days from today, brag, note)])
ACTIONS = [
    (
        0,
        "Bring the strategic and operational boards together as one YOS management board",
        "One board with senior representation from every partner, meeting monthly.",
        "manager",
        -100,
        "Terms of reference agreed; attendance of every statutory partner at three meetings in a row.",
        False,
        [
            (-140, Brag.GREEN, "Draft terms of reference shared with partners."),
            (-104, Brag.BLUE, "First meeting of the single board held; terms of reference signed off."),
        ],
    ),
    (
        0,
        "Agree a data sharing and performance report with the YJB",
        "Monthly performance report to the board from live data tracking.",
        ("Priya Nair", "Youth Justice Board", "priya.nair@example.invalid"),
        60,
        "The board receives the report at every meeting.",
        False,
        [(-60, Brag.GREEN, "Pilot of live data tracking started.")],
    ),
    (
        1,
        "Introduce a quality assurance framework with monthly case audits",
        "Every case manager has two cases audited each month against the national standards.",
        "manager",
        30,
        "Case audits show the work was done well enough in at least 80% of cases.",
        True,
        [
            (-90, Brag.AMBER, "Audit tool chosen; not yet in use because of staff vacancies."),
            (-25, Brag.GREEN, "First two monthly audits completed; results reported to the board."),
        ],
    ),
    (
        1,
        "Management oversight of every RoSH assessment within 10 working days",
        "Team managers countersign every risk of serious harm assessment.",
        "manager",
        -10,
        "Countersignature within 10 working days in 95% of cases.",
        True,
        [
            (-70, Brag.GREEN, "Countersignature added to the case management system."),
            (-40, Brag.AMBER, "Backlog of assessments waiting for a manager."),
            (-20, Brag.RED, "Two team managers on leave; the backlog has grown."),
        ],
    ),
    (
        2,
        "Joint protocol with children's social care for looked after children",
        "Who does what when a LAC is supervised by the YOS, including placement moves.",
        ("Sam Patel", "Children's social care", "sam.patel@example.invalid"),
        14,
        "Protocol signed by both heads of service and in use.",
        False,
        [
            (-50, Brag.GREEN, "First draft of the protocol written."),
            (-12, Brag.AMBER, "Sign-off delayed to the next children's services leadership meeting."),
        ],
    ),
    (
        2,
        "Training for case managers on the needs of looked after children",
        "A half-day session for every case manager.",
        "manager",
        -80,
        "Every case manager has attended.",
        False,
        [
            (-100, Brag.AMBER, "Trainer booked; date moved once."),
            (-66, Brag.BLUE, "All case managers trained, two weeks after the due date."),
        ],
    ),
    (
        3,
        "Ask every young person for feedback at the end of their order",
        "A short feedback form, with help from the participation team.",
        ("Jo Evans", "Participation team", "jo.evans@example.invalid"),
        60,
        "Feedback from at least half of the young people finishing an order.",
        False,
        [(-30, Brag.GREEN, "Form designed with three young people.")],
    ),
    (
        3,
        "Young people's panel reviews the service's leaflets and letters",
        "",
        "manager",
        90,
        "Leaflets rewritten with the panel's changes.",
        False,
        [],
    ),
]

MEETING_DAYS = [-35, -7]


@transaction.atomic
def create_demo_plan(inspection, *, manager, lead_inspector, board_members, today=None):
    """The demo plan for `inspection` (published, with recommendations). Returns the plan."""
    today = today or timezone.localdate()
    ensure_glossary()
    plan = ImprovementPlan.objects.filter(inspection=inspection).first()
    if plan is None:
        plan = _create_plan(inspection, manager, lead_inspector, today)
    boards = _boards(inspection.service, board_members, manager)
    improvement_board = boards[1]
    for offset in MEETING_DAYS:
        meeting, _ = Meeting.objects.get_or_create(
            board=improvement_board,
            held_on=today + timedelta(days=offset),
            defaults={"notes": "Monthly review of the improvement plan."},
        )
        if not BoardReport.objects.filter(plan=plan, meeting=meeting).exists():
            services.board_report_issue(plan=plan, meeting=meeting, by=manager)
    return plan


def ensure_glossary():
    for term, meaning, definition in TERMS:
        Term.objects.get_or_create(term=term, service=None, defaults={"meaning": meaning, "definition": definition})


def _at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


def _save(instance, by, day):
    instance._history_user = by
    instance._history_date = _at(day)
    instance.save()
    return instance


def _create_plan(inspection, manager, lead_inspector, today):
    start = today - timedelta(days=160)
    due = add_months(inspection.published_on, 12) if inspection.published_on else today + timedelta(days=200)
    plan = _save(ImprovementPlan(inspection=inspection, reinspection_due=due), manager, start)
    themes = [_save(Theme(plan=plan, title=title, order=order), manager, start) for order, title in enumerate(THEMES)]
    recommendations = list(inspection.recommendations.all())
    questions = list(inspection.framework.questions.order_by("area__order", "order")[:2])
    actions = []
    for order, (theme_index, title, description, owner, due_in, measure, targets, updates) in enumerate(ACTIONS):
        action = Action(
            plan=plan,
            theme=themes[theme_index],
            title=title,
            description=description,
            due_on=today + timedelta(days=due_in),
            success_measure=measure,
            order=order,
            status=ActionStatus.NOT_STARTED,
            brag=Brag.GREEN,
        )
        if owner == "manager":
            action.owner = manager
        else:
            action.partner_name, action.partner_agency, action.partner_email = owner
        _save(action, manager, start + timedelta(days=2))
        if targets and questions:
            action.questions.set(questions)
            action.areas.set({q.area for q in questions})
        for day_offset, brag, note in updates:
            day = today + timedelta(days=day_offset)
            update = _save(ProgressUpdate(action=action, date=day, author=manager, brag=brag, note=note), manager, day)
            if brag == Brag.BLUE:
                action.status, action.brag, action.completed_on = ActionStatus.COMPLETE, Brag.BLUE, day
            else:
                action.status, action.brag = ActionStatus.IN_PROGRESS, brag
            _save(action, manager, day)
            if order == 2 and brag == Brag.GREEN:
                _attach(update, manager, "audit-results.csv", b"month,cases,done well enough\nJanuary,24,17\n")
        actions.append(action)
    for index, recommendation in enumerate(recommendations):
        actions[index % len(actions)].recommendations.add(recommendation)

    plan.status, plan.submitted_on, plan.submitted_by = PlanStatus.SUBMITTED, start + timedelta(days=14), manager
    _save(plan, manager, plan.submitted_on)
    plan.status, plan.approved_on, plan.approved_by = PlanStatus.APPROVED, start + timedelta(days=21), lead_inspector
    _save(plan, lead_inspector, plan.approved_on)
    plan.status = PlanStatus.IN_PROGRESS
    _save(plan, manager, start + timedelta(days=22))
    return plan


def _attach(update, by, name, content):
    uploaded = ContentFile(content, name=name)
    kind = evidence_files.check_upload(uploaded)
    stored_name, size, sha256 = evidence_files.store(uploaded)
    Evidence.objects.create(
        update=update,
        original_name=name,
        stored_name=stored_name,
        content_type=kind.content_type,
        size=size,
        sha256=sha256,
        uploaded_by=by,
    )


def _boards(service, board_members, manager):
    boards = []
    for name in ["YOS management board", "Improvement board"]:
        board = Board.objects.filter(service=service, name=name).first()
        if board is None:
            board = services.board_create(service=service, by=manager, name=name, members=list(board_members))
        boards.append(board)
    return boards


QUALITY_ASSURANCE_ACTION = "Introduce a quality assurance framework with monthly case audits"


def link_demo_action_to_programme(plan, template):
    """The plan's action promising monthly case audits points at the programme's monthly audits."""
    plan.actions.filter(title=QUALITY_ASSURANCE_ACTION, audit_template__isnull=True).update(audit_template=template)
