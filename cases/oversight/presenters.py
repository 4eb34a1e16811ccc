"""How the oversight figures read on a page and in an export: the words for a suppressed group or
a missing score, and the links from each figure to the cases behind it. The selectors (dashboard,
agreement, trend, benchmark) return numbers; the words and hrefs are made here.
"""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.html import conditional_escape as e
from django.utils.safestring import mark_safe


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
    breakdown rows and cells) the href of the cases behind it."""
    base = reverse("cases:dashboard_cases", args=[inspection.pk])  # once, not once a figure
    for line in figures.areas:
        line.href = drill_href(inspection, params, base=base, area=line.area.code)
    for line in figures.weakest + figures.oversight_questions:
        line.href = drill_href(inspection, params, base=base, question=line.question.code, answer="no")
    for area, cells in figures.matrix:
        for (stage, _), cell in zip(figures.stages, cells, strict=True):
            cell.href = drill_href(inspection, params, base=base, area=area.code, stage=stage)
    for breakdown in figures.breakdowns:
        for row in breakdown.rows:
            group = {**params, breakdown.dimension.param: row.value}
            row.href = None if row.suppressed else drill_href(inspection, group, base=base)
            row.cells = [
                (score, drill_href(inspection, group, base=base, area=area.area.code))
                for score, area in zip(row.scores, figures.areas, strict=True)
            ]
        breakdown.rows_html = breakdown_rows_html(breakdown)
    return figures


NUMERIC_CELL = '<td class="govuk-table__cell govuk-table__cell--numeric"'


def breakdown_rows_html(breakdown):
    """A breakdown table's rows, each group with its cases and a score per area linked to the cases
    behind it (the hrefs `link_dashboard` gave them). Written here rather than by the template: a
    row per group and a cell per area for every dimension, the dashboard's largest share of the
    template engine's time. Every text is escaped as the template engine would."""
    rows = []
    for row in breakdown.rows:
        label = e(row.label)
        head = f'<a class="govuk-link" href="{e(row.href)}">{label}</a>' if row.href else label
        cells = []
        for score, href in row.cells:
            text = e(score_text(score))
            if score.suppressed or score.percent is None:
                cells.append(f"{NUMERIC_CELL}>{text}</td>")
            else:
                cells.append(
                    f'{NUMERIC_CELL} data-sort-value="{e(score.percent)}"><a class="govuk-link" href="{e(href)}">'
                    f'{text}<span class="govuk-visually-hidden">: {label}</span></a></td>'
                )
        rows.append(
            f'<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">{head}</th>'
            f"{NUMERIC_CELL}>{e(row.cases_text)}</td>{''.join(cells)}</tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 (every text escaped by conditional_escape; our own markup)


def agreement_rows_html(lines):
    """An agreement table's rows (one per area, assessor, pair or question: AgreementLine), written
    here rather than by a template loop; every text escaped as the template engine would."""
    return mark_safe(  # noqa: S308 (every text escaped by conditional_escape; our own markup)
        "\n".join(
            f'<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">{e(line.label)}</th>'
            f"{NUMERIC_CELL}>{e(line.pairs)}</td>{NUMERIC_CELL}>{e(percent_text(line))}</td>"
            f"{NUMERIC_CELL}>{e(kappa_text(line))}</td></tr>"
            for line in lines
        )
    )


def agreed_rows_html(questions):
    """The moderation page's "Agreed answers" table rows (ComparedQuestion), written here rather than
    by a template loop over every question; every text escaped as the template engine would."""
    rows = []
    for q in questions:
        if not q.agreed:
            continue
        code = e(q.question.code)
        notes = "".join(
            f'<p class="govuk-body-s govuk-!-margin-0">{who}: {e(note)}</p>'
            for who, note in (("First", q.first[1]), ("Second", q.second[1]))
            if note
        )
        rows.append(
            f'<tr class="govuk-table__row" id="row-{code}">\n'
            f'<th scope="row" class="govuk-table__header">{e(q.number)}. {e(q.question.text)} '
            f'<span class="govuk-caption-s">({code})</span></th>\n'
            f'<td class="govuk-table__cell">{e(q.first_label)}{notes}</td>\n</tr>'
        )
    return mark_safe("\n".join(rows))  # noqa: S308 (every text escaped by conditional_escape; our own markup)
