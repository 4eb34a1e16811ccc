"""Markup the dashboard and its drill-down write in Python rather than by template loops: the same
markup as the template loops wrote (kept here verbatim and compared, whitespace aside), on figures
that take every branch, every text escaped as the template engine would."""

# ruff: noqa: E501 (the former templates, verbatim)

import re
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.utils.safestring import mark_safe

from cases.oversight import presenters
from cases.oversight.agreement import Agreement, AgreementLine
from cases.oversight.dashboard import (
    DIMENSIONS,
    AreaLine,
    AssessorProgress,
    Breakdown,
    BreakdownRow,
    CaseLine,
    Dimension,
    ListedCase,
    QuestionLine,
)
from cases.oversight.exports import KINDS
from cases.oversight.figures import Score
from inspections import ratings

LOAD = "{% load oversight_tags %}"

ASSESSOR_ROWS = """
  {% for a in figures.progress.assessors %}
    <tr class="govuk-table__row">
      <th scope="row" class="govuk-table__header">{{ a.name }}</th>
      <td class="govuk-table__cell govuk-table__cell--numeric">{{ a.first_assigned }}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{{ a.first_draft }}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{{ a.first_submitted }}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{{ a.second_assigned }}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{{ a.second_submitted }}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{{ a.moderated }}</td>
    </tr>
  {% empty %}<tr class="govuk-table__row"><td class="govuk-table__cell" colspan="7">No cases assigned yet.</td></tr>{% endfor %}
"""

AREA_ROWS = """
  {% for line in figures.areas %}
    <tr class="govuk-table__row">
      <th scope="row" class="govuk-table__header"><a class="govuk-link" href="{{ line.href }}">{{ line.area.name }}<span class="govuk-visually-hidden">: the cases behind this score</span></a></th>
      <td class="govuk-table__cell govuk-table__cell--numeric">{{ line.score|score_text }}</td>
      <td class="govuk-table__cell">{% if line.score.suppressed %}{% else %}{{ line.band_label|default:"Not rated" }}{% endif %}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{% if line.score.suppressed %}{{ line.score|score_text }}{% else %}{{ line.cases }}{% endif %}</td>
    </tr>
  {% endfor %}
"""

WEAKEST_ROWS = """
  {% for line in figures.weakest %}
    <tr class="govuk-table__row">
      <td class="govuk-table__cell">{{ line.question.code }}. {{ line.question.text }}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{{ line.score }}%</td>
      <td class="govuk-table__cell govuk-table__cell--numeric"><a class="govuk-link" href="{{ line.href }}">{{ line.tally.no }}<span class="govuk-visually-hidden"> cases answered No to {{ line.question.code }}</span></a></td>
    </tr>
  {% endfor %}
"""

MATRIX_ROWS = """
  {% for area, cells in figures.matrix %}
    <tr class="govuk-table__row">
      <th scope="row" class="govuk-table__header">{{ area.name }}</th>
      {% for cell in cells %}<td class="govuk-table__cell govuk-table__cell--numeric">{% if cell.percent is None %}{% if cell.suppressed %}{{ cell|score_text }}{% else %}<span class="govuk-hint govuk-!-margin-0">None</span>{% endif %}{% else %}<a class="govuk-link" href="{{ cell.href }}">{{ cell|score_text }}</a>{% endif %}</td>{% endfor %}
    </tr>
  {% endfor %}
"""

OVERSIGHT_ROWS = """
  {% for line in figures.oversight_questions %}
    <tr class="govuk-table__row">
      <td class="govuk-table__cell">{{ line.question.code }}. {{ line.question.text }}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{% if line.suppressed %}fewer than {{ small_group }}{% elif line.score is None %}Not rated{% else %}{{ line.score }}%{% endif %}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{% if not line.suppressed %}{{ line.tally.yes }}{% endif %}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{% if not line.suppressed %}<a class="govuk-link" href="{{ line.href }}">{{ line.tally.no }}<span class="govuk-visually-hidden"> cases answered No to {{ line.question.code }}</span></a>{% endif %}</td>
    </tr>
  {% empty %}<tr class="govuk-table__row"><td class="govuk-table__cell" colspan="4">This framework has no management oversight questions.</td></tr>{% endfor %}
"""

AREA_HEADINGS = """{% for line in figures.areas %}<th scope="col" class="govuk-table__header govuk-table__header--numeric" aria-sort="none">{{ line.area.name }}</th>{% endfor %}"""

