"""Writes for cases and scoring: add a case, assign it, save or submit an assessment, reopen it,
and publish an inspection's judgements. Keyword-only, one transaction each."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from inspections.models import Inspection, InspectionStatus, Judgement, PublishedQuestionScore
from inspections.people import display_name

from .judgements import inspection_judgements
from .models import Answer, Assessment, AssessmentStatus, Case, Marking
from .programme.scope import question_scope
from .selectors import case_areas

ANSWER_VALUES = {value for value, _ in Answer.Value.choices}


class StaleAssessment(Exception):
    """The assessment changed since the person loaded it; nothing was saved."""

    def __init__(self, assessment):
        self.assessment = assessment
        super().__init__("The assessment changed since it was opened")


@dataclass
class ScoringProblems(Exception):
    """Answers that stop a submission: {question code: message}. Nothing was saved."""

    problems: dict[str, str] = field(default_factory=dict)


def check_not_own_case(*, case: Case, assessor):
    if case.case_manager_id and case.case_manager_id == assessor.pk:
        raise ValidationError(
            f"{display_name(assessor)} manages case {case.reference}, so cannot score it. Choose another assessor."
        )


@transaction.atomic
def case_add(*, inspection: Inspection, added_by, **fields) -> Case:
    if Case.objects.filter(inspection=inspection, reference=fields.get("reference")).exists():
        raise ValidationError({"reference": "This inspection already has a case with this reference"})
    case = Case(inspection=inspection, **fields)
    case.full_clean()
    case._history_user = added_by
    case.save()
    return case


@transaction.atomic
def case_assign(*, case: Case, assessor, marking=Marking.FIRST, assigned_by) -> Assessment:
    """Give the case to an assessor for a marking. A started assessment is not moved."""
    check_not_own_case(case=case, assessor=assessor)
    if marking == Marking.SECOND:
        first = case.assessments.filter(marking=Marking.FIRST).first()
        if first and first.assessor_id == assessor.pk:
            raise ValidationError("Second marking must be by a different assessor from the first marking.")
    assessment = Assessment.objects.select_for_update().filter(case=case, marking=marking).first()
    if assessment is None:
        assessment = Assessment(case=case, marking=marking, assessor=assessor)
    elif assessment.assessor_id != assessor.pk:
        if assessment.status != AssessmentStatus.NOT_STARTED:
            raise ValidationError(
                f"{display_name(assessment.assessor)} has started this "
                "assessment, so it cannot be moved to someone else."
            )
        assessment.assessor = assessor
    assessment._history_user = assigned_by
    assessment._change_reason = f"Assigned to {display_name(assessor)}"
    assessment.save()
    return assessment


def _clean_answers(questions, submitted):
    """Keep only answers to this framework's questions with a known value; tidy notes."""
    cleaned = {}
    for question in questions:
        value, note = submitted.get(question.code, ("", ""))
        value = (value or "").strip().lower()
        note = (note or "").strip()
        if value and value not in ANSWER_VALUES:
            value = ""
        if value or note:
            cleaned[question.code] = (value, note)
    return cleaned


def submission_problems(questions, answers) -> dict[str, str]:
    problems = {}
    for question in questions:
        value, note = answers.get(question.code, ("", ""))
        if not value:
            problems[question.code] = f"Answer question {question.code}: Yes, No or Not applicable"
        elif value == Answer.Value.NO and not note:
            problems[question.code] = f"Question {question.code} is answered No: add a note saying what was missing"
    return problems


