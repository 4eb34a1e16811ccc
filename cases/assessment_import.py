"""Reading an assessments CSV (its columns: README, "Command line") into answers, all or nothing.

Columns: case_reference, assessor, marking (first | second | final), question_code,
answer (yes | no | na), note, and optionally status (draft | submitted). One row per answer; the
rows of one case and marking make one assessment.

The rules are the scoring page's:
- answers go in only while the inspection is scoring or in moderation;
- a No needs a note saying what was missing;
- an assessment that answers every question is submitted, one with a question unanswered is a
  draft; a `status` of submitted on a row asks for it to be submitted, and is refused while a
  question is unanswered (a `status` of draft keeps a complete one as a draft);
- nobody scores a case they manage, and the second marker is not the first marker;
- a moderated (final) marking needs the first and second markings both submitted (already, or in
  the same file).
"""

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from inspections.models import InspectionStatus, Question

from .models import Answer, Assessment, AssessmentStatus, Case, Marking, markings_both_submitted

COLUMNS = ["case_reference", "assessor", "marking", "question_code", "answer", "note", "status"]
OPTIONAL = {"note", "status"}
STATUSES = {"": "", "draft": AssessmentStatus.DRAFT, "submitted": AssessmentStatus.SUBMITTED, "complete": "submitted"}
OPEN_FOR_ANSWERS = {InspectionStatus.SCORING, InspectionStatus.MODERATION}
ANSWERS = {"yes": "yes", "y": "yes", "no": "no", "n": "no", "na": "na", "n/a": "na", "not applicable": "na"}


@dataclass
class ImportProblem:
    row: int | None
    column: str
    reason: str

    def __str__(self):
        where = f"row {self.row}" if self.row else "the file"
        return f"{where}, column {self.column}: {self.reason}" if self.column else f"{where}: {self.reason}"


@dataclass
class AssessmentImportResult:
    assessments: int = 0
    drafts: int = 0
    answers: int = 0
    problems: list[ImportProblem] = field(default_factory=list)


def decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(
            f"The file is not UTF-8 text (byte {error.start + 1} cannot be read). Save it as 'CSV UTF-8' and try again."
        ) from None


def assessments_import(*, inspection, text: str, by) -> AssessmentImportResult:
    """Check every row, then (only if no problem was found) store the assessments as submitted."""
    result = AssessmentImportResult()
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    result.problems += _file_problems(inspection, header)
    if result.problems:
        return result
    reader.fieldnames = header
    batch = _Batch(inspection, result.problems)
    for number, row in enumerate(reader, start=2):
        batch.add_row(number, {k: (v or "").strip() for k, v in row.items() if k})
    batch.decide_statuses()
    batch.check_markings()
    if not batch.groups and not result.problems:
        result.problems.append(ImportProblem(None, "", "the file has no rows"))
    if result.problems:
        return result
    batch.store(result, by)
    return result


def _file_problems(inspection, header):
    """Refusals of the whole file: the inspection not open for answers, columns missing or unknown."""
    if inspection.status not in OPEN_FOR_ANSWERS:
        return [
            ImportProblem(
                None,
                "",
                f"the inspection is {inspection.get_status_display().lower()}: answers can be imported only "
                "while it is scoring or in moderation",
            )
        ]
    problems = []
    missing = [c for c in COLUMNS if c not in header and c not in OPTIONAL]
    unknown = [c for c in header if c not in COLUMNS]
    if missing:
        problems.append(ImportProblem(1, ", ".join(missing), "missing column(s)"))
    if unknown:
        problems.append(ImportProblem(1, ", ".join(unknown), "unknown column(s)"))
    return problems


@dataclass
class _Row:
    number: int
    case: Case
    assessor: object
    marking: str
    question: Question
    answer: str
    status: str
    note: str