BREAKDOWN_TABLES = """
{% for breakdown in figures.breakdowns %}
<div class="app-table-scroll" tabindex="0" role="region" aria-label="{{ breakdown.dimension.title }} (scrolls sideways on a narrow screen)">
<table class="govuk-table govuk-!-font-size-16" data-module="moj-sortable-table" id="breakdown-{{ breakdown.dimension.param }}">
  <caption class="govuk-table__caption govuk-table__caption--s">By {{ breakdown.dimension.title|lower }}</caption>
  <thead class="govuk-table__head"><tr class="govuk-table__row">
    <th scope="col" class="govuk-table__header" aria-sort="ascending">{{ breakdown.dimension.title }}</th>
    <th scope="col" class="govuk-table__header govuk-table__header--numeric" aria-sort="none">Cases</th>
    {{ area_headings }}
  </tr></thead>
  <tbody class="govuk-table__body">
  {% if breakdown.rows %}{{ breakdown.rows_html }}{% else %}<tr class="govuk-table__row"><td class="govuk-table__cell" colspan="{{ figures.areas|length|add:2 }}">{% if breakdown.withheld %}Too few cases to show any group without singling a child out.{% else %}No submitted cases yet.{% endif %}</td></tr>{% endif %}
  </tbody>
</table>
</div>
{% endfor %}
"""

# The former templates/cases/oversight/_agreement_table.html, included once for each agreement table (its rows,
# written by agreement_rows_html and compared in test_dashboard_queries.py, given here as `rows`).
AGREEMENT_TABLE = """
<div class="app-table-scroll" tabindex="0" role="region" aria-label="Agreement {{ caption|lower }} (scrolls sideways on a narrow screen)">
<table class="govuk-table govuk-!-font-size-16" id="{{ id }}">
  <caption class="govuk-table__caption govuk-table__caption--s">{{ caption }}</caption>
  <thead class="govuk-table__head"><tr class="govuk-table__row">
    <th scope="col" class="govuk-table__header">{{ first }}</th>
    <th scope="col" class="govuk-table__header govuk-table__header--numeric">Answer pairs</th>
    <th scope="col" class="govuk-table__header govuk-table__header--numeric">Agreement</th>
    <th scope="col" class="govuk-table__header govuk-table__header--numeric">Kappa</th>
  </tr></thead>
  <tbody class="govuk-table__body">
  {{ rows }}
  </tbody>
</table>
</div>
"""

DOWNLOADS = """
  <li>Case-level answers: <a class="govuk-link" href="{% url 'cases:inspection_export' inspection.pk 'answers' 'xlsx' %}" download>XLSX<span class="govuk-visually-hidden"> of the case-level answers</span></a>, <a class="govuk-link" href="{% url 'cases:inspection_export' inspection.pk 'answers' 'csv' %}" download>CSV<span class="govuk-visually-hidden"> of the case-level answers</span></a></li>
  <li>Every summary on this page: <a class="govuk-link" href="{% url 'cases:inspection_export' inspection.pk 'summary' 'xlsx' %}" download>XLSX<span class="govuk-visually-hidden"> of every summary</span></a>, <a class="govuk-link" href="{% url 'cases:inspection_export' inspection.pk 'summary' 'csv' %}" download>CSV<span class="govuk-visually-hidden"> of every summary</span></a></li>
  {% for kind in export_kinds %}{% if kind != "answers" and kind != "summary" %}
  <li>{{ kind|capfirst }}: <a class="govuk-link" href="{% url 'cases:inspection_export' inspection.pk kind 'xlsx' %}" download>XLSX<span class="govuk-visually-hidden"> of {{ kind }}</span></a>, <a class="govuk-link" href="{% url 'cases:inspection_export' inspection.pk kind 'csv' %}" download>CSV<span class="govuk-visually-hidden"> of {{ kind }}</span></a></li>
  {% endif %}{% endfor %}
"""

CASE_ROWS = """
      {% for line in lines %}
        <tr class="govuk-table__row">
          <td class="govuk-table__cell app-no-wrap">{% if line.counting %}<a class="govuk-link" href="{% url 'cases:assessment' line.counting %}">{{ line.case.reference }}</a>{% else %}{{ line.case.reference }}{% endif %}</td>
          <td class="govuk-table__cell">{{ line.case.team|default:"Not recorded" }}</td>
          <td class="govuk-table__cell">{{ line.manager|default:"Not recorded" }}</td>
          <td class="govuk-table__cell">{{ line.case.get_disposal_display }}</td>
          <td class="govuk-table__cell">{{ line.case.get_rosh_display }}</td>
          <td class="govuk-table__cell govuk-table__cell--numeric">{{ line.tally.yes }}</td>
          <td class="govuk-table__cell govuk-table__cell--numeric">{{ line.tally.no }}</td>
          <td class="govuk-table__cell govuk-table__cell--numeric">{% if line.score is None %}Not rated{% else %}{{ line.score }}%{% endif %}</td>
        </tr>
      {% empty %}
        <tr class="govuk-table__row"><td class="govuk-table__cell" colspan="8">{% if withheld %}Not listed: the filters pick out a hidden group.{% else %}No cases match.{% endif %}</td></tr>
      {% endfor %}
"""

