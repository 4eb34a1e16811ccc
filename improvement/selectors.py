"""Reads that pages, the board report and commands share. Each fetches in a fixed number of
queries, whatever the number of themes, actions or updates."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from cases.programme.selectors import promised_audits
from cases.selectors import provisional_question_scores
from inspections.models import Inspection, PublishedQuestionScore, Recommendation
from inspections.people import display_name
from inspections.prepared import PreparedRead
from inspections.prepared_objects import PreparedObjects
from inspections.scoping import ObjectInMyServices, in_my_services

from .models import (
    BRAG_ORDER,
    BRAG_TAG_CLASSES,
    Action,
    Board,
    BoardReport,
    Evidence,
    ImprovementPlan,
    Meeting,
    ProgressUpdate,
    Term,
    Theme,
    to_datetime_end_of_day,
)


def plans_in_my_services(user, with_people=True):
    """The plans in the person's services, each with its inspection and service and, `with_people`,
    the inspection's lead inspector and the plan's approver (the plan page names them)."""
    return _with_parts(in_my_services(ImprovementPlan.objects.all(), user, "inspection__service"), with_people)


def _with_parts(plans, with_people):
    people = ("inspection__lead_inspector", "approved_by") if with_people else ()
    return plans.select_related("inspection", "inspection__service", *people)


def plan_in_my_services(user, pk, with_people=True):
    """The plan `pk` as `plans_in_my_services` reads it, or None outside the person's services (in a
    request, by a query built once per process: inspections.scoping)."""
    return _PLANS[with_people].get(user, pk)


_PLANS = {
    with_people: ObjectInMyServices(
        lambda with_people=with_people: _with_parts(ImprovementPlan.objects.all(), with_people), "inspection__service"
    )
    for with_people in (True, False)
}


def plans_of_service(service):
    return ImprovementPlan.objects.filter(inspection__service=service).select_related(
        "inspection", "inspection__service"
    )


def inspections_needing_a_plan(service):
    return (
        Inspection.objects.filter(service=service)
        .published()
        .filter(improvement_plan__isnull=True)
        .order_by("-published_on")
    )


def brag_counts(actions, today=None):
    counts = Counter(action.brag for action in actions)
    return {brag.value: counts.get(brag.value, 0) for brag in BRAG_ORDER}


def brag_rows(counts, previous=None):
    """[{brag, label, tag, count, change}] in BRAG order, for tables."""
    rows = []
    for brag in BRAG_ORDER:
        count = counts.get(brag.value, 0)
        change = None if previous is None else count - previous.get(brag.value, 0)
        rows.append(
            {"brag": brag.value, "label": brag.label, "tag": BRAG_TAG_CLASSES[brag], "count": count, "change": change}
        )
    return rows


@dataclass
class ThemeBlock:
    theme: Theme
    actions: list = field(default_factory=list)


def plan_overview(plan, today=None):
    """The plan page: themes with their actions, recommendations with the actions answering them,
    the uncovered recommendations and BRAG counts. Three queries (and `_promised`'s, if any action
    is linked to a recurring audit)."""
    today = today or timezone.localdate()
    # One plan, one inspection: in their own order, without the joins of the models' default orderings
    # (each read built once, run with the plan's or its inspection's id).
    themes = _THEMES.objects(plan.pk)
    actions = _ACTIONS.objects(plan.pk)
    blocks = {}
    for theme in themes:
        theme.plan = plan  # as `plan.themes` would have them
        blocks[theme.pk] = ThemeBlock(theme)
    for action in actions:
        action.plan = plan
        action.overdue_now = action.is_overdue(today)
        blocks[action.theme_id].actions.append(action)
    # Each recommendation once per action answering it (or once with none): the links read with them.
    recommendations, answering = {}, defaultdict(set)
    for recommendation in _RECOMMENDATIONS.objects(plan.inspection_id):
        recommendations.setdefault(recommendation.pk, recommendation)
        if recommendation.answering_action_id is not None:
            answering[recommendation.pk].add(recommendation.answering_action_id)
    recommendations = list(recommendations.values())
    for recommendation in recommendations:
        linked = answering.get(recommendation.pk, ())
        recommendation.answered_by = [action for action in actions if action.pk in linked]
    return {
        "themes": list(blocks.values()),
        "actions": actions,
        "recommendations": recommendations,
        "uncovered": [r for r in recommendations if not r.answered_by],
        "brag_rows": brag_rows(brag_counts(actions)),
        "overdue": [a for a in actions if a.overdue_now],
        "completed_late": [a for a in actions if a.completed_late],
        "promised": _promised(actions, today),
    }


_THEMES = PreparedObjects(Theme, lambda plan_id: Theme.objects.filter(plan_id=plan_id).order_by("order", "pk"))
_ACTIONS = PreparedObjects(
    Action,
    lambda plan_id: (
        Action.objects.filter(plan_id=plan_id).select_related("owner").order_by("theme__order", "order", "due_on", "pk")
    ),
)
_RECOMMENDATIONS = PreparedObjects(
    Recommendation,
    lambda inspection_id: (
        Recommendation.objects.filter(inspection_id=inspection_id)
        .select_related("area")
        .only("text", "area__name")  # what the page shows of them
        .annotate(answering_action_id=F("improvement_actions__id"))
        .order_by("order", "pk")
    ),
)


def _promised(actions, today):
    """Each action linked to a recurring audit, with what its audits show: four queries, none if no link."""
    found = promised_audits({a.audit_template_id for a in actions if a.audit_template_id}, today)
    for action in actions:
        action.promised = found.get(action.audit_template_id)
    return [a for a in actions if a.audit_template_id]


def action_with_timeline(action):
    """The action's updates, newest first, with authors and evidence (two queries)."""
    return list(action.updates.select_related("author").prefetch_related("evidence"))


