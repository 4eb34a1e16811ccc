"""The dashboard, the filtered dashboard and the drill-down: an exact number of queries, the same
at 10 and at 500 cases (so that a query added, or one that grows with the data, fails here), and
the markup written in Python (breakdown and agreement rows, the filter fields) the same as the
templates wrote it, escaped as the template engine would."""

import re

import pytest
from django.db import DEFAULT_DB_ALIAS, connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.figures_version import triggers_in_place
from cases.oversight.agreement import AgreementLine
from cases.oversight.dashboard import Breakdown, BreakdownRow, Dimension
from cases.oversight.figures import Score
from cases.oversight.filters import DrillDownFilter, fields_html
from cases.oversight.presenters import agreement_rows_html, breakdown_rows_html
from inspections.models import Role
from tests.factories import FrameworkFactory, InspectionFactory, make_scored_cases, member

pytestmark = pytest.mark.django_db

# (url name, query string, queries on a first read, queries on a read again with nothing changed): session,
# person and memberships, the inspection, then the page's own. A dashboard read again is its figures'
# markup kept (cases/figures_version.py), the drill-down's too: the reader's blind cases and the figures'
# versions, no figure read.
PAGES = [
    ("cases:inspection_dashboard", "", 11, 5),
    ("cases:inspection_dashboard", "?team=North+team", 11, 5),
    ("cases:dashboard_cases", "", 8, 5),
    ("cases:dashboard_cases", "?team=North+team&area=roh&answer=no", 10, 5),
]


@pytest.fixture
def assessors(service):
    return member(service, Role.OFFICER, username="first1"), member(service, Role.OFFICER, username="second1")


def test_dashboard_pages_take_a_fixed_number_of_queries_at_10_and_500_cases(client, manager, service, assessors):
    """One build of 10 and 500 scored cases for every page (building 510 cases is the slow part)."""
    first, second = assessors
    small = InspectionFactory(service=service, framework=FrameworkFactory(structure=6))
    large = InspectionFactory(service=service, framework=small.framework)
    make_scored_cases(small, 10, first, second)
    make_scored_cases(large, 500, first, second, start=1000)
    client.force_login(manager)
    triggers_in_place(DEFAULT_DB_ALIAS)  # asked once per process: not a query of any page's

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    counts = {
        (name, query): [queries(reverse(name, args=[i.pk]) + query) for i in (small, large) for _ in ("first", "again")]
        for name, query, _, _ in PAGES
    }
    assert counts == {(name, query): [first, again, first, again] for name, query, first, again in PAGES}
    # The summary export: the same number at both sizes.
    export = [queries(reverse("cases:inspection_export", args=[i.pk, "summary", "xlsx"])) for i in (small, large)]
    assert export[0] == export[1]


def test_breakdown_rows_are_escaped_as_the_template_would():
    dimension = Dimension("team", "Team", "team")
    row = BreakdownRow("O'Brien & <Co>", "O'Brien & <Co>", 7, [Score(61)], cases_text="7")
    row.href = "/cases/?team=O%27Brien&x=1"
    row.cells = [(Score(61), "/cases/?team=a&area=A1")]
    hidden = BreakdownRow(
        "Small", "Small", 2, [Score(None, suppressed=True, marker="fewer than 5")], True, "fewer than 5"
    )
    hidden.href = None
    hidden.cells = [(hidden.scores[0], "/cases/?team=Small")]
    html = breakdown_rows_html(Breakdown(dimension, [row, hidden]))
    assert (
        '<th scope="row" class="govuk-table__header"><a class="govuk-link" href="/cases/?team=O%27Brien&amp;x=1">'
        "O&#x27;Brien &amp; &lt;Co&gt;</a></th>" in html
    )
    assert (
        'data-sort-value="61"><a class="govuk-link" href="/cases/?team=a&amp;area=A1">61%'
        '<span class="govuk-visually-hidden">: O&#x27;Brien &amp; &lt;Co&gt;</span></a></td>' in html
    )
    assert (
        '<th scope="row" class="govuk-table__header">Small</th>'
        '<td class="govuk-table__cell govuk-table__cell--numeric">fewer than 5</td>'
        '<td class="govuk-table__cell govuk-table__cell--numeric">fewer than 5</td></tr>' in html
    )
    assert "<Co>" not in html


def test_agreement_rows_are_escaped_as_the_template_would():
    lines = [AgreementLine("O'Neil & <Sam> (first) and Jo (second)", 45, 80.0, 0.5), AgreementLine("q1", 3, None, None)]
    html = agreement_rows_html(lines)
    assert (
        '<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">'
        "O&#x27;Neil &amp; &lt;Sam&gt; (first) and Jo (second)</th>"
        '<td class="govuk-table__cell govuk-table__cell--numeric">45</td>'
        '<td class="govuk-table__cell govuk-table__cell--numeric">80%</td>'
        '<td class="govuk-table__cell govuk-table__cell--numeric">0.50</td></tr>' in html
    )
    assert ">None</td>" in html and ">Not computable</td>" in html


@pytest.mark.parametrize("data", [None, {"team": "North team", "rosh": "high"}])
def test_filter_fields_written_in_python_are_crispys_markup(service, assessors, data):
    inspection = InspectionFactory(service=service, framework=FrameworkFactory(structure=6))
    make_scored_cases(inspection, 10, *assessors)
    form = DrillDownFilter(data, queryset=inspection.cases.all(), framework=inspection.framework).form
    assert not form.errors
    crispy = Template("{% load crispy_forms_tags %}{{ form|crispy }}").render(Context({"form": form}))

    def normalised(html):
        return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()

    assert normalised(fields_html(form)) == normalised(crispy)