@transaction.atomic
def assessment_save(
    *, assessment: Assessment, answers: dict, version: int, by, submit: bool = False, questions=None
) -> Assessment:
    """Save the assessor's answers ({code: (value, note)}); with `submit`, also submit them.

    Refuses (StaleAssessment) if the assessment changed since `version` was read, and
    (ScoringProblems) a submission with any question unanswered or a No without a note.
    Only answers that changed are written, so the record of changes shows real changes.
    `questions`: the questions the case is asked, as the scoring page read them
    (selectors.case_areas); read here the same way when not given.
    """
    if assessment.assessor_id != by.pk:
        raise ValidationError("Only the assigned assessor can score this case.")
    check_not_own_case(case=assessment.case, assessor=by)
    if assessment.status == AssessmentStatus.SUBMITTED:
        raise ValidationError("This assessment is submitted. A manager can reopen it.")
    if questions is None:
        case = assessment.case
        questions = [q for area in case_areas(case, question_scope(case.inspection)) for q in area.asked]
    answers = _clean_answers(questions, answers)
    if submit:
        problems = submission_problems(questions, answers)
        if problems:
            raise ScoringProblems(problems)

    # Claim the next version in one conditional UPDATE (atomic on every database, SQLite too); if
    # someone else saved first, nothing matches and nothing is written.
    claimed = Assessment.objects.filter(pk=assessment.pk, version=version).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    if not claimed:
        raise StaleAssessment(Assessment.objects.select_related("assessor").get(pk=assessment.pk))

    by_code = {q.code: q for q in questions}
    # A note without an answer is kept only once the question is answered.
    given = [(by_code[code], value, note) for code, (value, note) in answers.items() if value]
    values = answers_write(assessment=assessment, answers=given, by=by)
    assessment.refresh_from_db()
    assessment.recount(values)
    if submit:
        assessment.status = AssessmentStatus.SUBMITTED
        assessment.submitted_at = timezone.now()
        assessment._change_reason = "Submitted"
    else:
        assessment.status = AssessmentStatus.DRAFT
        assessment._change_reason = "Draft saved"
    assessment._history_user = by
    assessment.save()
    return assessment


def answers_write(*, assessment, answers, by, created="Answered", changed="Changed") -> list[str]:
    """Write `answers` [(question, value, note)] to the assessment: new ones created, changed ones
    updated, each with its history record; unchanged ones left alone, so the record of changes
    shows real changes. Returns the values of all the assessment's answers now."""
    existing = {a.question_id: a for a in assessment.answers.all()}
    to_create, to_update = [], []
    for question, value, note in answers:
        answer = existing.get(question.pk)
        if answer is None:
            to_create.append(Answer(assessment=assessment, question=question, value=value, note=note))
        elif (answer.value, answer.note) != (value, note):
            answer.value, answer.note = value, note
            to_update.append(answer)
    if to_create:
        bulk_create_with_history(to_create, Answer, default_user=by, default_change_reason=created)
    if to_update:
        bulk_update_with_history(to_update, Answer, ["value", "note"], default_user=by, default_change_reason=changed)
    return [a.value for a in existing.values()] + [a.value for a in to_create]


@transaction.atomic
def assessment_reopen(*, assessment: Assessment, by, reason: str) -> Assessment:
    assessment = Assessment.objects.select_for_update().select_related("case__inspection").get(pk=assessment.pk)
    if assessment.status != AssessmentStatus.SUBMITTED:
        raise ValidationError("Only a submitted assessment can be reopened.")
    if assessment.case.inspection.is_published:
        raise ValidationError("The inspection is published: its assessments can no longer change.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the assessment is reopened"})
    assessment.status = AssessmentStatus.DRAFT
    assessment.submitted_at = None
    assessment.version += 1  # a page opened before the reopening cannot save over it
    assessment._history_user = by
    assessment._change_reason = f"Reopened: {reason.strip()}"
    assessment.save()
    return assessment


@transaction.atomic
def inspection_publish(*, inspection: Inspection, by, published_on=None) -> Inspection:
    """Store the judgements as they stand and mark the inspection published."""
    locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if locked.status != InspectionStatus.MODERATION:
        raise ValidationError("Only an inspection in moderation can be published.")
    figures = inspection_judgements(locked)
    now = timezone.now()
    for area in figures.areas:
        judgement, _ = Judgement.objects.get_or_create(inspection=locked, area=area.area)
        judgement.score = area.score
        judgement.band_label = area.band.label if area.band else ""
        judgement.equivalent = area.band.equivalent if area.band else ""
        judgement.cases = area.cases
        judgement.yes, judgement.no, judgement.na = area.result.tally.yes, area.result.tally.no, area.result.tally.na
        judgement.published_at = now
        judgement._history_user = by
        judgement._change_reason = "Published"
        judgement.save()
    PublishedQuestionScore.objects.filter(inspection=locked).delete()
    PublishedQuestionScore.objects.bulk_create(
        PublishedQuestionScore(
            inspection=locked, question=q.question, score=q.score, yes=q.tally.yes, no=q.tally.no, na=q.tally.na
        )
        for area in figures.areas
        for q in area.questions
    )
    locked.status = InspectionStatus.PUBLISHED
    locked.published_on = published_on or locked.published_on or timezone.localdate()
    locked._history_user = by
    locked._change_reason = "Published"
    locked.save()
    return locked
