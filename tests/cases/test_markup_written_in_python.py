"""Markup the judgements page, the service trend and the scoring page write in Python rather than by a template loop:
the same markup as the templates wrote (compared with them here, whitespace aside), every text
escaped as the template engine would."""

# ruff: noqa: E501 (the former templates, verbatim)

import re
from types import SimpleNamespace

from django.template import Context, Template
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from hypothesis import given
from hypothesis import strategies as st

from cases.judgements import AreaJudgement, QuestionFigures
from cases.oversight.agreement import ModerationLine
from cases.oversight.charts import trend_chart
from cases.oversight.moderation import ComparedQuestion
from cases.oversight.presenters import disagreements_html, moderation_rows_html
from cases.presenters import (
    answers_list_html,
    area_band_form_html,
    area_progress_html,
    area_rows_html,
    question_rows_html,
    scoring_form_html,
    scoring_grid,
)
from inspections import ratings

# templates/cases/oversight/_trend_chart.html as it was before TrendChart.html wrote it.
TREND_CHART_TEMPLATE = """
<figure class="govuk-!-margin-0 govuk-!-margin-bottom-6">
  <svg class="app-chart" role="img" aria-labelledby="{{ chart.id }}-title" viewBox="0 0 {{ chart.width }} {{ chart.height }}" width="100%" focusable="false">
    <title id="{{ chart.id }}-title">{{ chart.title }}. The data is in the table that follows.</title>
    {% for percent, y in chart.gridlines %}
    <line x1="{{ chart.left }}" x2="{{ chart.width|add:-20 }}" y1="{{ y }}" y2="{{ y }}" stroke="#b1b4b6" stroke-width="1"></line>
    <text x="{{ chart.left|add:-6 }}" y="{{ y|add:4 }}" text-anchor="end" font-size="12" fill="#0b0c0c">{{ percent }}%</text>
    {% endfor %}
    {% for label, x in chart.columns %}
    <text x="{{ x }}" y="{{ chart.plot_bottom|add:20 }}" text-anchor="middle" font-size="12" fill="#0b0c0c">{{ label|truncatechars:30 }}</text>
    {% endfor %}
    {% for series in chart.series %}
    {% if series.points|length > 1 %}<polyline points="{{ series.polyline }}" fill="none" stroke="{{ series.colour }}" stroke-width="3"{% if series.dash %} stroke-dasharray="{{ series.dash }}"{% endif %}></polyline>{% endif %}
    {% for x, y, text in series.points %}
    {% if series.marker == "square" %}<rect x="{{ x|add:-5 }}" y="{{ y|add:-5 }}" width="10" height="10" fill="{{ series.colour }}"></rect>{% elif series.marker == "diamond" %}<rect x="{{ x|add:-5 }}" y="{{ y|add:-5 }}" width="10" height="10" fill="{{ series.colour }}" transform="rotate(45 {{ x }} {{ y }})"></rect>{% else %}<circle cx="{{ x }}" cy="{{ y }}" r="6" fill="{{ series.colour }}"></circle>{% endif %}
    <text x="{{ x|add:8 }}" y="{{ y|add:-8 }}" font-size="12" fill="#0b0c0c">{{ text }}</text>
    {% endfor %}
    {% endfor %}
  </svg>
  <figcaption class="govuk-body-s">{{ chart.title }}. Lines: {% for series in chart.series %}{{ series.label }} ({% if series.marker == "square" %}squares{% elif series.marker == "diamond" %}diamonds{% else %}circles{% endif %}{% if series.dash %}, dashed{% endif %}){% if not forloop.last %}; {% endif %}{% endfor %}.</figcaption>
  <div class="govuk-visually-hidden"><table class="govuk-table">
    <caption class="govuk-table__caption">{{ chart.title }} (the chart's data)</caption>
    <thead class="govuk-table__head"><tr class="govuk-table__row"><th scope="col" class="govuk-table__header">Inspection</th>{% for series in chart.series %}<th scope="col" class="govuk-table__header">{{ series.label }}</th>{% endfor %}</tr></thead>
    <tbody class="govuk-table__body">{% for column, values in chart.rows %}<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">{{ column }}</th>{% for value in values %}<td class="govuk-table__cell">{{ value }}</td>{% endfor %}</tr>{% endfor %}</tbody>
  </table></div>
</figure>
"""

