"""Demo feedback to case holders, case actions, a re-audit and two safeguarding concerns, for
`manage.py load_demo`. Fictional; dates relative to today. Safe to run again: nothing is added
when the published inspection already has feedback."""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from inspections.models import Membership

from ..models import (
    Answer,
    Assessment,
    AssessmentStatus,
    CaseAction,
    CaseActionStatus,
    ConcernStatus,
    ConcernStep,
    Feedback,
    FeedbackArea,
    Marking,
    ReAudit,
    ReAuditAnswer,
    SafeguardingConcern,
)
from ..working_days import one_working_day_after
from .services import feedback_prefill

# (case holder, acknowledged days after giving or None, [(action, due in days from today, done days from today)])
PLAN = [
    ("officer", None, [("Review the RoSH assessment after the new offence", 10, None)]),
    ("officer", 2, [("Record the reasons for the change of plan", -20, -25)]),
    ("officer", 3, [("Share the risk management plan with the social worker", -5, None)]),
    ("officer", None, []),
    ("officer", 1, []),
    ("officer", 9, [("Add the victim's wishes to the plan", -30, -28)]),
    ("casemanager1", 1, []),
    ("casemanager1", 2, [("Update the vulnerability assessment", 5, None)]),
    ("casemanager1", 4, []),
    ("casemanager1", None, []),
    ("casemanager1", 2, []),
]


def _at(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _saved(obj, by, reason=""):
    obj._history_user = by
    if reason:
        obj._change_reason = reason
    obj.save()
    return obj


@transaction.atomic
def create_demo_feedback(published, mock, people):
    if Feedback.objects.filter(case__inspection=published).exists():
        return
    today = timezone.localdate()
    manager = people["manager"]
    Membership.objects.filter(user=manager, service=published.service).update(head_of_service=True)
    Membership.objects.filter(user=people["casemanager2"], service=published.service).update(safeguarding_lead=True)

    counting = (
        Assessment.objects.filter(case__inspection=published, marking=Marking.FIRST, status=AssessmentStatus.SUBMITTED)
        .select_related("case")
        .order_by("case__reference")
    )
    areas = list(published.framework.areas.all())
    for (holder, acknowledged_after, actions), assessment in zip(PLAN, counting, strict=False):
        case = assessment.case
        case.case_manager = people[holder]
        _saved(case, manager, "Case holder linked")
        given = _at(today - timedelta(days=40))
        feedback = _saved(
            Feedback(
                case=case,
                case_holder=people[holder],
                written_by=manager,
                given_at=given,
                done_well="Contact with the young person and their family was regular and well recorded.",
                to_improve="Keep plans up to date when circumstances change.",
                acknowledged_at=given + timedelta(days=acknowledged_after) if acknowledged_after else None,
                reply="Thank you: I have booked a review." if acknowledged_after else "",
            ),
            manager,
        )
        prefill = feedback_prefill(assessment)
        for area in areas:
            _saved(FeedbackArea(feedback=feedback, area=area, to_improve=prefill.get(area.pk, "")), manager)
        for text, due_in, done_in in actions:
            _saved(
                CaseAction(
                    feedback=feedback,
                    text=text,
                    due_on=today + timedelta(days=due_in),
                    owner=people[holder],
                    created_by=manager,
                    status=CaseActionStatus.DONE if done_in is not None else CaseActionStatus.OPEN,
                    done_at=_at(today + timedelta(days=done_in)) if done_in is not None else None,
                    done_note="Done and recorded on the case file." if done_in is not None else "",
                ),
                manager,
            )

    # A submitted re-audit of the officer's second case: most No answers became Yes.
    second = counting[1]
    re_audit = _saved(
        ReAudit(
            case=second.case,
            assessor=people["assessor"],
            marked_by=manager,
            status=AssessmentStatus.SUBMITTED,
            submitted_at=_at(today - timedelta(days=3)),
        ),
        manager,
    )
    noes = list(second.answers.filter(value=Answer.Value.NO).select_related("question"))
    for n, answer in enumerate(noes):
        _saved(
            ReAuditAnswer(
                re_audit=re_audit,
                question=answer.question,
                before=Answer.Value.NO,
                value=Answer.Value.NO if n % 3 == 0 else Answer.Value.YES,
                note="Now on the file." if n % 3 else "Still not evident.",
            ),
            people["assessor"],
        )

    _demo_concerns(published, mock, people, today)


def _concern(case, by, raised_at, found, why_now, recommended):
    concern = _saved(
        SafeguardingConcern(
            case=case,
            service_id=case.inspection.service_id,
            case_reference=case.reference,
            raised_by=by,
            raised_at=raised_at,
            found=found,
            why_now=why_now,
            recommended=recommended,
            acknowledge_by=one_working_day_after(timezone.localtime(raised_at)),
        ),
        by,
        "Raised",
    )
    ConcernStep.objects.create(concern=concern, status=ConcernStatus.RAISED, by=by, at=raised_at)
    return concern


def _demo_concerns(published, mock, people, today):
    """One closed concern (published inspection) and one open one raised today (mock inspection)."""
    closed = _concern(
        published.cases.order_by("reference")[20],
        people["assessor"],
        _at(today - timedelta(days=60), 11),
        "The file records a disclosure of physical harm at home with no referral to children's social care.",
        "The young person still lives at the same address.",
        "Refer to children's social care today and record the referral on the file.",
    )
    steps = [
        (ConcernStatus.ACKNOWLEDGED, people["casemanager2"], 0, "Read; speaking to the case holder now."),
        (ConcernStatus.ACTION_TAKEN, people["casemanager2"], 1, "Referral made; strategy discussion booked."),
        (ConcernStatus.CLOSED, people["manager"], 6, "Strategy discussion held; child protection plan in place."),
    ]
    for status, by, days, note in steps:
        at = closed.raised_at + timedelta(days=days, hours=2)
        ConcernStep.objects.create(concern=closed, status=status, by=by, at=at, note=note)
        closed.status = status
        if status == ConcernStatus.ACKNOWLEDGED:
            closed.acknowledged_at = at
        if status == ConcernStatus.CLOSED:
            closed.closed_at = at
        _saved(closed, by, status.label)

    scored = (
        Assessment.objects.filter(case__inspection=mock, assessor=people["assessor"], marking=Marking.FIRST)
        .select_related("case")
        .order_by("case__reference")
        .first()
    )
    if scored is not None:
        _concern(
            scored.case,
            people["assessor"],
            timezone.now() - timedelta(hours=1),
            "Missing episodes in the last month are recorded but no return interview took place.",
            "The young person went missing again two days ago.",
            "Arrange a return interview and review the vulnerability plan this week.",
        )
