"""The service trend's tables written in Python rather than by a template loop
(cases/oversight/presenters.py): the same markup as the template wrote (compared with it here,
whitespace aside), every text escaped as the template engine would."""

# ruff: noqa: E501 (the former template, verbatim)

import re
from types import SimpleNamespace

from django.template import Context, Template

from cases.oversight.figures import Score
from cases.oversight.presenters import mover_rows_html, trend_rows_html
from cases.oversight.trend import Mover
from inspections import ratings

# The rows of templates/cases/oversight/service_trends.html as they were before these functions wrote them.
TREND_ROWS_TEMPLATE = """{% load oversight_tags %}
  {% for point in trend.points %}
    <tr class="govuk-table__row">
      <th scope="row" class="govuk-table__header"><a class="govuk-link" href="{% url 'inspections:inspection_detail' point.inspection.pk %}">{{ point.inspection.title }}</a>{% if point.live %} <strong class="govuk-tag govuk-tag--yellow">Live</strong>{% else %} <strong class="govuk-tag govuk-tag--green">Published</strong>{% endif %}{% if point.inspection.follows_id %}<br><span class="govuk-body-s">Follows up an earlier inspection</span>{% endif %}</th>
      {% for score in point.cells %}<td class="govuk-table__cell govuk-table__cell--numeric">{% if score %}{{ score|score_text }}{% if score.band %}<br><span class="govuk-body-s">{{ score.band.label }}</span>{% endif %}{% else %}Not assessed{% endif %}</td>{% endfor %}
    </tr>
  {% endfor %}
"""
MOVER_ROWS_TEMPLATE = """
  {% for m in trend.movers %}
    <tr class="govuk-table__row">
      <td class="govuk-table__cell">{{ m.code }}. {{ m.text }}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{{ m.before }}%</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{{ m.after }}%</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{% if m.change > 0 %}up {{ m.change }}{% elif m.change < 0 %}down {% widthratio m.change 1 -1 %}{% else %}no change{% endif %} points</td>
    </tr>
  {% endfor %}
"""


def normalised(html):
    return re.sub(r"\s+", " ", str(html)).strip()


def test_the_trend_rows_are_the_templates_markup_with_every_text_escaped():
    good = ratings.Band("Good & <better>", 65, 3)
    points = [
        SimpleNamespace(
            inspection=SimpleNamespace(pk=7, title="O'Brien & <Sons> 2015", follows_id=None),
            live=False,
            cells=[Score(72, good), Score(None), None, Score(40, None)],
        ),
        SimpleNamespace(
            inspection=SimpleNamespace(pk=12, title="Mock 2016", follows_id=7),
            live=True,
            cells=[Score(3, None, suppressed=True, marker="fewer than 5"), Score(0, good), Score(100), None],
        ),
    ]
    html = trend_rows_html(points)
    expected = Template(TREND_ROWS_TEMPLATE).render(Context({"trend": SimpleNamespace(points=points)}))
    assert normalised(html) == normalised(expected)
    assert "<Sons>" not in html and "O&#x27;Brien &amp; &lt;Sons&gt; 2015" in html
    assert "Not assessed" in html and "fewer than 5" in html and "Follows up an earlier inspection" in html
    assert trend_rows_html([]) == ""


def test_the_mover_rows_are_the_templates_markup_with_every_text_escaped():
    movers = [
        Mover("roh-1", "Is risk <managed> & reviewed?", 20, 95),
        Mover("saf-2", "Plain", 80, 35),
        Mover("saf-3", "Still", 50, 50),
    ]
    html = mover_rows_html(movers)
    expected = Template(MOVER_ROWS_TEMPLATE).render(Context({"trend": SimpleNamespace(movers=movers)}))
    assert normalised(html) == normalised(expected)
    assert "up 75 points" in html and "down 45 points" in html and "no change points" in html
    assert "&lt;managed&gt; &amp; reviewed" in html