# The area forms of templates/cases/judgements.html (without the judged-once inset text) as they were before
# area_band_form_html wrote them for a form as it first shows.
AREA_BAND_FORM_TEMPLATE = """
{% if area.judged_once %}
{% if may_override %}
<details class="govuk-details"{% if form.errors or not area.band %} open{% endif %}>
  <summary class="govuk-details__summary"><span class="govuk-details__summary-text">Judge {{ area.area.name }} from the evidence</span></summary>
  <div class="govuk-details__text">
    {% include "includes/error_summary.html" %}
    <form method="post" novalidate>{% csrf_token %}
      <input type="hidden" name="area" value="{{ area.area.pk }}">
      <input type="hidden" name="version" value="{{ form.version.value|default:0 }}">
      <div class="govuk-form-group{% if form.band_label.errors %} govuk-form-group--error{% endif %}">
        <label class="govuk-label" for="band-{{ area.area.code }}">Band</label>
        {% for error in form.band_label.errors %}<p class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> {{ error }}</p>{% endfor %}
        <select class="govuk-select" id="band-{{ area.area.code }}" name="band_label">
          {% for value, label in form.fields.band_label.choices %}<option value="{{ value }}"{% if form.band_label.value == value %} selected{% endif %}>{% if value %}{{ label }}{% else %}Not judged yet{% endif %}</option>{% endfor %}
        </select>
      </div>
      <div class="govuk-form-group{% if form.reason.errors %} govuk-form-group--error{% endif %}">
        <label class="govuk-label" for="reason-{{ area.area.code }}">The evidence the judgement rests on</label>
        {% for error in form.reason.errors %}<p class="govuk-error-message" id="reason-{{ area.area.code }}-error"><span class="govuk-visually-hidden">Error:</span> {{ error }}</p>{% endfor %}
        <textarea class="govuk-textarea" id="reason-{{ area.area.code }}" name="reason" rows="3">{{ form.reason.value|default:"" }}</textarea>
      </div>
      <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">Record the judgement</button>
    </form>
  </div>
</details>
{% endif %}
{% elif may_override %}
<details class="govuk-details"{% if form.errors %} open{% endif %}>
  <summary class="govuk-details__summary"><span class="govuk-details__summary-text">Override the band for {{ area.area.name }}</span></summary>
  <div class="govuk-details__text">
    {% include "includes/error_summary.html" %}
    <form method="post" novalidate>{% csrf_token %}
      <input type="hidden" name="area" value="{{ area.area.pk }}">
      <input type="hidden" name="version" value="{{ form.version.value|default:0 }}">
      <div class="govuk-form-group{% if form.band_label.errors %} govuk-form-group--error{% endif %}">
        <label class="govuk-label" for="band-{{ area.area.code }}">Band to record instead</label>
        {% for error in form.band_label.errors %}<p class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> {{ error }}</p>{% endfor %}
        <select class="govuk-select" id="band-{{ area.area.code }}" name="band_label">
          {% for value, label in form.fields.band_label.choices %}<option value="{{ value }}"{% if form.band_label.value == value %} selected{% endif %}>{{ label }}</option>{% endfor %}
        </select>
      </div>
      <div class="govuk-form-group{% if form.reason.errors %} govuk-form-group--error{% endif %}">
        <label class="govuk-label" for="reason-{{ area.area.code }}">Reason for the override</label>
        {% for error in form.reason.errors %}<p class="govuk-error-message" id="reason-{{ area.area.code }}-error"><span class="govuk-visually-hidden">Error:</span> {{ error }}</p>{% endfor %}
        <textarea class="govuk-textarea" id="reason-{{ area.area.code }}" name="reason" rows="3">{{ form.reason.value|default:"" }}</textarea>
      </div>
      <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">Record the override</button>
    </form>
  </div>
</details>
{% endif %}
"""

# The areas table rows of templates/cases/judgements.html as they were before area_rows_html wrote them.
AREA_ROWS_TEMPLATE = """
  {% for area in figures.areas %}
    <tr class="govuk-table__row">
      <th scope="row" class="govuk-table__header">{{ area.area.name }}</th>
      <td class="govuk-table__cell govuk-table__cell--numeric">{% if area.judged_once %}From evidence{% elif area.score is None %}Not rated{% else %}{{ area.score }}%{% endif %}</td>
      <td class="govuk-table__cell">
        {% if area.is_overridden %}
          <strong>{{ area.override.override_band_label }}</strong> (override)<br>
          <span class="govuk-body-s">Computed: {{ area.band.label|default:"not rated" }}. {{ area.override.override_reason }} ({{ area.override.overridden_by.get_full_name|default:area.override.overridden_by.username }}, {{ area.override.overridden_at|date:"j F Y" }})</span>
        {% else %}{{ area.band.label|default:"Not rated" }}{% endif %}
      </td>
      <td class="govuk-table__cell">{{ area.shown_equivalent }}{% if area.is_overridden and area.band.equivalent != area.shown_equivalent %}<br><span class="govuk-body-s">Computed: {{ area.band.equivalent|default:"none" }}</span>{% endif %}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{{ area.cases }}</td>
      {% if area.holds_few_asked and not may_override %}<td class="govuk-table__cell govuk-table__cell--numeric" colspan="3">hidden<span class="govuk-visually-hidden">: a question of this area was asked of fewer than {{ small_group }} cases</span></td>
      {% else %}<td class="govuk-table__cell govuk-table__cell--numeric">{{ area.result.tally.yes }}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{{ area.result.tally.no }}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{{ area.result.tally.na }}</td>{% endif %}
    </tr>
  {% endfor %}
"""

