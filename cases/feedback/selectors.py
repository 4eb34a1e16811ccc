"""Reads for feedback pages: the case holder's own feedback, the case's feedback page, overdue case
actions, and the figures by team and case manager. Fixed numbers of queries."""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, Value
from django.utils import timezone

from inspections.people import display_name
from inspections.prepared import PreparedRead
from inspections.prepared_objects import PreparedObjects

from ..models import Answer, CaseAction, CaseActionStatus, Feedback, FeedbackArea, ReAuditAnswer
from ..oversight.disclosure import SMALL_GROUP, SUPPRESSED, protect
from ..working_days import working_days_between

ACKNOWLEDGE_WITHIN = 5  # working days


def my_feedback(user, service):
    """The person's own feedback as case holder in the service (never a colleague's): one query."""
    return list(
        Feedback.objects.for_case_holder(user)
        .filter(case__inspection__service=service)
        .select_related("case__inspection", "written_by")
        .annotate(open_actions=Count("actions", filter=Q(actions__status=CaseActionStatus.OPEN)))
    )


def my_feedback_to_do(user, service):
    """(feedback to acknowledge, open case actions) of the person's own feedback as case holder in the
    service, counted in the database: one query, one row (by a query built once per process)."""
    ((to_acknowledge, open_actions),) = _FEEDBACK_TO_DO.rows(user.pk, getattr(service, "pk", service))
    return to_acknowledge, open_actions


def _feedback_to_do(user_id, service_id):
    """The counts as `aggregate` would read them, as a query of one row: grouped by a constant, which
    the SQL leaves out, so every matching row is counted (and a person with none gets one row of 0s)."""
    return (
        Feedback.objects.for_case_holder(user_id)
        .filter(case__inspection__service=service_id)
        .order_by()
        .annotate(_every=Value(1))
        .values("_every")
        .annotate(
            to_acknowledge=Count("pk", filter=Q(acknowledged_at__isnull=True), distinct=True),
            open_actions=Count("actions", filter=Q(actions__status=CaseActionStatus.OPEN)),
        )
        .values_list("to_acknowledge", "open_actions")
    )


_FEEDBACK_TO_DO = PreparedRead(Feedback, _feedback_to_do)


def feedback_with_parts(feedback_queryset):
    return feedback_queryset.select_related("case__inspection", "written_by", "case_holder").prefetch_related(
        Prefetch("areas", queryset=FeedbackArea.objects.select_related("area")),
        Prefetch("actions", queryset=CaseAction.objects.select_related("owner")),
    )


def overdue_case_actions(service, today=None):
    """Open case actions past their due date in the service: one query, of what the table shows
    (_overdue_actions.html)."""
    today = today or timezone.localdate()
    read = _OVERDUE_READS.get(today)
    if read is None:  # built once a day (the day is part of the query), run with the service's id
        _OVERDUE_READS.clear()
        read = _OVERDUE_READS[today] = PreparedObjects(CaseAction, lambda service_id: _overdue(service_id, today))
    return read.objects(service.pk)


def _overdue(service_id, today):
    return (
        CaseAction.objects.filter(
            status=CaseActionStatus.OPEN, due_on__lt=today, feedback__case__inspection__service_id=service_id
        )
        .select_related("owner", "feedback__case")
        .only(
            "text",
            "due_on",
            "feedback__case__reference",
            "owner__first_name",
            "owner__last_name",
            "owner__username",
        )
    )


_OVERDUE_READS = {}  # {day: the read of that day's overdue actions}


def acknowledged_in_time(feedback):
    if feedback.acknowledged_at is None:
        return False
    given = timezone.localtime(feedback.given_at).date()
    return working_days_between(given, timezone.localtime(feedback.acknowledged_at).date()) <= ACKNOWLEDGE_WITHIN


@dataclass
class FigureRow:
    label: str
    given: int = 0
    acknowledged_in_time: int = 0
    actions: int = 0
    actions_done_on_time: int = 0
    hidden_as: str = ""  # "fewer than 5" or "hidden" when disclosure control hides the group

    @property
    def suppressed(self):
        return bool(self.hidden_as)


def _protected(rows):
    """Hide small groups, and those that would let a small one be worked out (disclosure.protect)."""
    protection = protect([row.given for row in rows])
    for index, row in enumerate(rows):
        if protection.withheld or index in protection.hidden:
            row.hidden_as = protection.text(index, row.given)
    return rows


@dataclass
class FeedbackFigures:
    total: FigureRow
    by_team: list = field(default_factory=list)
    by_case_manager: list = field(default_factory=list)
    re_audited_answers: int = 0
    moved_no_to_yes: int = 0


def feedback_figures(inspection):
    """Feedback given, acknowledged within 5 working days, case actions done on time: for the
    inspection, by team and by case manager (groups of fewer than 5 feedbacks hidden, and any group
    that would let one be worked out); and how
    many re-audited answers moved from No to Yes. Three queries."""
    feedbacks = list(
        Feedback.objects.filter(case__inspection=inspection)
        .select_related("case", "case_holder")
        .prefetch_related("actions")
    )
    total = FigureRow("All cases")
    by_team, by_holder = {}, {}
    for feedback in feedbacks:
        holder = display_name(feedback.case_holder)
        team = feedback.case.team or "No team"
        rows = [total, by_team.setdefault(team, FigureRow(team)), by_holder.setdefault(holder, FigureRow(holder))]
        in_time = acknowledged_in_time(feedback)
        actions = list(feedback.actions.all())
        on_time = sum(1 for a in actions if a.done_on_time)
        for row in rows:
            row.given += 1
            row.acknowledged_in_time += in_time
            row.actions += len(actions)
            row.actions_done_on_time += on_time
    moved = ReAuditAnswer.objects.filter(re_audit__case__inspection=inspection, re_audit__status="submitted")
    values = list(moved.values_list("before", "value"))
    if total.given < SMALL_GROUP:
        total.hidden_as = SUPPRESSED
    return FeedbackFigures(
        total=total,
        by_team=_protected(sorted(by_team.values(), key=lambda r: r.label)),
        by_case_manager=_protected(sorted(by_holder.values(), key=lambda r: r.label)),
        re_audited_answers=len(values),
        moved_no_to_yes=sum(1 for before, after in values if before == Answer.Value.NO and after == Answer.Value.YES),
    )