NASTY = "O'Brien & <Co>"


def normalised(html):
    return re.sub(r"\s+", " ", str(html)).strip()


def rendered(template, **context):
    return normalised(Template(LOAD + template).render(Context(context)))


def linked(obj, href):
    obj.href = href
    return obj


def question(code, text=NASTY):
    return SimpleNamespace(code=code, text=text)


def figures():
    area = SimpleNamespace(name=NASTY, code="roh")
    other = SimpleNamespace(name="Safety", code="saf")
    areas = [
        linked(
            AreaLine(area, Score(61, ratings.Band("Good", 60)), 12, ratings.Tally(3, 2, 1), "Good"), "/c/?a=1&b=<2>"
        ),
        linked(AreaLine(other, Score(None), 0, ratings.Tally(), ""), "/c/?area=saf"),
        linked(AreaLine(other, Score(None, suppressed=True), 3, ratings.Tally(1, 1, 0), "Good"), "/c/?x"),
        linked(AreaLine(other, Score(None, suppressed=True, marker="hidden"), 3, ratings.Tally(), "", True), "/c/?y"),
    ]
    lines = [
        linked(QuestionLine(question("roh-1"), ratings.Tally(4, 6, 1), 40), "/c/?question=roh-1&answer=no"),
        linked(QuestionLine(question("roh-2", "Plain"), ratings.Tally(0, 0, 3), None), "/c/?q=2"),
        linked(QuestionLine(question("roh-3"), ratings.Tally(1, 1, 0), None, suppressed=True), "/c/?q=3"),
    ]
    matrix = [
        (
            area,
            [
                linked(Score(70), "/c/?area=roh&stage=a"),
                linked(Score(None), "/c/?s=b"),
                linked(Score(None, suppressed=True), "/c/?s=c"),
                linked(Score(None, suppressed=True, marker="hidden"), "/c/?s=d"),
            ],
        ),
        (other, [linked(Score(0), "/c/?s=e&t=<f>")]),
    ]
    assessors = [
        AssessorProgress(NASTY, {("first", "submitted"): 3, ("first", "draft"): 1, ("second", "submitted"): 2}),
        AssessorProgress("Sam Jones", {("final", "submitted"): 1}),
    ]
    progress = SimpleNamespace(assessors=assessors)
    team = Breakdown(Dimension("team", NASTY, "team"), [BreakdownRow(NASTY, NASTY, 7, [Score(61)], cases_text="7")])
    team.rows_html = mark_safe("<tr><td>the rows breakdown_rows_html wrote</td></tr>")
    breakdowns = [team, Breakdown(Dimension("rosh", "Risk", "rosh"), [], withheld=True), Breakdown(DIMENSIONS[2], [])]
    for breakdown in breakdowns[1:]:
        breakdown.rows_html = ""
    return SimpleNamespace(
        progress=progress,
        areas=areas,
        weakest=lines[:1],
        matrix=matrix,
        oversight_questions=lines,
        breakdowns=breakdowns,
    )


def test_dashboard_tables_are_the_template_loops_markup():
    shown = figures()
    tables = presenters.dashboard_tables(shown, 5)
    context = {"figures": shown, "small_group": 5}
    assert normalised(tables["assessor_rows"]) == rendered(ASSESSOR_ROWS, **context)
    assert normalised(tables["area_rows"]) == rendered(AREA_ROWS, **context)
    assert normalised(tables["weakest_rows"]) == rendered(WEAKEST_ROWS, **context)
    assert normalised(tables["matrix_rows"]) == rendered(MATRIX_ROWS, **context)
    assert normalised(tables["oversight_rows"]) == rendered(OVERSIGHT_ROWS, **context)
    assert normalised(presenters.area_headings_html(shown.areas)) == rendered(AREA_HEADINGS, **context)
    headings = presenters.area_headings_html(shown.areas)
    assert normalised(tables["breakdown_tables"]) == rendered(BREAKDOWN_TABLES, area_headings=headings, **context)
    assert "<Co>" not in "".join(map(str, tables.values()))
    assert "O&#x27;Brien &amp; &lt;Co&gt;" in tables["area_rows"]


