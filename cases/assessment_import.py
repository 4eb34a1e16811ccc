"""Reading an assessments CSV (DESIGN.md section 6) into answers, all or nothing.

Columns: case_reference, assessor, marking (first | second | final), question_code,
answer (yes | no | na), note. One row per answer; the rows of one case and marking make one
submitted assessment.
"""

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from inspections.models import Question

from .models import Answer, Assessment, AssessmentStatus, Case, Marking

COLUMNS = ["case_reference", "assessor", "marking", "question_code", "answer", "note"]
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
    missing = [c for c in COLUMNS if c not in header and c != "note"]
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
    existing = set(Assessment.objects.filter(case__inspection=inspection).values_list("case_id", "marking"))
    groups = defaultdict(dict)
    assessor_of = {}
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
        if None in (case, assessor, question, answer) or marking not in Marking.values:
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
        groups[key][question.pk] = (question, answer, row.get("note", ""), assessor)
    if not groups and not result.problems:
        result.problems.append(ImportProblem(None, "", "the file has no rows"))
    if result.problems:
        return result

    with transaction.atomic():
        now = timezone.now()
        for (case_id, marking), answers in groups.items():
            assessor = next(iter(answers.values()))[3]
            values = [a[1] for a in answers.values()]
            assessment = Assessment(
                case_id=case_id,
                marking=marking,
                assessor=assessor,
                status=AssessmentStatus.SUBMITTED,
                submitted_at=now,
                answered=len(values),
                yes=values.count("yes"),
                no=values.count("no"),
                na=values.count("na"),
            )
            assessment._history_user = by
            assessment._change_reason = "Imported"
            assessment.save()
            bulk_create_with_history(
                [Answer(assessment=assessment, question=q, value=v, note=n) for q, v, n, _ in answers.values()],
                Answer,
                default_user=by,
                default_change_reason="Imported",
            )
            result.assessments += 1
            result.answers += len(values)
    return result
