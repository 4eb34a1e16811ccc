"""Exports of an inspection: case-level answers and every dashboard summary, as CSV or XLSX.

- A text cell a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage
  return) gets a leading apostrophe, so it is shown as text.
- Groups of fewer than 5 cases read "fewer than 5", and the groups hidden to protect them "hidden",
  by the same rule as the pages (`disclosure.protect`).
- The case-level answers leave out every marking the person is marking blind (see
  `rules.blind_case_ids`): a second marker never receives the first marking, and vice versa.
"""

import csv
import io
from dataclasses import dataclass

from django.db.models import Q
from django.http import HttpResponse
from django.utils.text import slugify
from openpyxl import Workbook

from inspections.models import Stage

from ..models import Answer, AssessmentStatus, Disposal, Gender, Marking, RiskLevel
from ..rules import blind_case_ids
from . import headings as h
from .disclosure import SUPPRESSED
from .figures import manager_label, person_label
from .presenters import score_text

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value):
    """The value as a cell: a string a spreadsheet would run as a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int | float):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


@dataclass
class Table:
    name: str
    headers: list[str]
    rows: list[list]


# --- tables ----------------------------------------------------------------------------------


def answers_table(inspection, user) -> Table:
    """Every answer of every marking of the inspection's cases, less the ones `user` marks blind, in
    the words of the pages: labels, not stored codes."""
    blind = blind_case_ids(user, inspection)
    answers = (
        Answer.objects.filter(assessment__case__inspection=inspection)
        .exclude(~Q(assessment__assessor=user), assessment__case_id__in=blind)
        .annotate(manager=manager_label("assessment__case__"), assessor=person_label("assessment__assessor"))
        .order_by("assessment__case__reference", "assessment__marking", "question__area__order", "question__order")
        .values_list(
            "assessment__case__reference",
            "assessment__case__team",
            "manager",
            "assessment__case__disposal",
            "assessment__case__rosh",
            "assessment__case__gender",
            "assessment__case__ethnicity",
            "assessment__case__looked_after",
            "assessment__marking",
            "assessor",
            "assessment__status",
            "question__area__name",
            "question__stage",
            "question__code",
            "question__text",
            "value",
            "note",
        )
    )
    labels = {
        3: dict(Disposal.choices),
        4: dict(RiskLevel.choices),
        5: dict(Gender.choices),
        8: dict(Marking.choices),
        10: dict(AssessmentStatus.choices),
        12: dict(Stage.choices),
        15: dict(Answer.Value.choices),
    }
    return Table(
        "Answers",
        [
            h.CASE,
            h.TEAM,
            h.CASE_MANAGER,
            h.DISPOSAL,
            h.ROSH,
            h.GENDER,
            h.ETHNICITY,
            h.LOOKED_AFTER,
            h.MARKING,
            h.ASSESSOR,
            h.STATUS,
            h.AREA,
            h.STAGE,
            h.QUESTION_CODE,
            h.QUESTION,
            h.ANSWER,
            h.NOTE,
        ],
        [
            [labels[i].get(cell, cell) if i in labels else cell for i, cell in enumerate(row)]
            for row in answers.iterator(chunk_size=2000)
        ],
    )


def summary_tables(figures) -> list[Table]:
    """The dashboard's figures (a `dashboard.Dashboard`) as tables."""
    p = figures.progress
    area_names = [line.area.name for line in figures.areas]
    tables = [
        Table(
            "Areas",
            [h.AREA, h.SCORE_PERCENT, h.BAND, h.CASES, h.YES, h.NO, h.NOT_APPLICABLE],
            [
                [
                    line.area.name,
                    _score_cell(line.score),
                    "" if line.score.suppressed else line.band_label,
                    SUPPRESSED if line.score.suppressed else line.cases,
                    "" if line.score.suppressed or line.counts_withheld else line.tally.yes,
                    "" if line.score.suppressed or line.counts_withheld else line.tally.no,
                    "" if line.score.suppressed or line.counts_withheld else line.tally.na,
                ]
                for line in figures.areas
            ]
            + (
                [
                    [
                        "Overall rating",
                        "Not rated"
                        if figures.overall.points is None
                        else f"{figures.overall.points} points out of {figures.overall.max_points}",
                        figures.overall.band.label if figures.overall.band else "",
                        "",
                        "",
                        "",
                        "",
                    ]
                ]
                if figures.overall
                else []
            ),
        ),
        Table(
            "Questions",
            [h.QUESTION_CODE, h.AREA, h.STAGE, h.QUESTION, h.SCORE_PERCENT, h.YES, h.NO, h.NOT_APPLICABLE],
            [
                [
                    line.question.code,
                    line.question.area.name,
                    line.question.get_stage_display(),
                    line.question.text,
                    SUPPRESSED if line.suppressed else _percent(line.score),
                    "" if line.suppressed else line.tally.yes,
                    "" if line.suppressed else line.tally.no,
                    "" if line.suppressed else line.tally.na,
                ]
                for line in figures.questions
            ],
        ),
        Table(
            "Area by stage",
            [h.AREA, *[f"{label} (%)" for _, label in figures.stages]],
            [[area.name, *[_score_cell(cell) for cell in cells]] for area, cells in figures.matrix],
        ),
        Table(
            "Breakdowns",
            [h.BREAKDOWN, h.GROUP, h.CASES, *[f"{name}: {h.SCORE_PERCENT.lower()}" for name in area_names]],
            [
                [
                    b.dimension.title,
                    row.label,
                    _number(row.cases_text),
                    *[_score_cell(s) for s in row.scores],
                ]
                for b in figures.breakdowns
                for row in b.rows
            ],
        ),
        Table(
            "Progress",
            [
                h.ASSESSOR,
                h.FIRST_ASSIGNED,
                h.DRAFT,
                h.SUBMITTED,
                h.SECOND_ASSIGNED,
                h.SECOND_SUBMITTED,
                h.MODERATED,
            ],
            [["All assessors", p.assigned, p.draft, p.submitted, p.second_assigned, p.second_submitted, p.moderated]]
            + [
                [
                    a.name,
                    a.first_assigned,
                    a.first_draft,
                    a.first_submitted,
                    a.second_assigned,
                    a.second_submitted,
                    a.moderated,
                ]
                for a in p.assessors
            ],
        ),
        Table(
            "Agreement",
            [h.FIGURE, h.GROUP, h.PAIRS, h.PERCENTAGE_AGREEMENT, h.KAPPA],
            [
                [kind, line.label, line.pairs, _round(line.percent, 1), _round(line.kappa, 3)]
                for kind, lines in [
                    ("Overall", [figures.agreement.overall]),
                    ("Question", figures.agreement.by_question),
                    ("Area", figures.agreement.by_area),
                    ("Assessor pair", figures.agreement.by_pair),
                    ("Assessor", figures.agreement.by_assessor),
                ]
                for line in lines
            ],
        ),
    ]
    return tables