# templates/cases/oversight/_nav.html as it was before oversight_nav_html wrote it.
OVERSIGHT_NAV_TEMPLATE = """
<a href="{% url 'inspections:inspection_detail' inspection.pk %}" class="govuk-back-link">Back to {{ inspection.title }}</a>
<span class="govuk-caption-l">{{ inspection.title }}</span>
<nav class="moj-sub-navigation" aria-label="Oversight of this inspection">
  <ul class="moj-sub-navigation__list">
    <li class="moj-sub-navigation__item"><a class="moj-sub-navigation__link" href="{% url 'cases:inspection_dashboard' inspection.pk %}"{% if section == "dashboard" %} aria-current="page"{% endif %}>Dashboard</a></li>
    <li class="moj-sub-navigation__item"><a class="moj-sub-navigation__link" href="{% url 'cases:dashboard_cases' inspection.pk %}"{% if section == "cases" %} aria-current="page"{% endif %}>Cases behind the figures</a></li>
    <li class="moj-sub-navigation__item"><a class="moj-sub-navigation__link" href="{% url 'cases:moderation_list' inspection.pk %}"{% if section == "moderation" %} aria-current="page"{% endif %}>Moderation</a></li>
    <li class="moj-sub-navigation__item"><a class="moj-sub-navigation__link" href="{% url 'cases:feedback_figures' inspection.pk %}"{% if section == "feedback" %} aria-current="page"{% endif %}>Feedback and concerns</a></li>
    <li class="moj-sub-navigation__item"><a class="moj-sub-navigation__link" href="{% url 'cases:service_trends' %}?service={{ inspection.service_id }}">Over time</a></li>
  </ul>
</nav>
"""

# The question rows of templates/cases/judgements.html as they were before question_rows_html wrote them.
QUESTION_ROWS_TEMPLATE = """
  {% for q in area.questions %}
    <tr class="govuk-table__row">
      <td class="govuk-table__cell">{{ q.question.code }}. {{ q.question.text }}{% if q.question.key %} <strong class="govuk-tag govuk-tag--purple">Key</strong>{% endif %}</td>
      {% if q.few_asked and not may_override %}<td class="govuk-table__cell govuk-table__cell--numeric" colspan="4">Asked of fewer than {{ small_group }} cases</td>
      {% else %}<td class="govuk-table__cell govuk-table__cell--numeric">{% if q.score is None %}Not rated{% else %}{{ q.score }}%{% endif %}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{{ q.tally.yes }}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{{ q.tally.no }}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{{ q.tally.na }}</td>{% endif %}
    </tr>
  {% endfor %}
"""

# The question loop of templates/cases/assessment.html's scoring form as it was before scoring_form_html wrote it.
SCORING_FORM_TEMPLATE = """
  {% for group in grid %}
  <h2 class="govuk-heading-l govuk-!-margin-top-8" id="area-{{ group.area.code }}">{{ group.area.name }} <span class="govuk-caption-m">{{ group.answered }} of {{ group.total }} answered</span></h2>
    {% for stage in group.stages %}
    <h3 class="govuk-heading-m">{{ stage.label }}</h3>
      {% for row in stage.rows %}
      <div class="govuk-form-group{% if row.error %} govuk-form-group--error{% endif %}" id="question-{{ row.question.code }}" data-area="{{ group.area.code }}">
        <fieldset class="govuk-fieldset"{% if row.error %} aria-describedby="{{ row.field_id }}-error"{% endif %}>
          <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{{ row.number }}. {{ row.question.text }} <span class="govuk-caption-s govuk-!-display-inline">({{ row.question.code }})</span>{% if row.question.key %} <strong class="govuk-tag govuk-tag--purple">Key question</strong>{% endif %}</legend>
          {% if row.question.guidance %}<details class="govuk-details govuk-!-margin-bottom-2"><summary class="govuk-details__summary"><span class="govuk-details__summary-text">Guidance<span class="govuk-visually-hidden"> for question {{ row.number }}</span></span></summary><div class="govuk-details__text">{{ row.question.guidance }}</div></details>{% endif %}
          {% if row.error %}<p id="{{ row.field_id }}-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> {{ row.error_message }}</p>{% endif %}
          <div class="govuk-radios govuk-radios--small govuk-radios--inline" data-module="govuk-radios">
            <div class="govuk-radios__item"><input class="govuk-radios__input" id="{{ row.field_id }}-yes" name="{{ row.field_id }}" type="radio" value="yes"{% if row.value == "yes" %} checked{% endif %}><label class="govuk-label govuk-radios__label" for="{{ row.field_id }}-yes">Yes</label></div>
            <div class="govuk-radios__item"><input class="govuk-radios__input" id="{{ row.field_id }}-no" name="{{ row.field_id }}" type="radio" value="no"{% if row.value == "no" %} checked{% endif %}><label class="govuk-label govuk-radios__label" for="{{ row.field_id }}-no">No</label></div>
            <div class="govuk-radios__item"><input class="govuk-radios__input" id="{{ row.field_id }}-na" name="{{ row.field_id }}" type="radio" value="na"{% if row.value == "na" %} checked{% endif %}><label class="govuk-label govuk-radios__label" for="{{ row.field_id }}-na">Not applicable</label></div>
          </div>
        </fieldset>
        <label class="govuk-label govuk-!-margin-top-2" for="note-{{ row.question.code }}">Note on question {{ row.number }} ({{ row.question.code }}) <span class="govuk-hint govuk-!-display-inline">(needed for No)</span></label>
        <textarea class="govuk-textarea govuk-!-margin-bottom-0{% if row.needs_note %} govuk-textarea--error{% endif %}" id="note-{{ row.question.code }}" name="note-{{ row.question.code }}" rows="2">{{ row.note }}</textarea>
      </div>
      {% endfor %}
    {% endfor %}
  {% endfor %}
"""

