"""Writes for cases and scoring: add a case, assign it, save or submit an assessment, reopen it,
and publish an inspection's judgements. Keyword-only, one transaction each."""

import functools
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connections, router, transaction
from django.utils import timezone

from inspections.models import Inspection, InspectionStatus, Judgement, PublishedQuestionScore
from inspections.people import display_name
from inspections.prepared import PreparedRead

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


def assessment_save(
    *, assessment: Assessment, answers: dict, version: int, by, submit: bool = False, questions=None
) -> Assessment:
    """Save the assessor's answers ({code: (value, note)}); with `submit`, also submit them.

    Refuses (StaleAssessment) if the assessment changed since `version` was read, and
    (ScoringProblems) a submission with any question unanswered or a No without a note.
    Only answers that changed are written, so the record of changes shows real changes.
    `questions`: the questions the case is asked, as the scoring page read them
    (selectors.case_areas); read here the same way when not given.

    `assessment` is as the page read it in this request. Every change to an assessment's answers,
    status or assessor moves its version on (this save, moderation, reopening; assignment only
    before it is started), so once the version claim below succeeds, `assessment` and the answers
    read just before it are what is stored at `version`. The answers are read before the write
    transaction starts, so on SQLite the claim is its first statement and waits for another
    writer rather than failing.
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

    by_code = {q.code: q for q in questions}
    # A note without an answer is kept only once the question is answered.
    given = [(by_code[code], value, note) for code, (value, note) in answers.items() if value]
    saved = saved_answers(assessment)
    values = {question_id: value for question_id, (_, value, _) in saved.items()}
    values.update((question.pk, value) for question, value, _ in given)
    now = timezone.now()
    status = AssessmentStatus.SUBMITTED if submit else AssessmentStatus.DRAFT
    submitted_at = now if submit else assessment.submitted_at
    with transaction.atomic():
        # Claim the next version and store the new state in one conditional UPDATE (atomic on every
        # database, SQLite too); if someone else saved first, nothing matches and nothing is written.
        assessment.recount(list(values.values()))  # the counts to store (the one place they are worked out)
        claimed = _claim_version(
            assessment, version=version, by=by, status=status, submitted_at=submitted_at, updated_at=now
        )
        if not claimed:
            raise StaleAssessment(Assessment.objects.select_related("assessor").get(pk=assessment.pk))
        assessment.version, assessment.status, assessment.submitted_at, assessment.updated_at = (
            version + 1,
            status,
            submitted_at,
            now,
        )
        reason = "Submitted" if submit else "Draft saved"
        answers_write(assessment=assessment, answers=given, by=by, saved=saved)
        # On record as a save() would put it: the assessment as now stored, by whom and why (the row
        # simple-history's bulk_history_create writes, in one INSERT built once per process).
        _history_insert(
            _history(Assessment).model,
            [_history_row(_history(Assessment).model, assessment, by=by, when=now, kind="~", reason=reason)],
        )
    return assessment


# The writes of every save, as SQL written once per process from the models' own names (table,
# columns) and run with each save's values, each prepared for the database by its field
# (`get_db_prep_save`, as the ORM's update and bulk_create prepare them). Building the same UPDATE
# and INSERTs with the ORM took a quarter of a save's time in Python.


def _connection(model):
    return connections[router.db_for_write(model)]


_CLAIMED = ("status", "submitted_at", "updated_at", "answered", "yes", "no", "na")


@functools.cache
def _claim_sql(alias):
    qn = connections[alias].ops.quote_name
    fields = [Assessment._meta.get_field(name) for name in _CLAIMED]
    version = qn(Assessment._meta.get_field("version").column)
    assignments = ", ".join(f"{qn(field.column)} = %s" for field in fields)
    return fields, (
        f"UPDATE {qn(Assessment._meta.db_table)} SET {version} = {version} + 1, {assignments} "  # noqa: S608 (names from the models, values as parameters)
        f"WHERE {qn(Assessment._meta.pk.column)} = %s AND {version} = %s "
        f"AND {qn(Assessment._meta.get_field('assessor').column)} = %s"
    )


def _claim_version(assessment, *, version, by, status, submitted_at, updated_at):
    """`UPDATE ... SET version = version + 1, <the new state> WHERE pk, version and assessor match`:
    how many rows it changed (0: someone else saved first, or the case was given to someone else)."""
    connection = _connection(Assessment)
    fields, sql = _claim_sql(connection.alias)
    state = {"status": status, "submitted_at": submitted_at, "updated_at": updated_at}
    params = [
        field.get_db_prep_save(
            state[field.name] if field.name in state else getattr(assessment, field.attname), connection
        )
        for field in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, assessment.pk, version, by.pk])
        return cursor.rowcount


@functools.cache
def _answer_update_sql(alias):
    qn = connections[alias].ops.quote_name
    fields = [Answer._meta.get_field("value"), Answer._meta.get_field("note")]
    return fields, (
        f"UPDATE {qn(Answer._meta.db_table)} SET {qn(fields[0].column)} = %s, {qn(fields[1].column)} = %s "  # noqa: S608 (names from the models, values as parameters)
        f"WHERE {qn(Answer._meta.pk.column)} = %s"
    )


def _answer_update(answer):
    """One answer's new value and note: `Answer.objects.filter(pk=...).update(value=..., note=...)`."""
    connection = _connection(Answer)
    fields, sql = _answer_update_sql(connection.alias)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*(f.get_db_prep_save(getattr(answer, f.attname), connection) for f in fields), answer.pk])


