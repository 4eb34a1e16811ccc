"""The officer home's table rows are written in Python (home_pages.assigned_rows): the same markup as
the template loop wrote (compared here, whitespace aside), every text escaped as the template would."""

# ruff: noqa: E501 (the former template, verbatim)

import re
from types import SimpleNamespace

from django.template import Context, Template

from cases.models import Marking
from yos_audit.home_pages import assigned_rows

# The rows of templates/home/officer.html as they were before assigned_rows wrote them.
ASSIGNED_ROWS_TEMPLATE = """
  {% for assessment in assessments %}
    <tr class="govuk-table__row">
      <td class="govuk-table__cell"><a class="govuk-link" href="{% url 'cases:assessment' assessment.pk %}">{{ assessment.case.reference }}</a></td>
      <td class="govuk-table__cell">{% include "includes/assessment_status.html" %}</td>
      <td class="govuk-table__cell">{{ assessment.answered }}</td>
      <td class="govuk-table__cell">{{ assessment.get_marking_display }}</td>
      <td class="govuk-table__cell">{{ assessment.case.inspection.title }}</td>
    </tr>
  {% endfor %}
"""


def normalised(html):
    return re.sub(r"\s+", " ", str(html)).strip()


def test_the_officers_assigned_rows_are_the_templates_markup_with_every_text_escaped():
    rows = [
        (12, "draft", 3, "first", "R<1> & co", 'Audit "2025" <mock>'),
        (13, "submitted", 45, "second", "R2", "Audit"),
        (14, "not_started", 0, "final", "R3", "O'Brien's audit"),
    ]
    labels = dict(Marking.choices)
    assessments = [
        SimpleNamespace(
            pk=pk,
            status=status,
            answered=answered,
            get_marking_display=lambda marking=marking: labels[marking],
            case=SimpleNamespace(reference=reference, inspection=SimpleNamespace(title=title)),
        )
        for pk, status, answered, marking, reference, title in rows
    ]
    html = assigned_rows(rows)
    expected = Template(ASSIGNED_ROWS_TEMPLATE).render(Context({"assessments": assessments}))
    assert normalised(html) == normalised(expected)
    assert "R&lt;1&gt; &amp; co" in html and "<mock>" not in html and "Not started" in html