# The answers' loop of templates/cases/assessment.html (a case that cannot be scored) before answers_list_html.
ANSWERS_LIST_TEMPLATE = """
  {% for group in grid %}
  <h2 class="govuk-heading-l govuk-!-margin-top-8">{{ group.area.name }}</h2>
  <dl class="govuk-summary-list">
    {% for stage in group.stages %}{% for row in stage.rows %}
    <div class="govuk-summary-list__row">
      <dt class="govuk-summary-list__key">{{ row.number }}. {{ row.question.text }} <span class="govuk-caption-s">({{ row.question.code }})</span></dt>
      <dd class="govuk-summary-list__value">{% if row.value == "yes" %}Yes{% elif row.value == "no" %}No{% elif row.value == "na" %}Not applicable{% else %}Not answered{% endif %}{% if row.note %}<p class="govuk-body-s govuk-!-margin-top-1 govuk-!-margin-bottom-0">{{ row.note }}</p>{% endif %}</dd>
    </div>
    {% endfor %}{% endfor %}
  </dl>
  {% endfor %}
"""

# The disagreements' loop of templates/cases/oversight/moderation_case.html before disagreements_html wrote it.
DISAGREEMENTS_TEMPLATE = """
{% for q in disagreements %}
<div class="app-moderation-question govuk-!-margin-bottom-6" id="row-{{ q.question.code }}">
  <h3 class="govuk-heading-s govuk-!-margin-bottom-2">{{ q.number }}. {{ q.question.text }} <span class="govuk-caption-s govuk-!-display-inline">({{ q.question.code }})</span> <strong class="govuk-tag govuk-tag--red">Disagreement</strong></h3>
  <dl class="govuk-summary-list govuk-!-margin-bottom-3">
    <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">First marking</dt><dd class="govuk-summary-list__value">{{ q.first_label }}{% if q.first.1 %}<p class="govuk-body-s govuk-!-margin-0">{{ q.first.1 }}</p>{% endif %}</dd></div>
    <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Second marking</dt><dd class="govuk-summary-list__value">{{ q.second_label }}{% if q.second.1 %}<p class="govuk-body-s govuk-!-margin-0">{{ q.second.1 }}</p>{% endif %}</dd></div>
    {% if not may_moderate %}<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Moderated</dt><dd class="govuk-summary-list__value">{% if q.final.0 %}{{ q.final_label }}{% if q.final.1 %}<p class="govuk-body-s govuk-!-margin-0">{{ q.final.1 }}</p>{% endif %}{% else %}Not settled{% endif %}</dd></div>{% endif %}
  </dl>
  {% if may_moderate %}
  <div class="govuk-form-group{% if q.error %} govuk-form-group--error{% endif %}">
    <fieldset class="govuk-fieldset"{% if q.error %} aria-describedby="{{ q.field_id }}-error"{% endif %}>
      <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Moderated answer to question {{ q.number }} ({{ q.question.code }})</legend>
      {% if q.error %}<p id="{{ q.field_id }}-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> {{ q.error }}</p>{% endif %}
      <div class="govuk-radios govuk-radios--small govuk-radios--inline" data-module="govuk-radios">
        <div class="govuk-radios__item"><input class="govuk-radios__input" id="{{ q.field_id }}-yes" name="{{ q.field_id }}" type="radio" value="yes"{% if q.chosen == "yes" %} checked{% endif %}><label class="govuk-label govuk-radios__label" for="{{ q.field_id }}-yes">Yes</label></div>
        <div class="govuk-radios__item"><input class="govuk-radios__input" id="{{ q.field_id }}-no" name="{{ q.field_id }}" type="radio" value="no"{% if q.chosen == "no" %} checked{% endif %}><label class="govuk-label govuk-radios__label" for="{{ q.field_id }}-no">No</label></div>
        <div class="govuk-radios__item"><input class="govuk-radios__input" id="{{ q.field_id }}-na" name="{{ q.field_id }}" type="radio" value="na"{% if q.chosen == "na" %} checked{% endif %}><label class="govuk-label govuk-radios__label" for="{{ q.field_id }}-na">Not applicable</label></div>
      </div>
    </fieldset>
    <label class="govuk-label govuk-!-margin-top-2" for="note-{{ q.question.code }}">Why, for question {{ q.number }} ({{ q.question.code }})</label>
    <textarea class="govuk-textarea govuk-!-margin-bottom-0{% if q.error and q.chosen %} govuk-textarea--error{% endif %}"{% if q.error %} aria-describedby="{{ q.field_id }}-error"{% endif %} id="note-{{ q.question.code }}" name="note-{{ q.question.code }}" rows="3">{{ q.chosen_note }}</textarea>
  </div>
  {% endif %}
</div>
{% endfor %}
"""

