"""Reading an assessments CSV (DESIGN.md section 6) into answers, all or nothing.

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
    if inspection.status not in OPEN_FOR_ANSWERS:
        result.problems.append(
            ImportProblem(
                None,
                "",
                f"the inspection is {inspection.get_status_display().lower()}: answers can be imported only "
                "while it is scoring or in moderation",
            )
        )
        return result
    missing = [c for c in COLUMNS if c not in header and c not in OPTIONAL]
    unknown = [c for c in header if c not in COLUMNS]
    if missing:
        result.problems.append(ImportProblem(1, ", ".join(missing), "missing column(s)"))
    if unknown:
        result.problems.append(ImportProblem(1, ", ".join(unknown), "unknown column(s)"))
    if result.problems:
        return result
    reader.fieldnames = header

    cases = {c.reference.lower(): c for c in Case.objects.filter(inspection=inspection)}
    questions = {q.code.lower(): q for q in Question.objects.filter(framework_id=inspection.framework_id)}
    users = {u.username.lower(): u for u in get_user_model().objects.filter(memberships__service=inspection.service)}
    stored = {
        (a.case_id, a.marking): a
        for a in Assessment.objects.filter(case__inspection=inspection).only(
            "case_id", "marking", "assessor_id", "status"
        )
    }
    existing = set(stored)
    groups = defaultdict(dict)
    assessor_of = {}
    first_row = {}
    status_asked = {}
    for number, row in enumerate(reader, start=2):
        row = {k: (v or "").strip() for k, v in row.items() if k}
        if not any(row.values()):
            result.problems.append(ImportProblem(number, "", "the row is empty"))
            continue
        case = cases.get(row["case_reference"].lower())
        if case is None:
            result.problems.append(
                ImportProblem(number, "case_reference", f"no case {row['case_reference']!r} in this inspection")
            )
        assessor = users.get(row["assessor"].lower())
        if assessor is None:
            result.problems.append(
                ImportProblem(number, "assessor", f"{row['assessor']!r} is not a member of {inspection.service.name}")
            )
        marking = row["marking"].lower()
        if marking not in Marking.values:
            result.problems.append(
                ImportProblem(number, "marking", f"{row['marking']!r} is not one of first, second, final")
            )
        question = questions.get(row["question_code"].lower())
        if question is None:
            result.problems.append(
                ImportProblem(
                    number, "question_code", f"{row['question_code']!r} is not a question of {inspection.framework}"
                )
            )
        answer = ANSWERS.get(row["answer"].lower())
        if answer is None:
            result.problems.append(ImportProblem(number, "answer", f"{row['answer']!r} is not yes, no or na"))
        status = STATUSES.get(row.get("status", "").lower())
        if status is None:
            result.problems.append(ImportProblem(number, "status", f"{row['status']!r} is not draft or submitted"))
        if answer == Answer.Value.NO and not row.get("note"):
            result.problems.append(
                ImportProblem(number, "note", "the answer is No: add a note saying what was missing")
            )
        if None in (case, assessor, question, answer, status) or marking not in Marking.values:
            continue
        if case.case_manager_id == assessor.pk:
            result.problems.append(
                ImportProblem(
                    number, "assessor", f"{assessor.username} manages case {case.reference} and cannot score it"
                )
            )
        key = (case.pk, marking)
        if key in existing:
            result.problems.append(
                ImportProblem(number, "marking", f"case {case.reference} already has a {marking} marking")
            )
            continue
        if assessor_of.setdefault(key, assessor.pk) != assessor.pk:
            result.problems.append(
                ImportProblem(number, "assessor", f"case {case.reference} {marking} marking has rows by two assessors")
            )
        if question.pk in groups[key]:
            result.problems.append(
                ImportProblem(
                    number, "question_code", f"{question.code} is answered twice for case {case.reference} ({marking})"
                )
            )
        first_row.setdefault(key, number)
        if status and status_asked.setdefault(key, status) != status:
            result.problems.append(
                ImportProblem(number, "status", f"case {case.reference} {marking} marking has rows with two statuses")
            )
        groups[key][question.pk] = (question, answer, row.get("note", ""), assessor)

    framework_questions = {q.pk: q for q in questions.values()}
    statuses = {}
    for key, answers in groups.items():
        unanswered = [q.code for pk, q in sorted(framework_questions.items()) if pk not in answers]
        asked = status_asked.get(key, "")
        if asked == AssessmentStatus.SUBMITTED and unanswered:
            result.problems.append(
                ImportProblem(
                    first_row[key],
                    "status",
                    f"{len(unanswered)} question(s) unanswered ({', '.join(unanswered[:5])}"
                    f"{'...' if len(unanswered) > 5 else ''}): a submitted assessment answers every question",
                )
            )
        statuses[key] = asked or (AssessmentStatus.DRAFT if unanswered else AssessmentStatus.SUBMITTED)
    reference = {c.pk: c.reference for c in cases.values()}
    for case_id, marking in groups:
        row_number = first_row[(case_id, marking)]
        assessor_id = assessor_of[(case_id, marking)]

        def marker(m, case_id=case_id):
            if (case_id, m) in groups:
                return assessor_of[(case_id, m)], statuses[(case_id, m)]
            if (case_id, m) in stored:
                return stored[(case_id, m)].assessor_id, stored[(case_id, m)].status
            return None, None

        if marking == Marking.SECOND:
            first_assessor, _ = marker(Marking.FIRST)
            if first_assessor == assessor_id:
                result.problems.append(
                    ImportProblem(
                        row_number,
                        "assessor",
                        f"case {reference[case_id]}: the second marker must differ from the first marker",
                    )
                )
        if marking == Marking.FINAL:
            statuses_now = {m: marker(m)[1] for m in (Marking.FIRST, Marking.SECOND)}
            if not markings_both_submitted(statuses_now):
                waiting = [m.label.lower() for m, st in statuses_now.items() if st != AssessmentStatus.SUBMITTED]
                result.problems.append(
                    ImportProblem(
                        row_number,
                        "marking",
                        f"case {reference[case_id]}: a moderated marking needs the first and second markings "
                        f"both submitted ({' and '.join(waiting)} not submitted)",
                    )
                )
    if not groups and not result.problems:
        result.problems.append(ImportProblem(None, "", "the file has no rows"))
    if result.problems:
        return result

    with transaction.atomic():
        now = timezone.now()
        for (case_id, marking), answers in groups.items():
            assessor = next(iter(answers.values()))[3]
            values = [a[1] for a in answers.values()]
            status = statuses[(case_id, marking)]
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
    return result