def latest_issued_report(service_id):
    """The service's most recently issued board report (what a board member reads first), or None.
    What the link to it shows (its meeting, its plan's inspection, when it was issued), without its
    stored HTML and PDF: where it is read, it is linked to, not shown."""
    return (
        BoardReport.objects.filter(plan__inspection__service_id=service_id)
        .select_related("meeting__board", "plan__inspection")
        .only("plan", "meeting", "issued_at", "meeting__held_on", "meeting__board__name", "plan__inspection__title")
        .order_by("-issued_at", "-pk")
        .first()
    )


def glossary_terms(service=None):
    """The national terms plus `service`'s own (one query). A service's own term of the same name
    is the one its readers see."""
    rows = _TERMS.objects(service.pk) if service else Term.objects.national().order_by("term", "service_id")
    chosen = {}
    for entry in rows:
        key = entry.term.lower()
        if key not in chosen or entry.service_id is not None:
            chosen[key] = entry
    return sorted(chosen.values(), key=lambda e: e.term.lower())


_TERMS = PreparedObjects(
    Term,
    lambda service_id: Term.objects.filter(Q(service__isnull=True) | Q(service_id=service_id)).order_by(
        "term", "service_id"
    ),
)


def boards_of_service(service):
    return Board.objects.filter(service=service).prefetch_related(
        "members", Prefetch("meetings", queryset=Meeting.objects.order_by("-held_on"))
    )


def meetings_of_service(service_id, plan):
    """The service's meetings, latest first, each with `issued`: whether `plan`'s board report for
    it has been issued (one query)."""
    return _MEETINGS.objects(service_id, plan.pk)


_MEETINGS = PreparedObjects(
    Meeting,
    lambda service_id, plan_id: (
        Meeting.objects.filter(board__service_id=service_id)
        .select_related("board")
        .annotate(issued=Exists(BoardReport.objects.filter(plan_id=plan_id, meeting=OuterRef("pk"))))
        .order_by("-held_on")
    ),
)


# The board report ----------------------------------------------------------------------------


# The actions' history records, read through their model's own manager: `Action.history` builds a new
# manager class each time it is read.
ACTION_RECORDS = Action.history.model


def _actions_as_at(plan, *moments, now=None):
    """The plan's actions as they stood at each of `moments` (from the history, with their owners):
    one {id: Action} per moment. One query: when the last moment is `now` (the meeting's day is not
    over), by a read built once per process of every record so far (those written since `now` left out
    here); otherwise up to the last moment."""
    ordered = sorted(set(moments))
    if ordered[-1] == now:
        records = _ACTION_RECORDS.objects(plan.pk)
    else:
        records = _action_records(plan.pk).filter(history_date__lte=ordered[-1])
    latest, snapshots = {}, {}
    waiting = iter(ordered)
    moment = next(waiting)
    for record in records:
        if record.history_date > ordered[-1]:
            break  # written after the last moment (the records are in time order)
        while moment is not None and record.history_date > moment:
            snapshots[moment] = dict(latest)
            moment = next(waiting, None)
        latest[record.id] = record
    while moment is not None:
        snapshots[moment] = dict(latest)
        moment = next(waiting, None)
    return [
        {pk: _as_it_stood(record) for pk, record in snapshots[moment].items() if record.history_type != "-"}
        for moment in moments
    ]