# The rows of templates/cases/oversight/moderation_list.html before moderation_rows_html wrote them.
MODERATION_ROWS_TEMPLATE = """
  {% for line in lines %}
    <tr class="govuk-table__row">
      <td class="govuk-table__cell"><a class="govuk-link" href="{% url 'cases:moderation_case' inspection.pk line.case_id %}">{{ line.reference }}<span class="govuk-visually-hidden">: {% if line.moderated %}see the moderation{% else %}moderate{% endif %}</span></a></td>
      <td class="govuk-table__cell">{% if line.percent is None %}None{% else %}{{ line.percent|floatformat:0 }}%{% endif %} <span class="govuk-hint govuk-!-display-inline">({{ line.disagreements }} disagreement{{ line.disagreements|pluralize }} in {{ line.compared }})</span></td>
      <td class="govuk-table__cell">{% if line.moderated %}<strong class="govuk-tag govuk-tag--green">Moderated</strong>{% elif line.final_status %}<strong class="govuk-tag govuk-tag--yellow">In progress</strong>{% else %}<strong class="govuk-tag govuk-tag--blue">To moderate</strong>{% endif %}</td>
      <td class="govuk-table__cell">{{ line.first_marker }} (first), {{ line.second_marker }} (second)</td>
    </tr>
  {% empty %}
    <tr class="govuk-table__row"><td class="govuk-table__cell" colspan="4">No case has both markings submitted yet.</td></tr>
  {% endfor %}
"""


def normalised(html):
    return re.sub(r"\s+", " ", str(html)).strip()


def test_the_trend_lines_are_the_templates_markup_with_every_text_escaped():
    chart = trend_chart(
        "chart-trend",
        "Area scores over time, O'Brien & <Sons> YOS",
        ["Inspection <2016> & a title long enough to be cut short", "Audit 2", "Audit 3"],
        [
            ("Safeguarding & <risk>", [60, None, 81]),
            ("Risk of harm", [None, 55, None]),  # one point: no line
            ("Likelihood", [70, 71, 72]),
            ("Fourth", [None, None, None]),
        ],
    )
    html = chart.html()
    expected = Template(TREND_CHART_TEMPLATE).render(Context({"chart": chart}))
    assert normalised(html) == normalised(expected)
    assert "<Sons>" not in html and "O&#x27;Brien &amp; &lt;Sons&gt;" in html
    assert 'transform="rotate(45' in html and "<circle" in html and "<rect" in html


def test_the_judgements_question_rows_are_the_templates_markup_with_every_text_escaped():
    def question(pk, code, text, key):
        return SimpleNamespace(pk=pk, code=code, text=text, key=key)

    questions = [
        QuestionFigures(question(1, "q1", "Was <risk> & harm assessed?", True), ratings.Tally(8, 2, 1), 80),
        QuestionFigures(question(2, "q2", "Asked of few", False), ratings.Tally(1, 1, 0), 50),
        QuestionFigures(question(3, "q3", "None rated", False), ratings.Tally(0, 0, 9), None),
    ]
    area = AreaJudgement(
        area=SimpleNamespace(pk=1, code="a", name="A", judged_once=False),
        result=ratings.AreaResult(None, None, ratings.Tally(), {}, None),
        cases=11,
        questions=questions,
        band=None,
    )
    for may_override in (False, True):
        html = question_rows_html(area, every_count=may_override, small_group=5)
        expected = Template(QUESTION_ROWS_TEMPLATE).render(
            Context({"area": area, "may_override": may_override, "small_group": 5})
        )
        assert normalised(html) == normalised(expected)
        assert "<risk>" not in html and "Was &lt;risk&gt; &amp; harm assessed?" in html
        assert ("Asked of fewer than 5 cases" in html) is (not may_override)


