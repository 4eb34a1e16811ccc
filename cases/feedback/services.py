"""Writes for case holders, feedback, case actions, reminders and re-audits. Keyword-only, one
transaction each; every change is kept by simple-history with who made it."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from inspections.concurrency import StaleEdit, fingerprint, snapshot
from inspections.models import Membership
from inspections.people import display_name

from ..models import (
    Answer,
    Assessment,
    AssessmentStatus,
    Case,
    CaseAction,
    CaseActionReminder,
    CaseActionStatus,
    Feedback,
    FeedbackArea,
    Marking,
    ReAudit,
    ReAuditAnswer,
)

REMINDER_DAYS = 7


def _by(obj, user, reason=""):
    obj._history_user = user
    if reason:
        obj._change_reason = reason
    return obj


def counting_assessment(case):
    """The assessment the case counts through (`Assessment.objects.counting()`, the one rule) once it
    is final, else None: final when it is the moderated one, or the first marking with no second
    marking at all (a second marking waiting, or not yet moderated, is not final)."""
    counting = Assessment.objects.counting().filter(case=case).select_related("assessor").first()
    if counting is None or counting.marking == Marking.FINAL:
        return counting
    if Assessment.objects.filter(case=case, marking=Marking.SECOND).exists():
        return None
    return counting


def case_holder_version(case):
    """The version a page carries of the case's holder (`inspections.concurrency.fingerprint`)."""
    return fingerprint(case.case_manager_id)


@transaction.atomic
def case_holder_link(*, case: Case, case_holder, by, version=None) -> Case:
    """Link the case to the account of the person who manages it (kept on the case's record).
    StaleEdit when someone else changed the holder since the page read it at `version`."""
    case = Case.objects.select_for_update(of=("self",)).select_related("case_manager").get(pk=case.pk)
    if version is not None and version != case_holder_version(case):
        raise StaleEdit(
            snapshot(version=case_holder_version(case), history=case.history, case_holder=case.case_manager)
        )
    if not Membership.objects.filter(user=case_holder, service_id=case.inspection.service_id).exists():
        raise ValidationError({"case_holder": "Choose a person in this service"})
    if case.assessments.filter(assessor=case_holder, marking__in=[Marking.FIRST, Marking.SECOND]).exists():
        raise ValidationError({"case_holder": "This person marks the case, so cannot be its case holder"})
    case.case_manager = case_holder
    _by(case, by, "Case holder linked").save()
    return case


def feedback_prefill(assessment):
    """{area id: text} listing each question answered No, with its note, per area."""
    prefill = {}
    answers = (
        Answer.objects.filter(assessment=assessment, value=Answer.Value.NO)
        .select_related("question")
        .order_by("question__area__order", "question__order")
    )
    for answer in answers:
        line = f"{answer.question.code} {answer.question.text}"
        if answer.note:
            line += f" (note: {answer.note})"
        prefill.setdefault(answer.question.area_id, []).append(line)
    return {area_id: "\n".join(lines) for area_id, lines in prefill.items()}


def _feedback_parts(feedback):
    if feedback is None:
        return []
    return sorted(FeedbackArea.objects.filter(feedback=feedback).values_list("area_id", "done_well", "to_improve"))


def feedback_version(feedback):
    """The version a page carries of the feedback and its parts (none written yet counts too)."""
    if feedback is None:
        return fingerprint(None)
    return fingerprint(feedback.pk, feedback.done_well, feedback.to_improve, _feedback_parts(feedback))


def feedback_as_read(feedback):
    """The feedback as `refuse_stale` shows it, by the feedback form's field names."""
    fields = {"done_well": "", "to_improve": ""}
    if feedback is not None:
        fields = {"done_well": feedback.done_well, "to_improve": feedback.to_improve}
        for area_id, done_well, to_improve in _feedback_parts(feedback):
            fields[f"area_{area_id}_done_well"], fields[f"area_{area_id}_to_improve"] = done_well, to_improve
    history = feedback.history if feedback is not None else None
    return snapshot(version=feedback_version(feedback), history=history, **fields)