@functools.cache
def _history_columns(history_model, alias):
    """The historical model's columns but its own key (the database numbers the records), and the
    INSERT of one row of them."""
    qn = connections[alias].ops.quote_name
    fields = [f for f in history_model._meta.concrete_fields if f is not history_model._meta.auto_field]
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    columns = ", ".join(qn(f.column) for f in fields)
    insert = f"INSERT INTO {qn(history_model._meta.db_table)} ({columns}) VALUES "  # noqa: S608 (names from the models)
    return fields, insert, row


def _history_row(history_model, instance, *, by, when, kind, reason):
    """A history record's values ({attname: value}) as simple-history writes them: the instance's tracked
    fields as given, when, by whom, the kind of change ("+", "~") and why."""
    return {
        **{field.attname: getattr(instance, field.attname) for field in history_model.tracked_fields},
        "history_date": when,
        "history_user_id": by.pk if by is not None else None,
        "history_change_reason": reason,
        "history_type": kind,
    }


def _history_insert(history_model, rows):
    """Insert history records (`_history_row`s), as many a statement as the database takes."""
    if not rows:
        return
    connection = _connection(history_model)
    fields, head, one = _history_columns(history_model, connection.alias)
    batch = max(connection.ops.bulk_batch_size(fields, rows), 1)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            cursor.execute(
                head + ", ".join([one] * len(chunk)),
                [field.get_db_prep_save(row[field.attname], connection) for row in chunk for field in fields],
            )


@functools.cache
def _history(model):
    """The model's history manager (simple-history), made once per process: its descriptor makes a new
    manager class on every access (several hundred function calls), and the manager holds nothing else."""
    return model.history


def saved_answers(assessment) -> dict:
    """{question id: (answer id, value, note)} of the assessment's saved answers: one query, no objects
    (built once per process)."""
    return {question_id: (pk, value, note) for pk, question_id, value, note in _SAVED_ANSWERS.rows(assessment.pk)}


_SAVED_ANSWERS = PreparedRead(
    Answer,
    lambda assessment_id: (
        Answer.objects.filter(assessment_id=assessment_id).order_by().values_list("pk", "question_id", "value", "note")
    ),
)


def answers_write(*, assessment, answers, by, created="Answered", changed="Changed", saved=None):
    """Write `answers` [(question, value, note)] to the assessment: new ones created, changed ones
    updated, each with its history record (one INSERT of history rows for both); unchanged ones left
    alone, so the record of changes shows real changes. `saved`: `saved_answers(assessment)` when
    the caller has read them."""
    if saved is None:
        saved = saved_answers(assessment)
    to_create, to_update = [], []
    for question, value, note in answers:
        answer = saved.get(question.pk)
        if answer is None:
            to_create.append(Answer(assessment=assessment, question_id=question.pk, value=value, note=note))
        elif answer[1:] != (value, note):
            to_update.append(
                Answer(pk=answer[0], assessment_id=assessment.pk, question_id=question.pk, value=value, note=note)
            )
    if len(to_update) == 1:  # the usual draft save: a plain UPDATE, cheaper than bulk_update's CASE
        _answer_update(to_update[0])
    elif to_update:
        Answer.objects.bulk_update(to_update, ["value", "note"])
    if to_create:
        Answer.objects.bulk_create(to_create)
    if to_create or to_update:
        now = timezone.now()
        history = _history(Answer).model
        _history_insert(
            history,
            [
                _history_row(history, answer, by=by, when=now, kind=kind, reason=reason)
                for kind, reason, answers in (("+", created, to_create), ("~", changed, to_update))
                for answer in answers
            ],
        )


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