def _action_records(plan_id):
    return ACTION_RECORDS.objects.filter(plan_id=plan_id).select_related("owner").order_by("history_date", "pk")


_ACTION_RECORDS = PreparedObjects(ACTION_RECORDS, _action_records)


def _as_it_stood(record):
    """The Action a history record holds, with the owner the record was read with (None if the
    person has since been removed)."""
    action = record.instance
    if action.owner_id:
        action.owner = record.owner
    return action


def board_report_data(plan, meeting, today=None):
    """Everything the board report for `meeting` shows, as the plan stood at the end of the meeting day
    (or now, if that is earlier). A fixed number of queries."""
    now = timezone.now()
    as_at = min(to_datetime_end_of_day(meeting.held_on), now)
    as_on = min(meeting.held_on, timezone.localdate())
    previous = _PREVIOUS_MEETING.first(meeting.board_id, meeting.pk)

    if previous is None:
        (actions_then,) = _actions_as_at(plan, as_at, now=now)
    else:
        actions_then, before = _actions_as_at(plan, as_at, to_datetime_end_of_day(previous.held_on), now=now)
    themes = {t.pk: t for t in _THEMES.objects(plan.pk)}
    for action in actions_then.values():
        action.overdue_now = action.is_overdue(as_on)
        action.theme_title = themes[action.theme_id].title if action.theme_id in themes else "(removed theme)"
    ordered = sorted(
        actions_then.values(),
        key=lambda a: (themes[a.theme_id].order if a.theme_id in themes else 999, a.order, a.due_on, a.pk),
    )
    counts = brag_counts(ordered)

    previous_counts = None
    changes = []
    if previous is not None:
        previous_counts = brag_counts(before.values())
        for action in ordered:
            was = before.get(action.pk)
            if was is None:
                changes.append({"action": action, "was": None, "now": action.brag})
            elif was.brag != action.brag:
                changes.append({"action": action, "was": was.brag, "now": action.brag})

    by_theme = []
    for theme in sorted(themes.values(), key=lambda t: (t.order, t.pk)):
        theme_actions = [a for a in ordered if a.theme_id == theme.pk]
        by_theme.append(
            {
                "theme": theme,
                "actions": theme_actions,
                "brag_rows": brag_rows(brag_counts(theme_actions)),
                "overdue": sum(1 for a in theme_actions if a.overdue_now),
            }
        )

    if previous is None:
        updates = _UPDATES_TO.objects(plan.pk, meeting.pk)
    else:
        updates = _UPDATES_BETWEEN.objects(plan.pk, meeting.pk, previous.pk)

    worked = did_it_work(plan, by=meeting.held_on)
    return {
        "plan": plan,
        "inspection": plan.inspection,
        "service": plan.inspection.service,
        "meeting": meeting,
        "previous": previous,
        "as_on": as_on,
        "by_theme": by_theme,
        "actions": ordered,
        "brag_counts": counts,
        "brag_rows": brag_rows(counts, previous_counts),
        "changes": changes,
        "overdue": [a for a in ordered if a.overdue_now],
        "completed_late": [a for a in ordered if a.completed_late],
        "promised": _promised(ordered, as_on),
        "updates": updates,
        "did_it_work": worked,
        "provisional_shown": any(row["provisional"] for row in worked),
        "provisional_on": timezone.localdate(),
        "glossary": glossary_terms(plan.inspection.service),
        "days_to_reinspection": plan.days_to_reinspection(as_on),
    }


def _held_on(meeting_id):
    """The day meeting `meeting_id` was held, as a subquery (a read built once takes ids, not dates)."""
    return Subquery(Meeting.objects.filter(pk=meeting_id).values("held_on")[:1])


# The board before `meeting_id` on the same board (the board's id and the meeting's its values).
_PREVIOUS_MEETING = PreparedObjects(
    Meeting,
    lambda board_id, meeting_id: Meeting.objects.filter(board_id=board_id, held_on__lt=_held_on(meeting_id)).order_by(
        "-held_on"
    )[:1],
)