def _scoring_grid_needing_escapes():
    """Two areas, stages in the framework's order, questions with and without guidance and the key
    tag, every answer value and none, and texts that need escaping everywhere the markup shows one."""

    def area(code, name, questions):
        return SimpleNamespace(code=code, name=name, asked=questions)

    def question(code, text, stage, guidance="", key=False):
        return SimpleNamespace(code=code, text=text, stage=stage, guidance=guidance, key=key)

    areas = [
        area(
            "a<1>",
            "Assessment & <planning>",
            [
                question(
                    "q1", 'Was "risk" & <harm> assessed? ' + "long " * 20, "delivery", "See <b>this</b> & that", True
                ),
                question("q2", "Plain", "assessment"),
                question("q3", "O'Brien's plan", "assessment", guidance="Guidance"),
            ],
        ),
        area("b", "Delivery", [question("q4", "Delivered?", "oversight", key=True), question("q5", "Five", "review")]),
    ]
    answers = {
        "q1": ("no", ""),
        "q2": ("yes", "A note <script>alert(1)</script> & more"),
        "q3": ("na", "n"),
        "q4": ("", ""),
    }
    return areas, answers


def test_the_scoring_form_is_the_templates_markup_with_every_text_escaped():
    areas, answers = _scoring_grid_needing_escapes()
    for problems in ({}, {"q1": "needs a note", "q4": "needs an answer", "q5": "needs an answer"}):
        grid = scoring_grid(areas, answers, problems)
        html = scoring_form_html(grid)
        expected = Template(SCORING_FORM_TEMPLATE).render(Context({"grid": grid}))
        assert normalised(html) == normalised(expected)
        assert (
            "<harm>" not in html
            and "<script>" not in html
            and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html
        )
        assert ('aria-describedby="q-q1-error"' in html) is bool(problems)
        assert ("govuk-textarea--error" in html) is bool(problems)  # q1: a No without a note
        # Written again from the markup kept for each question: the same page.
        assert scoring_form_html(scoring_grid(areas, answers, problems)) == html


def test_the_scoring_form_shows_a_changed_question_text_and_answer_at_once():
    """Each question's markup is kept once written (by its texts, number, answer and error): a
    question whose text or guidance changed, or an answer changed, is written afresh."""
    areas, answers = _scoring_grid_needing_escapes()
    before = scoring_form_html(scoring_grid(areas, answers))
    areas[1].asked[0].text = "Delivered on <time>?"
    areas[0].asked[2].guidance = "New guidance"
    after = scoring_form_html(scoring_grid(areas, {**answers, "q2": ("no", "A note")}))
    assert "Delivered?" in before and "Delivered?" not in after and "Delivered on &lt;time&gt;?" in after
    assert "New guidance" in after
    assert 'id="q-q2-no" name="q-q2" type="radio" value="no" checked>' in after
    expected = Template(SCORING_FORM_TEMPLATE).render(
        Context({"grid": scoring_grid(areas, {**answers, "q2": ("no", "A note")})})
    )
    assert normalised(after) == normalised(expected)


# The two loops over the areas of templates/cases/assessment.html as they were before area_progress_html wrote them.
AREA_LINKS_TEMPLATE = (
    '{% for group in grid %}<li><a class="govuk-link" href="#area-{{ group.area.code }}">{{ group.area.name }}</a> '
    '<span class="govuk-body-s" data-area-progress="{{ group.area.code }}">{{ group.answered }} of {{ group.total }} '
    "answered</span></li>{% endfor %}"
)
AREA_BAR_LINKS_TEMPLATE = (
    '{% for group in grid %}<li><a class="govuk-link" href="#area-{{ group.area.code }}">{{ group.area.name }}</a>: '
    '<span data-area-progress="{{ group.area.code }}">{{ group.answered }} of {{ group.total }}</span></li>'
    "{% endfor %}"
)


def test_the_scoring_pages_area_links_are_the_templates_markup_with_every_text_escaped():
    areas, answers = _scoring_grid_needing_escapes()
    grid = scoring_grid(areas, answers)
    links, bar_links = area_progress_html(grid)
    assert links == Template(AREA_LINKS_TEMPLATE).render(Context({"grid": grid}))
    assert bar_links == Template(AREA_BAR_LINKS_TEMPLATE).render(Context({"grid": grid}))
    assert 'href="#area-a&lt;1&gt;">Assessment &amp; &lt;planning&gt;</a>' in links
    assert "3 of 3 answered" in links and ">0 of 2</span>" in bar_links