def test_empty_dashboard_tables_are_the_template_loops_markup():
    empty = SimpleNamespace(
        progress=SimpleNamespace(assessors=[]), areas=[], weakest=[], matrix=[], oversight_questions=[], breakdowns=[]
    )
    tables = presenters.dashboard_tables(empty, 5)
    context = {"figures": empty, "small_group": 5}
    for name, template in [
        ("assessor_rows", ASSESSOR_ROWS),
        ("area_rows", AREA_ROWS),
        ("weakest_rows", WEAKEST_ROWS),
        ("matrix_rows", MATRIX_ROWS),
        ("oversight_rows", OVERSIGHT_ROWS),
        ("breakdown_tables", BREAKDOWN_TABLES),
    ]:
        assert normalised(tables[name]) == rendered(template, **context), name
    assert normalised(presenters.area_headings_html([])) == rendered(AREA_HEADINGS, **context)


def test_download_links_are_the_templates():
    inspection = SimpleNamespace(pk=42)
    assert normalised(presenters.download_items_html(inspection, KINDS)) == rendered(
        DOWNLOADS, inspection=inspection, export_kinds=KINDS
    )


def test_drill_down_rows_are_the_template_loops_markup():
    lines = [
        CaseLine(ListedCase(7, NASTY, NASTY, "community", "high"), NASTY, ratings.Tally(3, 1, 2), 1234),
        CaseLine(ListedCase(8, "R-2", "", "custody", "low"), "", ratings.Tally(), None),
        CaseLine(ListedCase(9, "R-3", None, "unknown", ""), "Jo", ratings.Tally(0, 2, 0), 99),
    ]
    assert normalised(presenters.case_rows_html(lines, False)) == rendered(CASE_ROWS, lines=lines, withheld=False)
    for withheld in (True, False):
        assert normalised(presenters.case_rows_html([], withheld)) == rendered(CASE_ROWS, lines=[], withheld=withheld)


@pytest.mark.parametrize("params", [{}, {"rosh": "high", "team": NASTY}, {"team": ""}])
def test_each_figure_links_where_drill_href_says(params):
    """link_dashboard encodes the filters once for every figure: the same hrefs as drill_href's."""
    shown = figures()
    shown.stages = [("a", "A"), ("b", "B"), ("c", "C"), ("d", "D")]
    shown.matrix = shown.matrix[:1]
    team = Dimension("team", "Team", "team")
    rows = [
        BreakdownRow(NASTY, NASTY, 7, [Score(61)] * 4, cases_text="7"),
        BreakdownRow("Not recorded", "", 6, [Score(50)] * 4, cases_text="6"),
        BreakdownRow("Small", "Small", 2, [Score(None, suppressed=True)] * 4, True, "fewer than 5"),
    ]
    shown.breakdowns = [Breakdown(team, rows)]
    inspection = SimpleNamespace(pk=3)
    presenters.link_dashboard(shown, inspection, params)

    def expected(group=params, **figure):
        return presenters.drill_href(inspection, group, **figure)

    assert [line.href for line in shown.areas] == [expected(area=line.area.code) for line in shown.areas]
    assert [line.href for line in shown.weakest + shown.oversight_questions] == [
        expected(question=line.question.code, answer="no") for line in shown.weakest + shown.oversight_questions
    ]
    area, cells = shown.matrix[0]
    assert [cell.href for cell in cells] == [expected(area=area.code, stage=stage) for stage, _ in shown.stages]
    for row in rows:
        group = {**params, "team": row.value}
        assert row.href == (None if row.suppressed else expected(group))
        assert [href for _, href in row.cells] == [expected(group, area=line.area.code) for line in shown.areas]


def test_agreement_tables_are_the_included_templates_markup():
    line = AgreementLine(NASTY, 7, 85.7, 0.61)
    agreement = Agreement(3, line, [line], [line, AgreementLine("Safety", 2, None, None)], [], [line])
    expected = [
        rendered(AGREEMENT_TABLE, rows=presenters.agreement_rows_html(lines), caption=caption, first=first, id=table_id)
        for lines, caption, first, table_id in [
            (agreement.by_area, "By area", "Area", "agreement-area"),
            (agreement.by_assessor, "By assessor", "Assessor", "agreement-assessor"),
            (agreement.by_pair, "By pair of assessors", "Assessors", "agreement-pair"),
            (agreement.by_question, "By question", "Question", "agreement-question"),
        ]
    ]
    assert normalised(presenters.agreement_tables_html(agreement)) == " ".join(expected)
    assert "O&#x27;Brien &amp; &lt;Co&gt;" in presenters.agreement_tables_html(agreement)