def _updates(plan_id, meeting_id, previous_id=None):
    """The plan's progress updates up to the meeting's day (after the previous meeting's, if any), with
    what the report shows of each, its action and its author (counting its evidence groups by every
    column read)."""
    updates = ProgressUpdate.objects.filter(action__plan_id=plan_id, date__lte=_held_on(meeting_id))
    if previous_id is not None:
        updates = updates.filter(date__gt=_held_on(previous_id))
    return (
        updates.select_related("action", "author")
        .only("date", "brag", "note", "action__title", "author__first_name", "author__last_name", "author__username")
        .annotate(evidence_count=Count("evidence"))
        .order_by("date", "pk")
    )


_UPDATES_TO = PreparedObjects(ProgressUpdate, lambda plan_id, meeting_id: _updates(plan_id, meeting_id))
_UPDATES_BETWEEN = PreparedObjects(ProgressUpdate, _updates)


def did_it_work(plan, by=None):
    """For the plan's actions that target questions: each question's score in the inspection the plan
    answers, in every later published inspection or audit of the service (matched by question code),
    and, marked provisional, its score so far in any inspection or audit still in progress. Four
    queries (one if no action targets a question).
    Returns [{action, question, baseline, later: [score], provisional: [ProvisionalScore], movement}]."""
    # Each action and question it targets, in the actions' order and then the questions'.
    targeted = [(link.action, link.question) for link in _TARGETED.objects(plan.pk)]
    if not targeted:
        return []
    base = plan.inspection
    codes = {question.code for _, question in targeted}
    scores = (
        PublishedQuestionScore.objects.filter(inspection__service_id=base.service_id, question__code__in=codes)
        .filter(inspection__in=Inspection.objects.published())
        .select_related("inspection", "question")
    )
    baseline, later = {}, defaultdict(list)
    for score in scores:
        inspection = score.inspection
        if inspection.pk == base.pk:
            baseline[score.question.code] = score
        elif (
            inspection.published_on
            and base.published_on
            and inspection.published_on > base.published_on
            and (by is None or inspection.published_on <= by)
        ):
            later[score.question.code].append(score)
    in_progress = provisional_question_scores(base.service_id, codes, leave_out_inspection=base)
    rows = []
    for action, question in targeted:
        before = baseline.get(question.code)
        afterwards = sorted(later.get(question.code, []), key=lambda s: s.inspection.published_on)
        last = afterwards[-1] if afterwards else None
        movement = None
        if before and last and before.score is not None and last.score is not None:
            movement = last.score - before.score
        rows.append(
            {
                "action": action,
                "question": question,
                "baseline": before,
                "later": afterwards,
                "provisional": in_progress.get(question.code, []),
                "movement": movement,
            }
        )
    return rows


_TARGETED = PreparedObjects(
    Action.questions.through,
    lambda plan_id: (
        Action.questions.through.objects.filter(action__plan_id=plan_id)
        .select_related("action", "question")
        .only("action__title", "question__code", "question__text")  # what the report shows of them
        .order_by(
            "action__theme__order",
            "action__order",
            "action__due_on",
            "action__pk",
            "question__area__order",
            "question__order",
        )
    ),
)


def meeting_of_service(meeting_pk, service_id):
    """The meeting `meeting_pk` (with its board) of one of the service's boards, or None."""
    return _MEETING.first(meeting_pk, service_id)


_MEETING = PreparedObjects(
    Meeting,
    lambda meeting_pk, service_id: Meeting.objects.select_related("board").filter(
        pk=meeting_pk, board__service_id=service_id
    ),
)


def report_versions(plan_id, meeting_id):
    """The issued versions of the plan's report for the meeting, the latest first, without their PDFs."""
    return _VERSIONS.objects(plan_id, meeting_id)


_VERSIONS = PreparedObjects(
    BoardReport,
    lambda plan_id, meeting_id: (
        BoardReport.objects.filter(plan_id=plan_id, meeting_id=meeting_id)
        .select_related("issued_by")
        .only("number", "html", "issued_at", "issued_by__first_name", "issued_by__last_name", "issued_by__username")
        .order_by("-number")
    ),
)


# History -------------------------------------------------------------------------------------


