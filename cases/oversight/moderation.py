"""Moderation: a manager or inspector who made neither marking compares the first and the blind
second marking of a case, settles each disagreement with a note, and so makes the moderated
(final) assessment that the judgements count (docs/architecture.md, "The rules the code computes").

Services are keyword-only and run in one transaction each; every change is on record through
django-simple-history with the moderator as the person who made it.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from inspections.people import display_name
from inspections.prepared import PreparedRead
from inspections.prepared_objects import PreparedObjects

from ..models import Answer, Assessment, AssessmentStatus, Case, Marking, markings_both_submitted
from ..presenters import question_name
from ..programme.scope import question_scope
from ..selectors import AskedQuestion, case_areas
from ..services import ScoringProblems, StaleAssessment, answers_write

VALUE_LABELS = dict(Answer.Value.choices)


@dataclass
class ComparedQuestion:
    question: AskedQuestion
    first: tuple[str, str]  # (value, note)
    second: tuple[str, str]
    final: tuple[str, str]
    number: int = 0  # its place among the case's questions, as the scoring page numbers them

    @property
    def name(self):
        return question_name(self.question, self.number)

    @property
    def agreed(self):
        return self.first[0] == self.second[0]

    @property
    def field_id(self):
        return f"q-{self.question.code}"

    def label(self, value):
        return VALUE_LABELS.get(value, "Not answered")

    @property
    def first_label(self):
        return self.label(self.first[0])

    @property
    def second_label(self):
        return self.label(self.second[0])

    @property
    def final_label(self):
        return self.label(self.final[0])


@dataclass
class Comparison:
    case: Case
    first: Assessment | None
    second: Assessment | None
    final: Assessment | None
    questions: list[ComparedQuestion]

    @property
    def ready(self):
        """Both markings are submitted, so they can be compared and moderated."""
        return markings_both_submitted({a.marking: a.status for a in (self.first, self.second) if a})

    @property
    def moderated(self):
        return bool(self.final and self.final.status == AssessmentStatus.SUBMITTED)

    @property
    def disagreements(self):
        return [q for q in self.questions if not q.agreed]

    @property
    def agreed_count(self):
        return sum(1 for q in self.questions if q.agreed)

    @property
    def agreement_percent(self):
        return round(100 * self.agreed_count / len(self.questions)) if self.questions else None


def _assessments_of(case_id):
    # By the case's key only (the default ordering would join the case again to sort by its reference).
    return Assessment.objects.filter(case_id=case_id).select_related("assessor").order_by()


def _answers_of(case_id):
    return (
        Answer.objects.filter(assessment__case_id=case_id)
        .order_by()
        .values_list("assessment_id", "question_id", "value", "note")
    )


def _case_of(inspection_id, pk):
    return Case.objects.filter(inspection_id=inspection_id, pk=pk).order_by()


# Built by the ORM once per process (inspections/prepared.py), run with each request's ids.
_ASSESSMENTS = PreparedObjects(Assessment, _assessments_of)
_ANSWERS = PreparedRead(Answer, _answers_of)
_CASE = PreparedObjects(Case, _case_of)


def case_in(inspection, pk):
    """The case `pk` of `inspection` (already read within the person's services, with its framework),
    else 404: one query."""
    found = _CASE.objects(inspection.pk, int(pk))
    if not found:
        raise Http404("No Case matches the given query.")
    case = found[0]
    case.inspection = inspection
    return case


def _markings(case):
    """{marking: assessment (with its assessor)} of the case, and {assessment id: {question id:
    (value, note)}} of their answers: two queries, no object for each answer."""
    markings = {a.marking: a for a in _ASSESSMENTS.objects(case.pk)}
    answers = defaultdict(dict)
    for assessment_id, question_id, value, note in _ANSWERS.rows(case.pk):
        answers[assessment_id][question_id] = (value, note)
    return markings, answers


def case_comparison(case) -> Comparison:
    """Both markings (and the moderated one) of `case`, question by question: four queries."""
    markings, answers_of = _markings(case)
    # Who made the first and second markings, as the permission to moderate asks (rules.is_marker_of_case).
    case.first_and_second_markings = [
        (a.marking, a.assessor_id, a.status) for a in markings.values() if a.marking in (Marking.FIRST, Marking.SECOND)
    ]
    # The questions the case is asked, as the scoring page reads and numbers them (only those of a
    # themed programme audit: `question_scope`, read with the inspection): plain rows, one query.
    questions = [q for area in case_areas(case, question_scope(case.inspection)) for q in area.asked]

    def answers(marking):
        assessment = markings.get(marking)
        return answers_of[assessment.pk] if assessment is not None else {}

    first, second, final = answers(Marking.FIRST), answers(Marking.SECOND), answers(Marking.FINAL)
    empty = ("", "")
    return Comparison(
        case=case,
        first=markings.get(Marking.FIRST),
        second=markings.get(Marking.SECOND),
        final=markings.get(Marking.FINAL),
        questions=[
            ComparedQuestion(q, first.get(q.pk, empty), second.get(q.pk, empty), final.get(q.pk, empty), number)
            for number, q in enumerate(questions, start=1)
        ],
    )


def _check_may_moderate(comparison, by):
    case = comparison.case
    if case.inspection.is_published:
        raise ValidationError("The inspection is published: its assessments can no longer change.")
    if not comparison.ready:
        raise ValidationError("Both the first and the second marking must be submitted before moderation.")
    if by.pk in (comparison.first.assessor_id, comparison.second.assessor_id):
        raise ValidationError("You marked this case, so someone else must moderate it.")


def _carried_note(compared):
    first_note, second_note = compared.first[1], compared.second[1]
    if first_note and second_note and first_note != second_note:
        return f"{first_note} / {second_note}"
    return first_note or second_note


@transaction.atomic
def moderation_start(*, case: Case, by) -> Assessment:
    """The case's moderated assessment, created if need be with every agreed answer carried over.

    Refuses unless both markings are submitted and `by` made neither of them. A draft started by
    another moderator passes to `by`.
    """
    case = (
        Case.objects.select_for_update(of=("self", "inspection"))
        .select_related("inspection__programme_audit")
        .get(pk=case.pk)
    )
    comparison = case_comparison(case)
    _check_may_moderate(comparison, by)
    final = comparison.final
    if final is None:
        final = Assessment(case=case, marking=Marking.FINAL, assessor=by, status=AssessmentStatus.DRAFT)
        final._history_user = by
        final._change_reason = "Moderation started"
        final.save()
        carried = [
            Answer(assessment=final, question_id=q.question.pk, value=q.first[0], note=_carried_note(q))
            for q in comparison.questions
            if q.agreed and q.first[0]
        ]
        if carried:
            bulk_create_with_history(carried, Answer, default_user=by, default_change_reason="Agreed by both markers")
        final.recount()
        final.save(update_fields=["answered", "yes", "no", "na"])
    elif final.assessor_id != by.pk:
        if final.status == AssessmentStatus.SUBMITTED:
            raise ValidationError("This case is already moderated. Reopen the moderated assessment to change it.")
        final.assessor = by
        final._history_user = by
        final._change_reason = f"Moderation taken over by {display_name(by)}"
        final.save()
    return final


def check_moderation_version(*, case: Case, version):
    """Refuse (StaleAssessment) when the moderated assessment is no longer the one the page showed:
    `version` is its version then, 0 when there was none yet. Locks the case until the end of the
    transaction, so two moderators saving at once are taken one after the other."""
    Case.objects.select_for_update().filter(pk=case.pk).first()
    final = Assessment.objects.select_related("assessor").filter(case=case, marking=Marking.FINAL).first()
    if (final.version if final else 0) != version:
        raise StaleAssessment(final)


def unsettled_message(compared):
    return f"Choose the moderated answer to {compared.name} and say why"


def _settled(comparison, decisions):
    """[(question, value, note)] the moderator settled among the disagreements; ScoringProblems for
    a value without a note or a note without a value. Questions left blank are left alone."""
    problems, chosen = {}, []
    for compared in comparison.disagreements:
        code = compared.question.code
        value, note = decisions.get(code, ("", ""))
        value, note = (value or "").strip().lower(), (note or "").strip()
        if not value and not note:
            continue
        if value not in (Answer.Value.YES, Answer.Value.NO, Answer.Value.NA):
            problems[code] = f"Choose the moderated answer to {compared.name}"
        elif not note:
            problems[code] = f"Say why you chose this answer to {compared.name}"
        else:
            chosen.append((compared.question, value, note))
    if problems:
        raise ScoringProblems(problems)
    return chosen


@transaction.atomic
def moderation_settle(*, case: Case, decisions: dict, by, version=None) -> Assessment:
    """Settle disagreements: `decisions` is {question code: (value, note)}; a note is required.

    Only questions the markers disagreed on can be settled here. Raises ScoringProblems (nothing
    saved) for a missing value or note, and StaleAssessment when `version` (the moderated
    assessment's as the page showed it) is out of date.
    """
    if version is not None:
        check_moderation_version(case=case, version=version)
    final = moderation_start(case=case, by=by)
    if final.status == AssessmentStatus.SUBMITTED:
        raise ValidationError("This case is already moderated. Reopen the moderated assessment to change it.")
    chosen = _settled(case_comparison(final.case), decisions)
    answers_write(
        assessment=final,
        answers=chosen,
        by=by,
        created="Settled in moderation",
        changed="Changed in moderation",
    )
    final.recount()
    final.version += 1
    final._history_user = by
    final._change_reason = "Moderation saved"
    final.save()
    return final


@transaction.atomic
def moderation_complete(*, case: Case, by) -> Assessment:
    """Submit the moderated assessment once every disagreement is settled: it then counts."""
    final = moderation_start(case=case, by=by)
    if final.status == AssessmentStatus.SUBMITTED:
        raise ValidationError("This case is already moderated.")
    comparison = case_comparison(final.case)
    unsettled = {q.question.code: unsettled_message(q) for q in comparison.questions if not q.final[0]}
    if unsettled:
        raise ScoringProblems(unsettled)
    final.recount()
    final.status = AssessmentStatus.SUBMITTED
    final.submitted_at = timezone.now()
    final.version += 1
    final._history_user = by
    final._change_reason = "Moderated"
    final.save()
    return final