def test_the_answers_of_a_case_that_cannot_be_scored_are_the_templates_markup_with_every_text_escaped():
    areas, answers = _scoring_grid_needing_escapes()
    grid = scoring_grid(areas, answers)
    html = answers_list_html(grid)
    expected = Template(ANSWERS_LIST_TEMPLATE).render(Context({"grid": grid}))
    assert normalised(html) == normalised(expected)
    assert "Not answered" in html and "Not applicable" in html and "&lt;script&gt;" in html and "<script>" not in html


def test_the_moderation_disagreements_are_the_templates_markup_with_every_text_escaped():
    def compared(code, text, first, second, final, number, error="", chosen="", chosen_note=""):
        q = ComparedQuestion(SimpleNamespace(pk=number, code=code, text=text), first, second, final, number)
        q.error, q.chosen, q.chosen_note = error, chosen, chosen_note
        return q

    disagreements = [
        compared("q1", "Was <risk> & harm assessed?", ("yes", "First's <note>"), ("no", ""), ("", ""), 1),
        compared(
            "q2",
            "O'Brien's plan",
            ("na", ""),
            ("no", 'Second "note"'),
            ("no", "Settled & <done>"),
            2,
            "",
            "no",
            "Why & <so>",
        ),
        compared("q3", "Third", ("", ""), ("yes", ""), ("yes", ""), 3, "Choose an answer to <q3>", "", ""),
        compared("q4", "Fourth", ("yes", ""), ("no", ""), ("", ""), 4, "Add a note", "yes", ""),
    ]
    for may_moderate in (True, False):
        html = disagreements_html(disagreements, may_moderate=may_moderate)
        expected = Template(DISAGREEMENTS_TEMPLATE).render(
            Context({"disagreements": disagreements, "may_moderate": may_moderate})
        )
        assert normalised(html) == normalised(expected)
        assert "<risk>" not in html and "<note>" not in html and "First&#x27;s &lt;note&gt;" in html
        assert ("Not settled" in html) is (not may_moderate)
        assert ('name="q-q2" type="radio" value="no" checked' in html) is may_moderate


def test_the_moderation_list_rows_are_the_templates_markup_with_every_text_escaped():
    lines = [
        ModerationLine(7, "R<1> & co", "Ann O'Neil", "Bob <b>", None, 1, 8),  # 12.5%: rounded half up, as floatformat
        ModerationLine(8, "R2", "Ann", "Bob", "draft", 44, 45),
        ModerationLine(9, "R3", "Ann", "Bob", "submitted", 45, 45),
        ModerationLine(10, "R4", "Ann", "Bob", None, 0, 0),  # nothing compared: None
    ]
    inspection = SimpleNamespace(pk=3)
    for shown in (lines, []):
        html = moderation_rows_html(shown, inspection.pk)
        expected = Template(MODERATION_ROWS_TEMPLATE).render(Context({"lines": shown, "inspection": inspection}))
        assert normalised(html) == normalised(expected)
    html = moderation_rows_html(lines, inspection.pk)
    assert "R&lt;1&gt; &amp; co" in html and "Bob &lt;b&gt;" in html and "13%" in html
    assert f'href="{reverse("cases:moderation_case", args=[3, 7])}"' in html


def test_the_judgements_area_forms_are_the_templates_markup_with_every_text_escaped():
    """Judged once or computed, with and without a stored judgement, a band or an override; texts
    that need escaping in the area's name and code, the bands and the reason."""
    from inspections.forms import OverrideForm

    bands = ["Good & <outstanding>", "Requires improvement", 'Inadequate "now"']
    overridden = SimpleNamespace(
        version=3,
        judged_band_label="",
        evidence_note="",
        override_band_label='Inadequate "now"',
        override_reason="Files <missing> & late",
    )
    judged = SimpleNamespace(
        version=2, judged_band_label="Requires improvement", evidence_note="Board's <minutes>", override_band_label=""
    )
    computed_band = ratings.Band("Good & <outstanding>", 80, "")
    shown = 0
    for judged_once, band, override in (
        (False, None, None),
        (False, computed_band, None),
        (False, computed_band, overridden),
        (True, None, None),
        (True, computed_band, judged),
        (True, None, SimpleNamespace(version=1, judged_band_label="", evidence_note="", override_band_label="")),
    ):
        area = AreaJudgement(
            area=SimpleNamespace(pk=7, code="a<1>", name="Risk & <harm>", judged_once=judged_once),
            result=ratings.AreaResult(None, band, ratings.Tally(), {}, None),
            cases=11,
            questions=[],
            band=band,
            override=override,
        )
        # The form as the view built it before.
        initial = {"area": area.area.pk, "version": area.override.version if area.override else 0}
        version, band_label, reason = initial["version"], None, None
        if area.judged_once and area.override:
            initial.update(band_label=area.override.judged_band_label, reason=area.override.evidence_note)
            band_label, reason = area.override.judged_band_label, area.override.evidence_note
        elif area.is_overridden:
            initial.update(band_label=area.override.override_band_label, reason=area.override.override_reason)
            band_label, reason = area.override.override_band_label, area.override.override_reason
        form = OverrideForm(initial=initial, framework=None, band_labels=bands)
        expected = Template(AREA_BAND_FORM_TEMPLATE).render(
            Context({"area": area, "form": form, "may_override": True, "csrf_token": "t0ken"})
        )
        html = area_band_form_html(
            area, version=version, band_label=band_label, reason=reason, band_labels=bands, csrf_token="t0ken"
        )
        assert normalised(html) == normalised(expected)
        assert "<harm>" not in html and "<outstanding>" not in html and "<missing>" not in html
        shown += " selected" in html
    assert shown == 3  # the override's band, the judged band, and the blank judged band chosen