def _round(value, places):
    return "" if value is None else round(value, places)


def _percent(value):
    """A whole percentage as a number; "Not rated" when there is none (as the pages say)."""
    return "Not rated" if value is None else value


def _score_cell(score):
    """A Score as a cell: its whole percentage as a number, else the words the page shows."""
    return score.percent if not score.suppressed and score.percent is not None else score_text(score)


def _number(text):
    """A count shown as text ("12", or "fewer than 5"): a number when it is one."""
    return int(text) if isinstance(text, str) and text.isdigit() else text


SUMMARY_KINDS = {
    "areas": "Areas",
    "questions": "Questions",
    "stages": "Area by stage",
    "breakdowns": "Breakdowns",
    "progress": "Progress",
    "agreement": "Agreement",
}
KINDS = ["answers", "summary", *SUMMARY_KINDS]


# --- files -----------------------------------------------------------------------------------


def csv_bytes(tables: list[Table]) -> bytes:
    """One table as plain CSV; several one after another, each row led by its table's name."""
    out = io.StringIO()
    writer = csv.writer(out)
    several = len(tables) > 1
    for table in tables:
        writer.writerow(([] if not several else ["table"]) + [neutralise(h) for h in table.headers])
        for row in table.rows:
            writer.writerow(([] if not several else [table.name]) + [neutralise(cell) for cell in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(tables: list[Table]) -> bytes:
    book = Workbook(write_only=True)
    for table in tables:
        sheet = book.create_sheet(table.name[:31])
        sheet.append([neutralise(h) for h in table.headers])
        for row in table.rows:
            sheet.append([neutralise(cell) for cell in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def download(tables: list[Table], *, name: str, fmt: str) -> HttpResponse:
    if fmt == "xlsx":
        response = HttpResponse(xlsx_bytes(tables), content_type=XLSX_TYPE)
    else:
        response = HttpResponse(csv_bytes(tables), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{slugify(name)}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