@transaction.atomic
def feedback_give(*, case: Case, by, done_well: str, to_improve: str, areas: dict, version=None) -> Feedback:
    """Write (or, until it is acknowledged, change) the feedback for the case holder.

    `areas`: {Area: (done well, to improve)}. Refused unless the counting assessment is final and the
    case has a case holder; StaleEdit when it changed (or was written) since the page read it at
    `version`."""
    if counting_assessment(case) is None:
        raise ValidationError(
            "Feedback can be written once the case's counting assessment is final: the first marking "
            "submitted with no second marking, or the moderated assessment submitted."
        )
    if case.case_manager_id is None:
        raise ValidationError("Link the case to its case holder first.")
    if not any([done_well.strip(), to_improve.strip(), *(a.strip() or b.strip() for a, b in areas.values())]):
        raise ValidationError("Write what was done well or what to improve, in at least one place.")
    feedback = Feedback.objects.select_for_update().filter(case=case).first()
    if version is not None and version != feedback_version(feedback):
        raise StaleEdit(feedback_as_read(feedback))
    if feedback is not None and feedback.is_acknowledged:
        raise ValidationError("The case holder has acknowledged this feedback, so it can no longer be changed.")
    if feedback is None:
        feedback = Feedback(case=case, written_by=by, given_at=timezone.now())
    feedback.case_holder_id = case.case_manager_id
    feedback.done_well, feedback.to_improve = done_well.strip(), to_improve.strip()
    _by(feedback, by).save()
    for area, (area_done_well, area_to_improve) in areas.items():
        part = FeedbackArea.objects.filter(feedback=feedback, area=area).first() or FeedbackArea(
            feedback=feedback, area=area
        )
        part.done_well, part.to_improve = area_done_well.strip(), area_to_improve.strip()
        _by(part, by).save()
    return feedback


@transaction.atomic
def feedback_acknowledge(*, feedback: Feedback, by, reply: str = "") -> Feedback:
    if feedback.case_holder_id != by.pk:
        raise ValidationError("Only the case holder can acknowledge their feedback.")
    if feedback.is_acknowledged:
        raise ValidationError("You have already acknowledged this feedback.")
    feedback.acknowledged_at = timezone.now()
    feedback.reply = reply.strip()
    _by(feedback, by, "Acknowledged").save()
    return feedback


@transaction.atomic
def case_action_add(*, feedback: Feedback, by, text: str, due_on, owner=None) -> CaseAction:
    owner = owner or feedback.case_holder
    if not Membership.objects.filter(user=owner, service_id=feedback.case.inspection.service_id).exists():
        raise ValidationError({"owner": "Choose a person in this service"})
    action = CaseAction(feedback=feedback, text=text.strip(), due_on=due_on, owner=owner, created_by=by)
    action.full_clean()
    _by(action, by).save()
    return action


@transaction.atomic
def case_action_complete(*, action: CaseAction, by, note: str) -> CaseAction:
    if action.status == CaseActionStatus.DONE:
        raise ValidationError("This case action is already done.")
    if not note.strip():
        raise ValidationError({"note": "Say what was done"})
    action.status = CaseActionStatus.DONE
    action.done_at = timezone.now()
    action.done_note = note.strip()
    _by(action, by, "Done").save()
    return action