def test_the_judgements_area_rows_are_the_templates_markup_with_every_text_escaped():
    """Scored, not rated, judged once; overridden with and without a computed band, by a person with
    and without a full name, equivalents that differ or not; an area hiding its counts; texts needing
    escaping; the override's time shown on the local date (23:30 UTC on 30 June is 1 July in London)."""
    import datetime

    def person(first, last, username):
        return SimpleNamespace(get_full_name=lambda: f"{first} {last}".strip(), username=username)

    good = ratings.Band("Good & <better>", 80, "Good")
    poor = ratings.Band("Poor", 0, "")
    late = datetime.datetime(2026, 6, 30, 23, 30, tzinfo=datetime.UTC)

    def override(label, by, reason="Files <missing> & late"):
        return SimpleNamespace(override_band_label=label, override_reason=reason, overridden_by=by, overridden_at=late)

    def area(name, score, band, *, judged_once=False, over=None, few=False, override_band=None):
        question = QuestionFigures(SimpleNamespace(pk=1, code="q", text="t", key=False), ratings.Tally(1, 1, 0), 50)
        judgement = AreaJudgement(
            area=SimpleNamespace(pk=1, code="a", name=name, judged_once=judged_once),
            result=ratings.AreaResult(score, band, ratings.Tally(7, 3, 2), {}, None),
            cases=1 if few else 12,
            questions=[question] if few else [],
            band=band,
            override=over,
            override_band=override_band,
        )
        return judgement

    areas = [
        area("Risk & <harm>", 85, good),
        area("Not rated yet", None, None),
        area("From evidence", None, poor, judged_once=True),
        area("Overridden", 85, good, over=override("Poor", person("Ann", "O'Neil", "ann")), override_band=poor),
        area(
            "Overridden, same equivalent",
            85,
            good,
            over=override("Good & <better>", person("", "", "bob")),
            override_band=good,
        ),
        area(
            "Overridden, no band",
            None,
            None,
            over=override('Requires "work"', person("Cy", "", "cy")),
            override_band=None,
        ),
        area("Few asked", 50, poor, few=True),
    ]
    for may_override in (False, True):
        html = area_rows_html(areas, every_count=may_override, small_group=5)
        expected = Template(AREA_ROWS_TEMPLATE).render(
            Context({"figures": SimpleNamespace(areas=areas), "may_override": may_override, "small_group": 5})
        )
        assert normalised(html) == normalised(expected)
        assert "<harm>" not in html and "<better>" not in html and "<missing>" not in html
        assert "1 July 2026" in html and "O&#x27;Neil" in html and "Computed: none" in html
        assert ("fewer than 5 cases" in html) is (not may_override)


@given(st.one_of(st.text(), st.integers(), st.text().map(mark_safe)))
def test_the_markup_written_in_python_escapes_text_as_the_template_engine_does(value):
    from cases.oversight.presenters import _text as oversight_text
    from cases.presenters import _text

    assert _text(value) == conditional_escape(value) == oversight_text(value)


def test_the_oversight_navigation_is_the_templates_markup_for_every_section():
    inspection = SimpleNamespace(pk=42, service_id=7, title="Mock <inspection> & 'review'")
    for section in ("dashboard", "cases", "moderation", "feedback", ""):
        expected = Template(OVERSIGHT_NAV_TEMPLATE).render(Context({"inspection": inspection, "section": section}))
        html = Template("{% include 'cases/oversight/_nav.html' %}").render(
            Context({"inspection": inspection, "section": section})
        )
        assert normalised(html) == normalised(expected)
        assert "<inspection>" not in html and html.count('aria-current="page"') == (1 if section else 0)
    assert reverse("cases:moderation_list", args=[42]) in html
