"""Shapes for the scoring page: areas, then stages, then each question with what the assessor gave."""

from dataclasses import dataclass

from django.utils.html import conditional_escape as _e
from django.utils.safestring import SafeString, mark_safe

from inspections.models import Stage


@dataclass
class QuestionRow:
    question: object
    value: str
    note: str
    error: str = ""
    number: int = 0
    area_code: str = ""

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

    def form_group_html(self) -> SafeString:
        """The question on the scoring form: a GOV.UK form group with its three radios and its note.

        Written here rather than in the template, which is too slow for 45-140 of them on a page;
        every text is escaped as the template would (conditional_escape), the numbers are the row's own integers.
        """
        question, code, field_id = self.question, _e(self.question.code), _e(self.field_id)
        number = int(self.number)
        error = f' aria-describedby="{field_id}-error"' if self.error else ""
        key = ' <strong class="govuk-tag govuk-tag--purple">Key question</strong>' if question.key else ""
        guidance = (
            '<details class="govuk-details govuk-!-margin-bottom-2"><summary class="govuk-details__summary">'
            f'<span class="govuk-details__summary-text">Guidance<span class="govuk-visually-hidden"> for question '
            f'{number}</span></span></summary><div class="govuk-details__text">{_e(question.guidance)}</div></details>'
            if question.guidance
            else ""
        )
        message = (
            f'<p id="{field_id}-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> '
            f"{_e(self.error_message)}</p>"
            if self.error
            else ""
        )
        radios = "\n".join(
            f'<div class="govuk-radios__item"><input class="govuk-radios__input" id="{field_id}-{value}" '
            f'name="{field_id}" type="radio" value="{value}"{" checked" if self.value == value else ""}>'
            f'<label class="govuk-label govuk-radios__label" for="{field_id}-{value}">{label}</label></div>'
            for value, label in ANSWER_CHOICES
        )
        note_error = " govuk-textarea--error" if self.needs_note else ""
        return mark_safe(  # noqa: S308 (every text escaped by conditional_escape; numbers are int(); our own markup)
            f'<div class="govuk-form-group{" govuk-form-group--error" if self.error else ""}" id="question-{code}" '
            f'data-area="{_e(self.area_code)}">\n'
            f'<fieldset class="govuk-fieldset"{error}>\n'
            f'<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{number}. {_e(question.text)} '
            f'<span class="govuk-caption-s govuk-!-display-inline">({code})</span>{key}</legend>\n'
            f"{guidance}\n{message}\n"
            f'<div class="govuk-radios govuk-radios--small govuk-radios--inline" data-module="govuk-radios">\n'
            f"{radios}\n</div>\n</fieldset>\n"
            f'<label class="govuk-label govuk-!-margin-top-2" for="note-{code}">Note on question {number} ({code}) '
            '<span class="govuk-hint govuk-!-display-inline">(needed for No)</span></label>\n'
            f'<textarea class="govuk-textarea govuk-!-margin-bottom-0{note_error}" '
            f'id="note-{code}" name="note-{code}" rows="2">{_e(self.note)}</textarea>\n</div>'
        )


# The radios of a question, in the order the form shows them.
ANSWER_CHOICES = (("yes", "Yes"), ("no", "No"), ("na", "Not applicable"))


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
            row = QuestionRow(question, value, note, problems.get(question.code, ""), number, area.code)
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
