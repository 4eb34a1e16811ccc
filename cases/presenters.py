"""Shapes for the scoring page: areas, then stages, then each question with what the assessor gave;
and the judgements page's question rows."""

import functools
from dataclasses import dataclass

from django.template.defaultfilters import date as date_filter
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime

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


# What html.escape replaces, for str.translate: the same text in one call instead of five replaces.
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})


def _text(value):
    """Text escaped as the template engine escapes it (Django's escape is html.escape of str: the
    same replacements, made here by one str.translate)."""
    return value if isinstance(value, SafeString) else str(value).translate(_ESCAPES)


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


def _person(user):
    """A person as the judgements page names them: `get_full_name|default:username`."""
    return "" if user is None else (user.get_full_name() or user.username)


def _area_band_cells(area):
    """The band cell's and the equivalent cell's contents of an area's row (escaped)."""
    band = area.band
    band_label = band.label if band else ""
    equivalent = _text(area.shown_equivalent)
    if not area.is_overridden:
        return _text(band_label or "Not rated"), equivalent
    override = area.override
    when = date_filter(template_localtime(override.overridden_at), "j F Y")
    shown = (
        f"<strong>{_text(override.override_band_label)}</strong> (override)<br>\n"
        f'<span class="govuk-body-s">Computed: {_text(band_label or "not rated")}. '
        f"{_text(override.override_reason)} ({_text(_person(override.overridden_by))}, {_text(when)})</span>"
    )
    computed = band.equivalent if band else None  # no band compares as None, as in the template's {% if %}
    if computed != area.shown_equivalent:
        equivalent += f'<br><span class="govuk-body-s">Computed: {_text(computed or "none")}</span>'
    return shown, equivalent


