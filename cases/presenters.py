"""Shapes for the scoring page: areas, then stages, then each question with what the assessor gave;
and the judgements page's question rows."""

import html
from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe

from inspections.models import Stage


@dataclass
class QuestionRow:
    question: object
    value: str
    note: str
    error: str = ""
    number: int = 0

    @property
    def field_id(self):
        return f"q-{self.question.code}"

    @property
    def needs_note(self):
        return bool(self.error) and self.value == "no"

    @property
    def error_target(self):
        """Where the error summary's link goes: the note box for a No without a note, else the first radio."""
        return f"note-{self.question.code}" if self.needs_note else f"{self.field_id}-yes"

    @property
    def error_message(self):
        """The problem in words that name the question by its number and text, not only its code."""
        if not self.error:
            return ""
        name = question_name(self.question, self.number)
        if self.needs_note:
            return f"Add a note to {name}: it is answered No, so say what was missing"
        return f"Answer {name}: choose Yes, No or Not applicable"


def question_name(question, number):
    """How an error names a question: by its number and text, not only its code."""
    return f"question {number} ({question.code}), \u201c{_short(question.text)}\u201d"


def _short(text, limit=80):
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "\u2026"


@dataclass
class StageGroup:
    label: str
    rows: list


@dataclass
class AreaGroup:
    area: object
    stages: list

    @property
    def answered(self):
        return sum(1 for group in self.stages for row in group.rows if row.value)

    @property
    def total(self):
        return sum(len(group.rows) for group in self.stages)


STAGE_ORDER = {value: index for index, value in enumerate(Stage.values)}
STAGE_LABELS = dict(Stage.choices)


def scoring_grid(areas, answers, problems=None):
    """[AreaGroup] for `areas` (with prefetched questions), `answers` {code: (value, note)}."""
    problems = problems or {}
    grid = []
    number = 0
    for area in areas:
        by_stage = {}
        for question in getattr(area, "asked", None) or area.questions.all():
            value, note = answers.get(question.code, ("", ""))
            number += 1
            row = QuestionRow(question, value, note, problems.get(question.code, ""), number)
            by_stage.setdefault(question.stage, []).append(row)
        stages = [
            StageGroup(STAGE_LABELS[stage], rows)
            for stage, rows in sorted(by_stage.items(), key=lambda item: STAGE_ORDER[item[0]])
        ]
        grid.append(AreaGroup(area, stages))
    return grid


def answers_from_post(post, questions):
    """{code: (value, note)} as typed, for every question of the framework."""
    return {q.code: (post.get(f"q-{q.code}", ""), post.get(f"note-{q.code}", "")) for q in questions}


_NUMERIC_CELL = '<td class="govuk-table__cell govuk-table__cell--numeric">'


def _text(value):
    """Text escaped as the template engine escapes it (Django's escape is html.escape of str)."""
    return value if isinstance(value, SafeString) else html.escape(str(value))


def question_rows_html(area, *, every_count, small_group):
    """The rows of an area's question table on the judgements page (`AreaJudgement.questions`), written
    here rather than by a template loop (45 questions took 2.5 ms of the page); every text escaped as
    the template engine would (the counts and scores are integers). `every_count`: the reader rates
    the inspection, so reads the counts of a question asked of fewer than `small_group` cases too."""
    rows = []
    few = (
        '<td class="govuk-table__cell govuk-table__cell--numeric" colspan="4">'
        f"Asked of fewer than {int(small_group)} cases</td>"
    )
    for q in area.questions:
        question, tally = q.question, q.tally
        key = ' <strong class="govuk-tag govuk-tag--purple">Key</strong>' if question.key else ""
        if q.few_asked and not every_count:
            figures = few
        else:
            score = "Not rated" if q.score is None else f"{int(q.score)}%"
            figures = (
                f"{_NUMERIC_CELL}{score}</td>\n{_NUMERIC_CELL}{int(tally.yes)}</td>\n"
                f"{_NUMERIC_CELL}{int(tally.no)}</td>\n{_NUMERIC_CELL}{int(tally.na)}</td>"
            )
        rows.append(
            '<tr class="govuk-table__row">\n'
            f'<td class="govuk-table__cell">{_text(question.code)}. {_text(question.text)}{key}</td>\n{figures}\n</tr>'
        )
    return mark_safe("\n".join(rows))  # noqa: S308 (every text escaped by _text; numbers are int(); our own markup)