class _Batch:
    """The rows read so far, grouped by (case id, marking), with every problem found on the way."""

    def __init__(self, inspection, problems):
        self.inspection = inspection
        self.problems = problems
        self.cases = {c.reference.lower(): c for c in Case.objects.filter(inspection=inspection)}
        self.questions = {q.code.lower(): q for q in Question.objects.filter(framework_id=inspection.framework_id)}
        self.users = {
            u.username.lower(): u for u in get_user_model().objects.filter(memberships__service=inspection.service)
        }
        self.stored = {
            (a.case_id, a.marking): a
            for a in Assessment.objects.filter(case__inspection=inspection).only(
                "case_id", "marking", "assessor_id", "status"
            )
        }
        self.groups = defaultdict(dict)
        self.assessor_of = {}
        self.first_row = {}
        self.status_asked = {}
        self.statuses = {}

    def problem(self, number, column, reason):
        self.problems.append(ImportProblem(number, column, reason))

    # --- one row ---------------------------------------------------------------------------

    def add_row(self, number, row):
        if not any(row.values()):
            self.problem(number, "", "the row is empty")
            return
        read = self._read(number, row)
        if read is not None:
            self._group(read)

    def _read(self, number, row):
        """The row's values, each looked up; None (with the problems noted) if any is unknown."""
        case = self._lookup(number, self.cases, row, "case_reference", lambda v: f"no case {v} in this inspection")
        assessor = self._lookup(
            number, self.users, row, "assessor", lambda v: f"{v} is not a member of {self.inspection.service.name}"
        )
        marking = row["marking"].lower()
        if marking not in Marking.values:
            self.problem(number, "marking", f"{row['marking']!r} is not one of first, second, final")
        question = self._lookup(
            number,
            self.questions,
            row,
            "question_code",
            lambda v: f"{v} is not a question of {self.inspection.framework}",
        )
        answer = self._lookup(number, ANSWERS, row, "answer", lambda v: f"{v} is not yes, no or na")
        status = STATUSES.get(row.get("status", "").lower())
        if status is None:
            self.problem(number, "status", f"{row['status']!r} is not draft or submitted")
        if answer == Answer.Value.NO and not row.get("note"):
            self.problem(number, "note", "the answer is No: add a note saying what was missing")
        if None in (case, assessor, question, answer, status) or marking not in Marking.values:
            return None
        return _Row(number, case, assessor, marking, question, answer, status, row.get("note", ""))

    def _lookup(self, number, known, row, column, reason):
        """known[value of `column`], noting reason(repr of the value) when it is not known."""
        found = known.get(row[column].lower())
        if found is None:
            self.problem(number, column, reason(repr(row[column])))
        return found

    def _group(self, r):
        """Adds a readable row to its assessment, noting what two rows of one assessment disagree on."""
        case, number, marking = r.case, r.number, r.marking
        if case.case_manager_id == r.assessor.pk:
            self.problem(number, "assessor", f"{r.assessor.username} manages case {case.reference} and cannot score it")
        key = (case.pk, marking)
        if key in self.stored:
            self.problem(number, "marking", f"case {case.reference} already has a {marking} marking")
            return
        if self.assessor_of.setdefault(key, r.assessor.pk) != r.assessor.pk:
            self.problem(number, "assessor", f"case {case.reference} {marking} marking has rows by two assessors")
        if r.question.pk in self.groups[key]:
            self.problem(
                number, "question_code", f"{r.question.code} is answered twice for case {case.reference} ({marking})"
            )
        self.first_row.setdefault(key, number)
        if r.status and self.status_asked.setdefault(key, r.status) != r.status:
            self.problem(number, "status", f"case {case.reference} {marking} marking has rows with two statuses")
        self.groups[key][r.question.pk] = (r.question, r.answer, r.note, r.assessor)

    # --- whole assessments -----------------------------------------------------------------

    def decide_statuses(self):
        """Each assessment's status: as asked, else submitted when every question is answered."""
        framework_questions = sorted((q.pk, q.code) for q in self.questions.values())
        for key, answers in self.groups.items():
            unanswered = [code for pk, code in framework_questions if pk not in answers]
            asked = self.status_asked.get(key, "")
            if asked == AssessmentStatus.SUBMITTED and unanswered:
                self.problem(
                    self.first_row[key],
                    "status",
                    f"{len(unanswered)} question(s) unanswered ({', '.join(unanswered[:5])}"
                    f"{'...' if len(unanswered) > 5 else ''}): a submitted assessment answers every question",
                )
            self.statuses[key] = asked or (AssessmentStatus.DRAFT if unanswered else AssessmentStatus.SUBMITTED)

    def _marker(self, case_id, marking):
        """(assessor id, status) of the case's `marking`, from this file or already stored."""
        key = (case_id, marking)
        if key in self.groups:
            return self.assessor_of[key], self.statuses[key]
        if key in self.stored:
            return self.stored[key].assessor_id, self.stored[key].status
        return None, None

    def check_markings(self):
        """The second marker differs from the first; a moderated marking needs both markings submitted."""
        reference = {c.pk: c.reference for c in self.cases.values()}
        for case_id, marking in self.groups:
            row_number = self.first_row[(case_id, marking)]
            if (
                marking == Marking.SECOND
                and self._marker(case_id, Marking.FIRST)[0] == self.assessor_of[(case_id, marking)]
            ):
                self.problem(
                    row_number,
                    "assessor",
                    f"case {reference[case_id]}: the second marker must differ from the first marker",
                )
            if marking == Marking.FINAL:
                self._check_final(case_id, row_number, reference[case_id])

    def _check_final(self, case_id, row_number, reference):
        statuses = {m: self._marker(case_id, m)[1] for m in (Marking.FIRST, Marking.SECOND)}
        if not markings_both_submitted(statuses):
            waiting = [m.label.lower() for m, status in statuses.items() if status != AssessmentStatus.SUBMITTED]
            self.problem(
                row_number,
                "marking",
                f"case {reference}: a moderated marking needs the first and second markings "
                f"both submitted ({' and '.join(waiting)} not submitted)",
            )

    # --- storing ---------------------------------------------------------------------------

    @transaction.atomic
    def store(self, result, by):
        now = timezone.now()
        for (case_id, marking), answers in self.groups.items():
            assessor = next(iter(answers.values()))[3]
            values = [a[1] for a in answers.values()]
            status = self.statuses[(case_id, marking)]
            assessment = Assessment(
                case_id=case_id,
                marking=marking,
                assessor=assessor,
                status=status,
                submitted_at=now if status == AssessmentStatus.SUBMITTED else None,
            ).recount(values)
            assessment._history_user = by
            assessment._change_reason = "Imported" if status == AssessmentStatus.SUBMITTED else "Imported as a draft"
            assessment.save()
            bulk_create_with_history(
                [Answer(assessment=assessment, question=q, value=v, note=n) for q, v, n, _ in answers.values()],
                Answer,
                default_user=by,
                default_change_reason="Imported",
            )
            result.assessments += 1
            result.drafts += status == AssessmentStatus.DRAFT
            result.answers += len(values)