def case_action_reminders_send(*, today=None) -> int:
    """Email the owner of each open case action due within 7 days or overdue, once per action per day.

    A CaseActionReminder row (unique per action and day) is written in the same transaction as the
    email, so running again the same day sends nothing more. Returns how many were sent."""
    today = today or timezone.localdate()
    due = (
        CaseAction.objects.filter(status=CaseActionStatus.OPEN, due_on__lte=today + timedelta(days=REMINDER_DAYS))
        .exclude(reminders__sent_on=today)
        .select_related("owner", "feedback__case__inspection__service")
    )
    sent = 0
    for action in due:
        to = action.owner.email
        if not to:
            continue
        try:
            with transaction.atomic():
                CaseActionReminder.objects.create(action=action, sent_on=today, to=to)
                overdue = action.due_on < today
                case = action.feedback.case
                send_mail(
                    subject=f"{'Overdue' if overdue else 'Due soon'}: case action on case {case.reference}",
                    message=(
                        f"Hello {display_name(action.owner)},\n\n"
                        f'The case action "{action.text}" on case {case.reference} '
                        f"({case.inspection.service.name}) {'was' if overdue else 'is'} due on "
                        f"{action.due_on:%-d %B %Y}.\n\n"
                        'Mark it done with a note under "Feedback on my cases" in YOS Audit.\n'
                    ),
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    recipient_list=[to],
                )
        except IntegrityError:
            continue  # another run sent it a moment ago
        sent += 1
    return sent


# Re-audit ------------------------------------------------------------------------------------


@transaction.atomic
def re_audit_mark(*, case: Case, by, assessor) -> ReAudit:
    """Mark the case to be read again: a short re-check of the questions answered No in its counting
    assessment, assigned to `assessor` (never the case holder)."""
    counting = counting_assessment(case)
    if counting is None:
        raise ValidationError("A case can be re-audited once its counting assessment is final.")
    if case.case_manager_id and case.case_manager_id == assessor.pk:
        raise ValidationError({"assessor": "This person manages the case, so cannot re-audit it"})
    if not Membership.objects.filter(user=assessor, service_id=case.inspection.service_id).exists():
        raise ValidationError({"assessor": "Choose a person in this service"})
    if ReAudit.objects.filter(case=case).exists():
        raise ValidationError("This case is already marked for re-audit.")
    noes = list(counting.answers.filter(value=Answer.Value.NO).values_list("question_id", flat=True))
    if not noes:
        raise ValidationError("No question was answered No, so there is nothing to re-check.")
    re_audit = _by(ReAudit(case=case, assessor=assessor, marked_by=by), by)
    re_audit.save()
    for question_id in noes:
        _by(ReAuditAnswer(re_audit=re_audit, question_id=question_id, before=Answer.Value.NO), by).save()
    return re_audit


def re_audit_version(re_audit, rows=None):
    """The version a page carries of the re-audit's answers (`inspections.concurrency.fingerprint`)."""
    rows = re_audit.answers.all() if rows is None else rows
    return fingerprint(re_audit.status, sorted((row.question_id, row.value, row.note) for row in rows))


@transaction.atomic
def re_audit_save(*, re_audit: ReAudit, by, answers: dict, submit: bool, version=None) -> ReAudit:
    """`answers`: {question id: (value, note)}. Submitting needs every question answered. StaleEdit
    when the answers changed (in another tab, say) since the page read them at `version`."""
    if re_audit.assessor_id != by.pk:
        raise ValidationError("Only the assigned assessor can record the re-audit.")
    re_audit = ReAudit.objects.select_for_update().get(pk=re_audit.pk)
    if re_audit.status == AssessmentStatus.SUBMITTED:
        raise ValidationError("This re-audit is already submitted.")
    rows = list(re_audit.answers.all())
    if version is not None and version != re_audit_version(re_audit, rows):
        raise StaleEdit(snapshot(version=re_audit_version(re_audit, rows), history=re_audit.history))
    missing = []
    for row in rows:
        value, note = answers.get(row.question_id, ("", ""))
        if value and value not in Answer.Value.values:
            value = ""
        row.value, row.note = value, note.strip()
        _by(row, by).save()
        if not value:
            missing.append(row.question_id)
    if submit:
        if missing:
            raise ValidationError("Answer every question before you submit the re-audit.")
        re_audit.status = AssessmentStatus.SUBMITTED
        re_audit.submitted_at = timezone.now()
    else:
        re_audit.status = AssessmentStatus.DRAFT
    _by(re_audit, by).save()
    return re_audit
