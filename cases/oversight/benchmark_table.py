"""The benchmark's "Each service" table body, written in Python.

An inspector may see every service (150 rows at national scale); the template engine took most of
the page's time writing them, as it did the bar charts (see charts.py). The markup is the same as
the template wrote; every text is escaped (charts._e), the numbers are the rows' own integers.
"""

from django.utils.formats import date_format
from django.utils.safestring import mark_safe

from .charts import _e


def services_rows_html(figures, trend_url):
    """The <tr> of each service in `figures.rows`: its name linking to its trend at `trend_url`, its
    latest published inspection (or "None yet") and its score in each of `figures.areas`."""
    codes = [area.code for area in figures.areas]
    href = _e(trend_url)
    parts, months = [], {}  # months: {date: its month and year, as the date filter writes "F Y"}
    for row in figures.rows:
        inspection = row.inspection
        if inspection is None:
            latest = "None yet"
        else:
            latest = _e(inspection.title)
            if inspection.published_on:
                if inspection.published_on not in months:
                    months[inspection.published_on] = _e(date_format(inspection.published_on, "F Y"))
                latest += f" ({months[inspection.published_on]})"
        cells = "".join(
            '<td class="govuk-table__cell govuk-table__cell--numeric">'
            + ("None" if (score := row.scores.get(code)) is None else f"{int(score)}%")
            + "</td>"
            for code in codes
        )
        parts.append(
            '<tr class="govuk-table__row">'
            '<th scope="row" class="govuk-table__header">'
            f'<a class="govuk-link" href="{href}?service={int(row.service_id)}">{_e(row.service_name)}</a></th>'
            f'<td class="govuk-table__cell">{latest}</td>{cells}</tr>'
        )
    return mark_safe("".join(parts))  # noqa: S308 (every text escaped by _e; numbers are int(); our own markup)