def _diff_rows(records, describe, field_labels):
    """Turn history records (oldest first, any mix of objects) into change rows."""
    rows, last = [], {}
    for record in records:
        previous = last.get(record.id)
        changes = []
        if record.history_type == "~" and previous is not None:
            for name, label in field_labels.items():
                old, new = getattr(previous, name), getattr(record, name)
                if old != new:
                    changes.append({"field": label, "old": _show(previous, name, old), "new": _show(record, name, new)})
        rows.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "type": {"+": "Added", "~": "Changed", "-": "Removed"}[record.history_type],
                "what": describe(record),
                "changes": changes,
            }
        )
        last[record.id] = record
    return rows


def _show(record, name, value):
    if value in (None, ""):
        return "(none)"
    display = getattr(record, f"get_{name}_display", None)
    if display is not None:
        return display()
    return value


def _labels(model, names):
    return {name: model._meta.get_field(name).verbose_name.capitalize() for name in names}


def plan_changes(plan):
    """Who changed what in the plan, oldest first: the plan, its themes, actions and updates.
    Five queries, whatever the number of changes."""
    user_model = get_user_model()
    plan_records = list(
        ImprovementPlan.history.filter(id=plan.pk).select_related("history_user").order_by("history_date", "history_id")
    )
    theme_records = list(
        Theme.history.filter(plan_id=plan.pk).select_related("history_user").order_by("history_date", "history_id")
    )
    action_records = list(
        Action.history.filter(plan_id=plan.pk).select_related("history_user").order_by("history_date", "history_id")
    )
    action_ids = {r.id for r in action_records}
    update_records = list(
        ProgressUpdate.history.filter(action_id__in=action_ids)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    user_ids = (
        {r.owner_id for r in action_records if r.owner_id}
        | {r.approved_by_id for r in plan_records if r.approved_by_id}
        | {r.submitted_by_id for r in plan_records if r.submitted_by_id}
    )
    users = {u.pk: (display_name(u)) for u in user_model.objects.filter(pk__in=user_ids)}
    theme_titles = {r.id: r.title for r in theme_records}
    action_titles = {r.id: r.title for r in action_records}

    def with_names(records, fields):
        for record in records:
            for name in fields:
                value = getattr(record, f"{name}_id")
                setattr(record, f"{name}_name", users.get(value) if value else None)
        return records

    with_names(plan_records, ["approved_by", "submitted_by"])
    with_names(action_records, ["owner"])
    for record in action_records:
        record.theme_name = theme_titles.get(record.theme_id)

    rows = []
    rows += _diff_rows(
        plan_records,
        lambda r: "The plan",
        {
            "status": "Status",
            "reinspection_due": "Re-inspection due",
            "submitted_on": "Submitted on",
            "submitted_by_name": "Submitted by",
            "approved_on": "Approved on",
            "approved_by_name": "Approved by",
            "returned_reason": "Reason sent back",
        },
    )
    rows += _diff_rows(theme_records, lambda r: f"Theme: {r.title}", {"title": "Title", "order": "Order"})
    rows += _diff_rows(
        action_records,
        lambda r: f"Action: {r.title}",
        {
            "title": "Title",
            "description": "Description",
            "theme_name": "Theme",
            "owner_name": "Owner",
            "partner_name": "Partner owner",
            "partner_agency": "Partner agency",
            "partner_email": "Partner email",
            "due_on": "Due date",
            "status": "Status",
            "brag": "BRAG rating",
            "success_measure": "Success measure",
            "completed_on": "Completed on",
        },
    )
    rows += _diff_rows(
        update_records,
        lambda r: f"Progress update on {action_titles.get(r.action_id, 'an action')} ({r.date:%-d %B %Y})",
        {"date": "Date", "brag": "BRAG rating", "note": "Note"},
    )
    rows.sort(key=lambda row: row["when"], reverse=True)
    return rows


def evidence_in_my_services(user):
    return in_my_services(
        Evidence.objects.select_related("update__action__plan__inspection"),
        user,
        "update__action__plan__inspection__service",
    )


# Every inspection and audit of a service (their ids): what a draft board report's figures' versions
# are read for (its "did it work" and promised audits read the service's other inspections too).
_SERVICE_INSPECTION_IDS = PreparedRead(
    Inspection, lambda service_id: Inspection.objects.filter(service_id=service_id).order_by("pk").values_list("pk")
)


def service_inspection_ids(service_id):
    """The ids of the service's inspections and audits, in order: one query."""
    return [pk for (pk,) in _SERVICE_INSPECTION_IDS.rows(service_id)]