def area_rows_html(areas, *, every_count, small_group):
    """The rows of the judgements page's areas table (`AreaJudgement`s), written here rather than by
    a template loop; every text escaped as the template engine would (the counts and scores are
    integers), dates as its `date` filter shows them in local time. `every_count`: the reader rates
    the inspection, so reads the counts of an area holding a question asked of fewer than
    `small_group` cases too."""
    rows = []
    hidden = (
        '<td class="govuk-table__cell govuk-table__cell--numeric" colspan="3">hidden'
        '<span class="govuk-visually-hidden">: a question of this area was asked of fewer than '
        f"{int(small_group)} cases</span></td>"
    )
    for area in areas:
        score = "Not rated" if area.score is None else f"{int(area.score)}%"
        score = "From evidence" if area.judged_once else score
        shown, equivalent = _area_band_cells(area)
        if area.holds_few_asked and not every_count:
            counts = hidden
        else:
            tally = area.result.tally
            counts = (
                f"{_NUMERIC_CELL}{int(tally.yes)}</td>\n{_NUMERIC_CELL}{int(tally.no)}</td>\n"
                f"{_NUMERIC_CELL}{int(tally.na)}</td>"
            )
        rows.append(
            '<tr class="govuk-table__row">\n'
            f'<th scope="row" class="govuk-table__header">{_text(area.area.name)}</th>\n'
            f"{_NUMERIC_CELL}{score}</td>\n"
            f'<td class="govuk-table__cell">\n{shown}\n</td>\n'
            f'<td class="govuk-table__cell">{equivalent}</td>\n'
            f"{_NUMERIC_CELL}{int(area.cases)}</td>\n{counts}\n</tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 (every text escaped by _text; numbers are int(); our own markup)


# The words of the two forms on the judgements page: judging an area once from evidence, and
# overriding a computed band (judged once: heading, band label, reason label, button, blank choice).
_AREA_BAND_FORMS = {
    True: ("Judge {} from the evidence", "Band", "The evidence the judgement rests on", "Record the judgement"),
    False: ("Override the band for {}", "Band to record instead", "Reason for the override", "Record the override"),
}
_NO_OVERRIDE = "No override: use the computed band"


def area_band_form_html(area, *, version, band_label, reason, band_labels, csrf_token):
    """The judgements page's form for one area (`AreaJudgement`) as it first shows (nothing typed,
    no error): judge it from evidence (an area judged once) or override its computed band, in the
    design system's markup, written here rather than by the template (an `OverrideForm` and its
    template took a fifth of the page). `version`, `band_label` and `reason`: the area's stored
    judgement as the form starts from (None: none); `band_labels`: the framework's bands; every text
    escaped as the template engine would. A form posted back with errors is still the template's."""
    judged_once = area.judged_once
    heading, label, reason_label, button = _AREA_BAND_FORMS[judged_once]
    code, name = _text(area.area.code), _text(area.area.name)
    options = "".join(
        f'<option value="{_text(value)}"{" selected" if band_label == value else ""}>'
        f"{_text(words) if value or not judged_once else 'Not judged yet'}</option>"
        for value, words in [("", _NO_OVERRIDE), *((label, label) for label in band_labels)]
    )
    opened = " open" if judged_once and not area.band else ""
    return mark_safe(  # noqa: S308 (every text escaped by _text; the version is int(); our own markup)
        f'<details class="govuk-details"{opened}>\n'
        f'  <summary class="govuk-details__summary"><span class="govuk-details__summary-text">'
        f"{heading.format(name)}</span></summary>\n"
        '  <div class="govuk-details__text">\n    \n\n'
        '    <form method="post" novalidate><input type="hidden" name="csrfmiddlewaretoken" '
        f'value="{_text(csrf_token)}">\n'
        f'      <input type="hidden" name="area" value="{int(area.area.pk)}">\n'
        f'      <input type="hidden" name="version" value="{int(version or 0)}">\n'
        '      <div class="govuk-form-group">\n'
        f'        <label class="govuk-label" for="band-{code}">{label}</label>\n        \n'
        f'        <select class="govuk-select" id="band-{code}" name="band_label">\n'
        f"          {options}\n        </select>\n      </div>\n"
        '      <div class="govuk-form-group">\n'
        f'        <label class="govuk-label" for="reason-{code}">{reason_label}</label>\n        \n'
        f'        <textarea class="govuk-textarea" id="reason-{code}" name="reason" rows="3">'
        f"{_text(reason or '')}</textarea>\n      </div>\n"
        '      <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">'
        f"{button}</button>\n    </form>\n  </div>\n</details>"
    )


_ANSWERS = (("yes", "Yes"), ("no", "No"), ("na", "Not applicable"))
_ANSWER_WORDS = dict(_ANSWERS)


def _question_group_html(row, area_code):
    """One question of the scoring form: the design system's form group of inline small radios, its
    guidance in a details, its error message, and the note's textarea (GOV.UK Frontend's markup).
    All but the note is written once per process for each question's texts, number, area, answer and
    error (`_question_group_parts`): a changed text or answer is another key, so never stale."""
    question = row.question
    error = row.error
    head, tail = _question_group_parts(
        str(question.code),
        str(question.text),
        str(question.guidance or ""),
        bool(question.key),
        int(row.number),
        area_code,
        row.value,
        error,
        row.error_message if error else "",
        row.needs_note,
    )
    return f"{head}{_text(row.note)}{tail}"


@functools.lru_cache(maxsize=4096)
def _question_group_parts(code, text, guidance, key, number, area_code, value, error, error_message, needs_note):
    """The question's form group before its note's text and after it: every text escaped."""
    code = _text(code)
    field_id = f"q-{code}"
    text = _text(text)
    key = ' <strong class="govuk-tag govuk-tag--purple">Key question</strong>' if key else ""
    described = f' aria-describedby="{field_id}-error"' if error else ""
    guidance = (
        '<details class="govuk-details govuk-!-margin-bottom-2"><summary class="govuk-details__summary">'
        '<span class="govuk-details__summary-text">Guidance<span class="govuk-visually-hidden"> for question '
        f"{number}</span></span></summary>"
        f'<div class="govuk-details__text">{_text(guidance)}</div></details>'
        if guidance
        else ""
    )
    radios = "\n".join(
        f'<div class="govuk-radios__item"><input class="govuk-radios__input" id="{field_id}-{choice}" '
        f'name="{field_id}" type="radio" value="{choice}"{" checked" if value == choice else ""}>'
        f'<label class="govuk-label govuk-radios__label" for="{field_id}-{choice}">{words}</label></div>'
        for choice, words in _ANSWERS
    )
    message = (
        f'<p id="{field_id}-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> '
        f"{_text(error_message)}</p>"
        if error
        else ""
    )
    head = (
        f'<div class="govuk-form-group{" govuk-form-group--error" if error else ""}" id="question-{code}" '
        f'data-area="{area_code}">\n'
        f'<fieldset class="govuk-fieldset"{described}>\n'
        f'<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{number}. {text} '
        f'<span class="govuk-caption-s govuk-!-display-inline">({code})</span>{key}</legend>\n'
        f"{guidance}\n{message}\n"
        f'<div class="govuk-radios govuk-radios--small govuk-radios--inline" data-module="govuk-radios">\n'
        f"{radios}\n</div>\n</fieldset>\n"
        f'<label class="govuk-label govuk-!-margin-top-2" for="note-{code}">Note on question {number} ({code}) '
        '<span class="govuk-hint govuk-!-display-inline">(needed for No)</span></label>\n'
        f'<textarea class="govuk-textarea govuk-!-margin-bottom-0{" govuk-textarea--error" if needs_note else ""}" '
        f'id="note-{code}" name="note-{code}" rows="2">'
    )
    return head, "</textarea>\n</div>"


def scoring_form_html(grid):
    """The scoring form's questions: each area's heading, each stage's, then each question's form group
    (`_question_group_html`). Written here rather than by a template loop (45 questions took most of
    the scoring page's time in the template engine); the same markup as the template wrote, every text
    escaped as the template engine would (numbers are the integers the grid counted)."""
    parts = []
    for group in grid:
        area_code = _text(group.area.code)
        parts.append(
            f'<h2 class="govuk-heading-l govuk-!-margin-top-8" id="area-{area_code}">{_text(group.area.name)} '
            f'<span class="govuk-caption-m">{int(group.answered)} of {int(group.total)} answered</span></h2>'
        )
        for stage in group.stages:
            parts.append(f'<h3 class="govuk-heading-m">{_text(stage.label)}</h3>')
            parts.extend(_question_group_html(row, area_code) for row in stage.rows)
    return mark_safe("\n".join(parts))  # noqa: S308 (every text escaped by _text; numbers are ints; our own markup)


def area_progress_html(grid):
    """The scoring page's two lists of its areas with their progress (the areas' navigation above the
    form, and the bar at the foot of the window): each area's link and "n of m", written here rather than
    by two template loops; every text escaped as the template engine would, the counts integers."""
    nav, bar = [], []
    for group in grid:
        code, name = _text(group.area.code), _text(group.area.name)
        progress = f"{int(group.answered)} of {int(group.total)}"
        link = f'<li><a class="govuk-link" href="#area-{code}">{name}</a>'
        nav.append(f'{link} <span class="govuk-body-s" data-area-progress="{code}">{progress} answered</span></li>')
        bar.append(f'{link}: <span data-area-progress="{code}">{progress}</span></li>')
    # Every text escaped by _text; numbers are ints; our own markup.
    return mark_safe("".join(nav)), mark_safe("".join(bar))  # noqa: S308


def answers_list_html(grid):
    """The answers of a case that can no longer be scored, as each area's summary list (the design
    system's markup): written here like `scoring_form_html`, every text escaped."""
    parts = []
    for group in grid:
        parts.append(
            f'<h2 class="govuk-heading-l govuk-!-margin-top-8">{_text(group.area.name)}</h2>\n'
            '<dl class="govuk-summary-list">'
        )
        for stage in group.stages:
            for row in stage.rows:
                note = (
                    f'<p class="govuk-body-s govuk-!-margin-top-1 govuk-!-margin-bottom-0">{_text(row.note)}</p>'
                    if row.note
                    else ""
                )
                parts.append(
                    '<div class="govuk-summary-list__row">\n'
                    f'<dt class="govuk-summary-list__key">{row.number}. {_text(row.question.text)} '
                    f'<span class="govuk-caption-s">({_text(row.question.code)})</span></dt>\n'
                    f'<dd class="govuk-summary-list__value">{_ANSWER_WORDS.get(row.value, "Not answered")}{note}'
                    "</dd>\n</div>"
                )
        parts.append("</dl>")
    return mark_safe("\n".join(parts))  # noqa: S308 (every text escaped by _text; numbers are ints; our own markup)
