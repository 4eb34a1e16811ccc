"""How the oversight figures read on a page and in an export: the words for a suppressed group or
a missing score, and the links from each figure to the cases behind it. The selectors (dashboard,
agreement, trend, benchmark) return numbers; the words and hrefs are made here.
"""

import functools
from urllib.parse import quote_plus, urlencode

from django.template.defaultfilters import floatformat
from django.urls import get_script_prefix, reverse
from django.utils.html import conditional_escape as e
from django.utils.safestring import SafeString, mark_safe


def score_text(score):
    """A Score as shown: its disclosure marker ("fewer than 5", "hidden"), "Not rated" or a whole percentage."""
    if score.suppressed:
        return score.marker
    return "Not rated" if score.percent is None else f"{score.percent}%"


def percent_text(line):
    """An agreement line's percentage agreement, whole."""
    return "None" if line.percent is None else f"{line.percent:.0f}%"


def kappa_text(line):
    """An agreement line's Cohen's kappa to two places."""
    return "Not computable" if line.kappa is None else f"{line.kappa:.2f}"


def published_text(value):
    """A published score on the benchmark."""
    return "Not published" if value is None else f"{value}%"


FOLLOWS_UP = '<br><span class="govuk-body-s">Follows up an earlier inspection</span>'


def trend_rows_html(points):
    """The body rows of the service trend's area scores table: each inspection linked, Live or
    Published, whether it follows up an earlier one, then its score in each area (`point.cells`).
    Written here rather than by a template loop; every text escaped as the template would."""
    head = reverse("inspections:inspection_detail", args=[0]).removesuffix("0/")
    rows = []
    for point in points:
        inspection = point.inspection
        tag = (
            ' <strong class="govuk-tag govuk-tag--yellow">Live</strong>'
            if point.live
            else ' <strong class="govuk-tag govuk-tag--green">Published</strong>'
        )
        follows = FOLLOWS_UP if inspection.follows_id else ""
        cells = "".join(f"{NUMERIC_CELL}>{_trend_cell(score)}</td>" for score in point.cells)
        rows.append(
            '<tr class="govuk-table__row">\n'
            f'<th scope="row" class="govuk-table__header"><a class="govuk-link" href="{head}{int(inspection.pk)}/">'
            f"{e(inspection.title)}</a>{tag}{follows}</th>\n"
            f"{cells}\n"
            "</tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 (every text escaped; the id is int(); our own markup)


def _trend_cell(score):
    if not score:
        return "Not assessed"
    band = f'<br><span class="govuk-body-s">{e(score.band.label)}</span>' if score.band else ""
    return f"{e(score_text(score))}{band}"


def mover_rows_html(movers):
    """The body rows of the service trend's table of the questions that moved most. Written here rather
    than by a template loop; every text escaped as the template would, the scores integers."""
    rows = []
    for mover in movers:
        change = int(mover.change)
        moved = f"up {change}" if change > 0 else f"down {-change}" if change < 0 else "no change"
        rows.append(
            '<tr class="govuk-table__row">\n'
            f'<td class="govuk-table__cell">{e(mover.code)}. {e(mover.text)}</td>\n'
            f'<td class="govuk-table__cell govuk-table__cell--numeric">{int(mover.before)}%</td>\n'
            f'<td class="govuk-table__cell govuk-table__cell--numeric">{int(mover.after)}%</td>\n'
            f'<td class="govuk-table__cell govuk-table__cell--numeric">{moved} points</td>\n'
            "</tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 (every text escaped; the numbers int(); our own markup)


def band_markers(bands):
    """Chart markers: each band above 0% at the percentage it starts."""
    return [(f"{band.label} from {band.min_percent}%", band.min_percent) for band in bands if band.min_percent > 0]


def drill_href(inspection, params, *, base=None, **figure):
    """The drill-down page for a figure: the dashboard's filters `params` plus the figure's own.
    `base`: the drill-down page's address, when the caller has worked it out already."""
    query = {**params, **{k: v for k, v in figure.items() if v not in (None, "")}}
    base = base or reverse("cases:dashboard_cases", args=[inspection.pk])
    return base + ("?" + urlencode(query) if query else "")


def link_dashboard(figures, inspection, params):
    """Gives each figure of the dashboard (areas, weakest and oversight questions, matrix cells,
    breakdown rows and cells) the href of the cases behind it: `drill_href`'s, with the query
    string of the dashboard's filters (and of each breakdown group) encoded once, not once a figure
    (the figure's own parameters, never among the filters, follow them as `drill_href` puts them)."""
    base = reverse("cases:dashboard_cases", args=[inspection.pk])  # once, not once a figure
    filters = urlencode(params)
    quoted = {}  # each value quoted once a page: the area codes and stages recur in every row

    def pair(name, value):
        """`name=value` as urlencode writes it (the names are the filters' and figures' own, plain words)."""
        text = quoted.get(value)
        if text is None:
            text = quoted[value] = quote_plus(str(value))
        return f"{name}={text}"

    def href(query, **figure):
        own = "&".join(pair(k, v) for k, v in figure.items() if v not in (None, ""))
        return base + "?" + "&".join(part for part in (query, own) if part) if query or own else base

    for line in figures.areas:
        line.href = href(filters, area=line.area.code)
    for line in figures.weakest + figures.oversight_questions:
        line.href = href(filters, question=line.question.code, answer="no")
    for area, cells in figures.matrix:
        for (stage, _), cell in zip(figures.stages, cells, strict=True):
            cell.href = href(filters, area=area.code, stage=stage)
    areas = [pair("area", line.area.code) for line in figures.areas]
    for breakdown in figures.breakdowns:
        param = breakdown.dimension.param
        for row in breakdown.rows:
            if param in params:  # the filter keeps its place in the query, the group's value in it
                group = urlencode({**params, param: row.value})
            else:
                group = f"{filters}&{pair(param, row.value)}" if filters else pair(param, row.value)
            row.href = None if row.suppressed else href(group)
            row.cells = [(score, f"{base}?{group}&{area}") for score, area in zip(row.scores, areas, strict=True)]
        breakdown.rows_html = breakdown_rows_html(breakdown)
    return figures


NUMERIC_CELL = '<td class="govuk-table__cell govuk-table__cell--numeric"'


def breakdown_rows_html(breakdown):
    """A breakdown table's rows, each group with its cases and a score per area linked to the cases
    behind it (the hrefs `link_dashboard` gave them). Written here rather than by the template: a
    row per group and a cell per area for every dimension, the dashboard's largest share of the
    template engine's time. Every text is escaped as the template engine would (`_text`: the
    dashboard escapes thousands of them, by one str.translate each)."""
    rows = []
    for row in breakdown.rows:
        label = _text(row.label)
        head = f'<a class="govuk-link" href="{_text(row.href)}">{label}</a>' if row.href else label
        cells = []
        for score, href in row.cells:
            text = _text(score_text(score))
            if score.suppressed or score.percent is None:
                cells.append(f"{NUMERIC_CELL}>{text}</td>")
            else:
                cells.append(
                    f'{NUMERIC_CELL} data-sort-value="{_text(score.percent)}">'
                    f'<a class="govuk-link" href="{_text(href)}">'
                    f'{text}<span class="govuk-visually-hidden">: {label}</span></a></td>'
                )
        rows.append(
            f'<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">{head}</th>'
            f"{NUMERIC_CELL}>{_text(row.cases_text)}</td>{''.join(cells)}</tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 (every text escaped by _text; our own markup)


def agreement_rows_html(lines):
    """An agreement table's rows (one per area, assessor, pair or question: AgreementLine), written
    here rather than by a template loop; every text escaped as the template engine would (`_text`)."""
    return mark_safe(  # noqa: S308 (every text escaped by _text; our own markup)
        "\n".join(
            f'<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">{_text(line.label)}</th>'
            f"{NUMERIC_CELL}>{_text(line.pairs)}</td>{NUMERIC_CELL}>{_text(percent_text(line))}</td>"
            f"{NUMERIC_CELL}>{_text(kappa_text(line))}</td></tr>"
            for line in lines
        )
    )


# The agreement tables: (the Agreement's lines, caption, first column's heading, table id).
_AGREEMENT_TABLES = (
    ("by_area", "By area", "Area", "agreement-area"),
    ("by_assessor", "By assessor", "Assessor", "agreement-assessor"),
    ("by_pair", "By pair of assessors", "Assessors", "agreement-pair"),
    ("by_question", "By question", "Question", "agreement-question"),
)


def agreement_tables_html(agreement):
    """The dashboard's four agreement tables (by area, assessor, pair of assessors and question), their
    rows by `agreement_rows_html`: written here rather than by including a template for each."""
    return mark_safe(  # noqa: S308 (every text escaped by _text; our own markup)
        "\n".join(
            "\n"
            f'<div class="app-table-scroll" tabindex="0" role="region" aria-label="Agreement {caption.lower()} '
            '(scrolls sideways on a narrow screen)">\n'
            f'<table class="govuk-table govuk-!-font-size-16" id="{table_id}">\n'
            f'  <caption class="govuk-table__caption govuk-table__caption--s">{caption}</caption>\n'
            '  <thead class="govuk-table__head"><tr class="govuk-table__row">\n'
            f'    <th scope="col" class="govuk-table__header">{first}</th>\n'
            '    <th scope="col" class="govuk-table__header govuk-table__header--numeric">Answer pairs</th>\n'
            '    <th scope="col" class="govuk-table__header govuk-table__header--numeric">Agreement</th>\n'
            '    <th scope="col" class="govuk-table__header govuk-table__header--numeric">Kappa</th>\n'
            "  </tr></thead>\n"
            '  <tbody class="govuk-table__body">\n'
            f"  {agreement_rows_html(getattr(agreement, lines))}\n"
            "  </tbody>\n</table>\n</div>\n"
            for lines, caption, first, table_id in _AGREEMENT_TABLES
        )
    )


# What `html.escape` (Django's `escape`) replaces, for str.translate: the same text in one call.
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})


def _text(value):
    """Text escaped as the template engine escapes it (`conditional_escape`: a safe string as it is,
    anything else `html.escape` of its str: the same replacements, made by one `str.translate`),
    without its calls: the moderation pages' rows."""
    return value if isinstance(value, SafeString) else str(value).translate(_ESCAPES)


def agreed_rows_html(questions):
    """The moderation page's "Agreed answers" table rows (ComparedQuestion), written here rather than
    by a template loop over every question; every text escaped as the template engine would."""
    rows = []
    for q in questions:
        if not q.agreed:
            continue
        code = _text(q.question.code)
        notes = "".join(
            f'<p class="govuk-body-s govuk-!-margin-0">{who}: {_text(note)}</p>'
            for who, note in (("First", q.first[1]), ("Second", q.second[1]))
            if note
        )
        rows.append(
            f'<tr class="govuk-table__row" id="row-{code}">\n'
            f'<th scope="row" class="govuk-table__header">{int(q.number)}. {_text(q.question.text)} '
            f'<span class="govuk-caption-s">({code})</span></th>\n'
            f'<td class="govuk-table__cell">{_text(q.first_label)}{notes}</td>\n</tr>'
        )
    return mark_safe("\n".join(rows))  # noqa: S308 (every text escaped by conditional_escape; our own markup)


_ANSWERS = (("yes", "Yes"), ("no", "No"), ("na", "Not applicable"))


def _marking_row(title, label, note):
    note_html = f'<p class="govuk-body-s govuk-!-margin-0">{_text(note)}</p>' if note else ""
    return (
        f'<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">{title}</dt>'
        f'<dd class="govuk-summary-list__value">{_text(label)}{note_html}</dd></div>'
    )


def _moderated_answer_html(q, code):
    """The moderator's choice for a disagreement: the design system's inline small radios and a textarea."""
    field_id = f"q-{code}"
    error = q.error
    described = f' aria-describedby="{field_id}-error"' if error else ""
    message = (
        f'<p id="{field_id}-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> '
        f"{_text(error)}</p>"
        if error
        else ""
    )
    radios = "\n".join(
        f'<div class="govuk-radios__item"><input class="govuk-radios__input" id="{field_id}-{value}" '
        f'name="{field_id}" type="radio" value="{value}"{" checked" if q.chosen == value else ""}>'
        f'<label class="govuk-label govuk-radios__label" for="{field_id}-{value}">{words}</label></div>'
        for value, words in _ANSWERS
    )
    return (
        f'<div class="govuk-form-group{" govuk-form-group--error" if error else ""}">\n'
        f'<fieldset class="govuk-fieldset"{described}>\n'
        '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Moderated answer to question '
        f"{int(q.number)} ({code})</legend>\n{message}\n"
        '<div class="govuk-radios govuk-radios--small govuk-radios--inline" data-module="govuk-radios">\n'
        f"{radios}\n</div>\n</fieldset>\n"
        f'<label class="govuk-label govuk-!-margin-top-2" for="note-{code}">'
        f"Why, for question {int(q.number)} ({code})</label>\n"
        '<textarea class="govuk-textarea govuk-!-margin-bottom-0'
        f'{" govuk-textarea--error" if error and q.chosen else ""}"'
        f'{described} id="note-{code}" name="note-{code}" rows="3">{_text(q.chosen_note)}</textarea>\n</div>'
    )


def disagreements_html(disagreements, *, may_moderate):
    """The moderation page's disagreements (ComparedQuestion, with `error`, `chosen` and `chosen_note`
    put on them by the view): both markings' answers and, for the moderator, the moderated answer's
    radios and note in the design system's markup. Written here rather than by a template loop;
    every text escaped as the template engine would."""
    blocks = []
    for q in disagreements:
        code = _text(q.question.code)
        final = ""
        if not may_moderate:
            settled = q.final[0]
            final_note = (
                f'<p class="govuk-body-s govuk-!-margin-0">{_text(q.final[1])}</p>' if settled and q.final[1] else ""
            )
            final = (
                '<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Moderated</dt>'
                '<dd class="govuk-summary-list__value">'
                f"{_text(q.final_label) if settled else 'Not settled'}{final_note}"
                "</dd></div>"
            )
        blocks.append(
            f'<div class="app-moderation-question govuk-!-margin-bottom-6" id="row-{code}">\n'
            f'<h3 class="govuk-heading-s govuk-!-margin-bottom-2">{int(q.number)}. {_text(q.question.text)} '
            f'<span class="govuk-caption-s govuk-!-display-inline">({code})</span> '
            '<strong class="govuk-tag govuk-tag--red">Disagreement</strong></h3>\n'
            '<dl class="govuk-summary-list govuk-!-margin-bottom-3">\n'
            f"{_marking_row('First marking', q.first_label, q.first[1])}\n"
            f"{_marking_row('Second marking', q.second_label, q.second[1])}\n"
            f"{final}\n</dl>\n"
            f"{_moderated_answer_html(q, code) if may_moderate else ''}\n</div>"
        )
    return mark_safe("\n".join(blocks))  # noqa: S308 (every text escaped by conditional_escape; our own markup)


# The oversight pages' sub-navigation: (section, URL name, words), then "Over time".
_NAV_LINKS = (
    ("dashboard", "cases:inspection_dashboard", "Dashboard"),
    ("cases", "cases:dashboard_cases", "Cases behind the figures"),
    ("moderation", "cases:moderation_list", "Moderation"),
    ("feedback", "cases:feedback_figures", "Feedback and concerns"),
)
_NAV_STAND_IN = 987654321  # an inspection id put in each address once, to find where an id goes


@functools.lru_cache(maxsize=8)
def _nav_addresses(script_prefix):
    """{URL name: (before the id, after it)} of the addresses the navigation links to, reversed once
    per process (and script prefix), and the trend page's address."""
    addresses = {}
    for name in ("inspections:inspection_detail", *(name for _, name, _ in _NAV_LINKS)):
        head, tail = reverse(name, args=[_NAV_STAND_IN]).split(str(_NAV_STAND_IN))
        addresses[name] = (_text(head), _text(tail))
    return addresses, _text(reverse("cases:service_trends"))


def oversight_nav_html(inspection, section):
    """The oversight pages' back link, caption and sub-navigation (`section` the current page's:
    dashboard, cases, moderation or feedback), as templates/cases/oversight/_nav.html wrote them
    (tested against it); the addresses reversed once per process with the inspection's id put in."""
    addresses, trend = _nav_addresses(get_script_prefix())
    pk, title = int(inspection.pk), _text(inspection.title)
    head, tail = addresses["inspections:inspection_detail"]
    items = []
    for key, name, words in _NAV_LINKS:
        before, after = addresses[name]
        current = ' aria-current="page"' if section == key else ""
        items.append(
            '    <li class="moj-sub-navigation__item"><a class="moj-sub-navigation__link" '
            f'href="{before}{pk}{after}"{current}>{words}</a></li>\n'
        )
    return mark_safe(  # noqa: S308 (every text escaped by _text; the ids are int(); our own markup)
        f'<a href="{head}{pk}{tail}" class="govuk-back-link">Back to {title}</a>\n'
        f'<span class="govuk-caption-l">{title}</span>\n'
        '<nav class="moj-sub-navigation" aria-label="Oversight of this inspection">\n'
        '  <ul class="moj-sub-navigation__list">\n'
        f"{''.join(items)}"
        '    <li class="moj-sub-navigation__item"><a class="moj-sub-navigation__link" '
        f'href="{trend}?service={int(inspection.service_id)}">Over time</a></li>\n'
        "  </ul>\n</nav>\n"
    )


_MODERATION_STATES = {
    True: '<strong class="govuk-tag govuk-tag--green">Moderated</strong>',
    False: '<strong class="govuk-tag govuk-tag--yellow">In progress</strong>',
    None: '<strong class="govuk-tag govuk-tag--blue">To moderate</strong>',
}


def moderation_rows_html(lines, inspection_pk):
    """The moderation list's rows (agreement.ModerationLine), written here rather than by a template
    loop; every text escaped as the template engine would. Each case's link is the moderation page's
    address reversed once, its case id put in."""
    if not lines:
        return mark_safe(
            '<tr class="govuk-table__row"><td class="govuk-table__cell" colspan="4">'
            "No case has both markings submitted yet.</td></tr>"
        )
    head = reverse("cases:moderation_case", args=[inspection_pk, 0]).removesuffix("0/")
    rows = []
    for line in lines:
        moderated = line.moderated
        percent = line.percent
        disagreements = line.disagreements
        state = _MODERATION_STATES[True if moderated else (False if line.final_status else None)]
        rows.append(
            '<tr class="govuk-table__row">\n'
            f'<td class="govuk-table__cell"><a class="govuk-link" href="{head}{int(line.case_id)}/">'
            f"{_text(line.reference)}"
            '<span class="govuk-visually-hidden">: '
            f"{'see the moderation' if moderated else 'moderate'}</span></a></td>\n"
            f'<td class="govuk-table__cell">{"None" if percent is None else _text(floatformat(percent, 0))}'
            f'{"" if percent is None else "%"} <span class="govuk-hint govuk-!-display-inline">({int(disagreements)} '
            f"disagreement{'' if disagreements == 1 else 's'} in {int(line.compared)})</span></td>\n"
            f'<td class="govuk-table__cell">{state}</td>\n'
            f'<td class="govuk-table__cell">{_text(line.first_marker)} (first), '
            f"{_text(line.second_marker)} (second)</td>\n"
            "</tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 (every text escaped by conditional_escape; our own markup)


# --- the dashboard's and drill-down's other tables, written here rather than by template loops ---
# (each the markup its template loop wrote, compared with it in tests/cases/oversight/test_markup.py;
# every text escaped as the template engine would, numbers are int()).

CELL = '<td class="govuk-table__cell">'
NUMERIC = '<td class="govuk-table__cell govuk-table__cell--numeric">'


def _numbers(*values):
    return "".join(f"\n{NUMERIC}{int(value)}</td>" for value in values)


def assessor_rows_html(assessors):
    """The "Progress per assessor" rows (AssessorProgress)."""
    rows = [
        f'<tr class="govuk-table__row">\n<th scope="row" class="govuk-table__header">{e(a.name)}</th>'
        + _numbers(
            a.first_assigned, a.first_draft, a.first_submitted, a.second_assigned, a.second_submitted, a.moderated
        )
        + "\n</tr>"
        for a in assessors
    ]
    if not rows:
        rows.append(f'<tr class="govuk-table__row">{CELL[:-1]} colspan="7">No cases assigned yet.</td></tr>')
    return mark_safe("\n".join(rows))  # noqa: S308 (every text escaped by conditional_escape; our own markup)


def area_rows_html(lines):
    """The "Areas" table rows (AreaLine with its href)."""
    rows = []
    for line in lines:
        text = e(score_text(line.score))
        suppressed = line.score.suppressed
        band = "" if suppressed else e(line.band_label or "Not rated")
        rows.append(
            '<tr class="govuk-table__row">\n<th scope="row" class="govuk-table__header">'
            f'<a class="govuk-link" href="{e(line.href)}">{e(line.area.name)}'
            '<span class="govuk-visually-hidden">: the cases behind this score</span></a></th>\n'
            f"{NUMERIC}{text}</td>\n{CELL}{band}</td>\n"
            f"{NUMERIC}{text if suppressed else int(line.cases)}</td>\n</tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 (every text escaped by conditional_escape; our own markup)


def _no_answers_link(line):
    code = e(line.question.code)
    return (
        f'<a class="govuk-link" href="{e(line.href)}">{int(line.tally.no)}'
        f'<span class="govuk-visually-hidden"> cases answered No to {code}</span></a>'
    )


def weakest_rows_html(lines):
    """ "The weakest questions" rows (QuestionLine with its href)."""
    return mark_safe(  # noqa: S308 (every text escaped by conditional_escape; our own markup)
        "\n".join(
            f'<tr class="govuk-table__row">\n{CELL}{e(line.question.code)}. {e(line.question.text)}</td>\n'
            f"{NUMERIC}{int(line.score)}%</td>\n{NUMERIC}{_no_answers_link(line)}</td>\n</tr>"
            for line in lines
        )
    )


def matrix_rows_html(matrix):
    """The "Area by stage" rows: (area, [Score with its href])."""
    rows = []
    for area, cells in matrix:
        shown = []
        for cell in cells:
            if cell.percent is not None:
                text = f'<a class="govuk-link" href="{e(cell.href)}">{e(score_text(cell))}</a>'
            elif cell.suppressed:
                text = e(score_text(cell))
            else:
                text = '<span class="govuk-hint govuk-!-margin-0">None</span>'
            shown.append(f"{NUMERIC}{text}</td>")
        rows.append(
            f'<tr class="govuk-table__row">\n<th scope="row" class="govuk-table__header">{e(area.name)}</th>\n'
            f"{''.join(shown)}\n</tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 (every text escaped by conditional_escape; our own markup)


def oversight_rows_html(lines, small_group):
    """The "Management oversight" rows (QuestionLine with its href)."""
    rows = []
    for line in lines:
        if line.suppressed:
            score, yes, no = f"fewer than {int(small_group)}", "", ""
        else:
            score = "Not rated" if line.score is None else f"{int(line.score)}%"
            yes, no = str(int(line.tally.yes)), _no_answers_link(line)
        rows.append(
            f'<tr class="govuk-table__row">\n{CELL}{e(line.question.code)}. {e(line.question.text)}</td>\n'
            f"{NUMERIC}{score}</td>\n{NUMERIC}{yes}</td>\n{NUMERIC}{no}</td>\n</tr>"
        )
    if not rows:
        rows.append(
            f'<tr class="govuk-table__row">{CELL[:-1]} colspan="4">'
            "This framework has no management oversight questions.</td></tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 (every text escaped by conditional_escape; our own markup)


def area_headings_html(lines):
    """A breakdown table's column headings, one per area (AreaLine): the same for every breakdown."""
    return mark_safe(  # noqa: S308 (every text escaped by conditional_escape; our own markup)
        "".join(
            '<th scope="col" class="govuk-table__header govuk-table__header--numeric" aria-sort="none">'
            f"{e(line.area.name)}</th>"
            for line in lines
        )
    )


def breakdown_tables_html(breakdowns, areas):
    """The "Breakdowns" tables, one a dimension (Breakdown, its rows written by `link_dashboard`),
    their columns the areas (AreaLine): seven tables of the same markup, written here rather than by a
    template loop."""
    headings = area_headings_html(areas)
    tables = []
    for breakdown in breakdowns:
        dimension = breakdown.dimension
        title, param, lower = _text(dimension.title), _text(dimension.param), _text(dimension.title.lower())
        if breakdown.rows:
            body = breakdown.rows_html
        else:
            words = (
                "Too few cases to show any group without singling a child out."
                if breakdown.withheld
                else "No submitted cases yet."
            )
            body = f'<tr class="govuk-table__row">{CELL[:-1]} colspan="{len(areas) + 2}">{words}</td></tr>'
        tables.append(
            "\n"
            f'<div class="app-table-scroll" tabindex="0" role="region" aria-label="{title} '
            '(scrolls sideways on a narrow screen)">\n'
            '<table class="govuk-table govuk-!-font-size-16" data-module="moj-sortable-table" '
            f'id="breakdown-{param}">\n'
            f'  <caption class="govuk-table__caption govuk-table__caption--s">By {lower}</caption>\n'
            '  <thead class="govuk-table__head"><tr class="govuk-table__row">\n'
            f'    <th scope="col" class="govuk-table__header" aria-sort="ascending">{title}</th>\n'
            '    <th scope="col" class="govuk-table__header govuk-table__header--numeric" aria-sort="none">Cases</th>\n'
            f"    {headings}\n"
            "  </tr></thead>\n"
            '  <tbody class="govuk-table__body">\n'
            f"  {body}\n"
            "  </tbody>\n</table>\n</div>\n"
        )
    return mark_safe("".join(tables))  # noqa: S308 (every text escaped by _text; our own markup)


def download_items_html(inspection, kinds):
    """The "Download" list's items: the case-level answers, every summary, then each summary kind
    in `kinds` (exports.KINDS), each as XLSX and CSV. The addresses are the export URL's (reversed
    once, each kind and format put in its place)."""
    head, _, tail = reverse("cases:inspection_export", args=[inspection.pk, "KIND", "FMT"]).partition("KIND.FMT")

    def links(kind, what):
        return ", ".join(
            f'<a class="govuk-link" href="{e(head + kind + "." + fmt + tail)}" download>{fmt.upper()}'
            f'<span class="govuk-visually-hidden"> of {e(what)}</span></a>'
            for fmt in ("xlsx", "csv")
        )

    items = [
        f"<li>Case-level answers: {links('answers', 'the case-level answers')}</li>",
        f"<li>Every summary on this page: {links('summary', 'every summary')}</li>",
        *(
            f"<li>{e(kind[:1].upper() + kind[1:])}: {links(kind, kind)}</li>"
            for kind in kinds
            if kind not in ("answers", "summary")
        ),
    ]
    return mark_safe("\n".join(items))  # noqa: S308 (every text escaped by conditional_escape; our own markup)


def case_rows_html(lines, withheld):
    """The drill-down's rows (CaseLine), each case's reference linked to its counting assessment."""
    head, _, tail = reverse("cases:assessment", args=[999999999]).partition("999999999")
    rows = []
    for line in lines:
        case = line.case
        reference = e(case.reference)
        if line.counting:
            reference = f'<a class="govuk-link" href="{e(head + str(int(line.counting)) + tail)}">{reference}</a>'
        score = "Not rated" if line.score is None else f"{int(line.score)}%"
        rows.append(
            f'<tr class="govuk-table__row">\n<td class="govuk-table__cell app-no-wrap">{reference}</td>\n'
            f"{CELL}{e(case.team or 'Not recorded')}</td>\n{CELL}{e(line.manager or 'Not recorded')}</td>\n"
            f"{CELL}{e(case.get_disposal_display())}</td>\n{CELL}{e(case.get_rosh_display())}</td>"
            f"{_numbers(line.tally.yes, line.tally.no)}\n{NUMERIC}{score}</td>\n</tr>"
        )
    if not rows:
        text = "Not listed: the filters pick out a hidden group." if withheld else "No cases match."
        rows.append(f'<tr class="govuk-table__row">{CELL[:-1]} colspan="8">{text}</td></tr>')
    return mark_safe("\n".join(rows))  # noqa: S308 (every text escaped by conditional_escape; our own markup)


def dashboard_tables(figures, small_group):
    """The dashboard's tables' rows and headings written here (the template context's names)."""
    return {
        "assessor_rows": assessor_rows_html(figures.progress.assessors),
        "area_rows": area_rows_html(figures.areas),
        "weakest_rows": weakest_rows_html(figures.weakest),
        "matrix_rows": matrix_rows_html(figures.matrix),
        "oversight_rows": oversight_rows_html(figures.oversight_questions, small_group),
        "breakdown_tables": breakdown_tables_html(figures.breakdowns, figures.areas),
    }
