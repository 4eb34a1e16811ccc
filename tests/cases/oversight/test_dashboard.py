"""Oversight dashboards: figures, agreement on the page, drill-down, suppression of small groups,
service trend, benchmark, permissions, and a fixed number of queries at any size."""

import re
from datetime import date

import pytest
from django.db.models import Q
from django.urls import reverse

from cases.models import Assessment
from cases.oversight.dashboard import dashboard, drill_down
from cases.oversight.filters import DashboardFilter
from cases.oversight.presenters import score_text
from cases.services import inspection_publish
from inspections import ratings
from inspections.models import Role
from tests.factories import (
    AssessmentFactory,
    CaseFactory,
    FrameworkFactory,
    InspectionFactory,
    make_answers,
    make_scored_cases,
    member,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspection(service):
    return InspectionFactory(service=service, status="scoring", title="Mock 2016", framework=FrameworkFactory())


@pytest.fixture
def assessors(service):
    return member(service, Role.OFFICER, username="first1"), member(service, Role.OFFICER, username="second1")


def scored_case(inspection, assessor, values, marking="first", case=None, **case_fields):
    case = case or CaseFactory(inspection=inspection, **case_fields)
    return make_answers(AssessmentFactory(case=case, assessor=assessor, marking=marking), values)


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


URLS = [
    ("cases:inspection_dashboard", True),
    ("cases:dashboard_cases", True),
    ("cases:moderation_list", True),
]


# --- permissions -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["cases:inspection_dashboard", "cases:dashboard_cases", "cases:moderation_list", "cases:judgements"]
)
def test_managers_and_inspectors_read_officers_and_board_get_403(
    client, name, inspection, manager, inspector, officer, board_member
):
    url = reverse(name, args=[inspection.pk])
    for person, status in [(manager, 200), (inspector, 200), (officer, 403), (board_member, 403)]:
        client.force_login(person)
        assert client.get(url).status_code == status, (person, name)


@pytest.mark.parametrize(
    "name", ["cases:inspection_dashboard", "cases:dashboard_cases", "cases:moderation_list", "cases:judgements"]
)
def test_another_service_gets_404_and_signed_out_goes_to_sign_in(client, name, inspection, other_service, outsider):
    url = reverse(name, args=[inspection.pk])
    assert client.get(url).status_code == 302
    assert "/account/sign-in/" in client.get(url)["Location"]
    client.force_login(member(other_service, Role.MANAGER))
    assert client.get(url).status_code == 404
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_service_trends_for_managers_inspectors_and_board_not_officers(client, service, manager, board_member, officer):
    url = reverse("cases:service_trends")
    for person, status in [(manager, 200), (board_member, 200), (officer, 403)]:
        client.force_login(person)
        assert client.get(url).status_code == status


def test_service_trends_of_another_service_is_404(client, manager, other_service):
    client.force_login(manager)
    assert client.get(reverse("cases:service_trends"), {"service": other_service.pk}).status_code == 404
    assert client.get(reverse("cases:service_trends"), {"service": "x"}).status_code == 404


def test_benchmark_for_inspectors_only(client, manager, inspector, board_member, officer, outsider):
    url = reverse("cases:benchmark")
    for person, status in [(inspector, 200), (manager, 403), (board_member, 403), (officer, 403), (outsider, 403)]:
        client.force_login(person)
        assert client.get(url).status_code == status
    client.logout()
    assert client.get(url).status_code == 302


# --- figures ---------------------------------------------------------------------------------


def test_dashboard_shows_area_scores_weakest_questions_and_stage_matrix(client, manager, inspection, assessors):
    first, _ = assessors
    for _ in range(5):
        scored_case(
            inspection,
            first,
            {"roh-1": "yes", "roh-2": "no", "roh-3": "yes", "saf-1": "yes", "saf-2": "yes", "saf-3": "yes"},
        )
    client.force_login(manager)
    page = text(client.get(reverse("cases:inspection_dashboard", args=[inspection.pk])))
    figures = dashboard(inspection)
    roh = figures.areas[0]
    assert (roh.score.percent, roh.band_label) == (67, "Moderate improvement required")
    assert figures.weakest[0].question.code == "roh-2"
    assert figures.weakest[0].score == 0
    assert "Risk of harm to others" in page and "67%" in page
    assert "roh-2. Risk of harm to others: question 2?" in page
    # roh-2 is a planning question: 0% in the matrix, linked to its cases.
    assert f'href="/inspections/{inspection.pk}/dashboard/cases/?area=roh&amp;stage=planning"' in page
    assert 'role="img"' in page and "Area scores against the bands" in page


def test_breakdown_suppresses_groups_of_fewer_than_five(client, manager, inspection, assessors):
    first, _ = assessors
    values = {"roh-1": "yes", "roh-2": "no", "roh-3": "yes", "saf-1": "yes", "saf-2": "yes", "saf-3": "yes"}
    for _ in range(5):
        scored_case(inspection, first, values, team="North team", gender="male")
    for _ in range(2):
        scored_case(inspection, first, values, team="South team", gender="female")
    figures = dashboard(inspection)
    teams = {row.label: row for row in figures.breakdowns[0].rows}
    # 7 cases in all: showing North's 5 would give South away (7 - 5 = 2), so North is hidden too.
    assert teams["North team"].cases_text == "hidden"
    assert teams["South team"].cases_text == "fewer than 5"
    assert all(score_text(score) == "fewer than 5" for score in teams["South team"].scores)
    assert all(score_text(score) == "hidden" for score in teams["North team"].scores)
    client.force_login(manager)
    page = text(client.get(reverse("cases:inspection_dashboard", args=[inspection.pk])))
    table = page.split('id="breakdown-gender"')[1].split("</table>")[0]
    assert "Female</th>" in table and "fewer than 5" in table and "Male</th>" in table and "hidden" in table
    assert "Female</a>" not in table and "Male</a>" not in table  # no drill-down to a hidden group
    assert ">5<" not in table
    # Filtering down to fewer than five cases hides every figure.
    filtered = text(client.get(reverse("cases:inspection_dashboard", args=[inspection.pk]), {"team": "South team"}))
    assert 'id="filters-withheld"' in filtered and 'id="progress-summary"' not in filtered


def test_drill_down_lists_the_cases_behind_a_figure(client, manager, inspection, assessors):
    first, _ = assessors
    north = scored_case(inspection, first, {"roh-1": "no", "saf-1": "yes"}, team="North team", reference="N-1")
    scored_case(inspection, first, {"roh-1": "yes", "saf-1": "yes"}, team="North team", reference="N-2")
    scored_case(inspection, first, {"roh-1": "no", "saf-1": "yes"}, team="South team", reference="S-1")
    for n in range(4):  # both teams big enough to be shown on the dashboard, so to be listed here
        scored_case(inspection, first, {"roh-1": "yes"}, team="North team", reference=f"N-{n + 3}")
        scored_case(inspection, first, {"roh-1": "yes"}, team="South team", reference=f"S-{n + 2}")
    client.force_login(manager)
    url = reverse("cases:dashboard_cases", args=[inspection.pk])
    page = text(client.get(url, {"area": "roh", "team": "North team", "answer": "no"}))
    assert "N-1" in page and "N-2" not in page and "S-1" not in page
    assert reverse("cases:assessment", args=[north.pk]) in page
    # Sorting works without JavaScript, by links.
    sorted_page = text(client.get(url, {"sort": "-reference"}))
    assert sorted_page.index("S-1") < sorted_page.index("N-2") < sorted_page.index("N-1")
    assert 'aria-sort="descending"' in sorted_page


def test_drill_down_comes_25_cases_to_a_page_keeping_the_filters_and_sort(client, manager, inspection, assessors):
    first, _ = assessors
    for n in range(30):  # N-00 to N-29, the even ones with a No in area roh
        scored_case(
            inspection, first, {"roh-1": "no" if n % 2 == 0 else "yes"}, team="North team", reference=f"N-{n:02d}"
        )
    for n in range(5):
        scored_case(inspection, first, {"roh-1": "yes"}, team="South team", reference=f"S-{n}")
    client.force_login(manager)
    url = reverse("cases:dashboard_cases", args=[inspection.pk])

    def listed(page):
        return re.findall(r">([NS]-\d+)<", page)

    first_page = text(client.get(url, {"team": "North team"}))
    assert listed(first_page) == [f"N-{n:02d}" for n in range(25)]
    assert "Showing 1 to 25 of 30 cases" in first_page and ">30 cases</caption>" in first_page
    assert '<nav class="govuk-pagination" aria-label="Pages of cases">' in first_page
    assert 'href="?team=North+team&amp;page=2" rel="next"' in first_page
    assert 'aria-label="Page 1" aria-current="page"' in first_page
    second = text(client.get(url, {"team": "North team", "page": 2}))
    assert listed(second) == [f"N-{n:02d}" for n in range(25, 30)]  # the next cases, still only North
    assert "Showing 26 to 30 of 30 cases" in second and 'rel="prev"' in second and 'rel="next"' not in second
    # A page out of range shows the last page, as the inspector's home does; not a number, the first.
    assert listed(text(client.get(url, {"team": "North team", "page": 9}))) == listed(second)
    assert listed(text(client.get(url, {"team": "North team", "page": "x"}))) == listed(first_page)
    # The figure's own filters and the sort are kept from page to page; a new sort starts at page 1.
    query = {"team": "North team", "area": "roh", "answer": "no", "sort": "-reference"}
    figure = text(client.get(url, query))
    assert listed(figure) == [f"N-{n:02d}" for n in range(28, -1, -2)]  # 15 cases: one page
    assert 'class="govuk-pagination"' not in figure
    everything = text(client.get(url, {"sort": "-reference"}))
    assert listed(everything) == [f"S-{n}" for n in range(4, -1, -1)] + [f"N-{n:02d}" for n in range(29, 9, -1)]
    assert 'href="?sort=-reference&amp;page=2" rel="next"' in everything
    later = text(client.get(url, {"sort": "-reference", "page": 2}))
    assert listed(later) == [f"N-{n:02d}" for n in range(9, -1, -1)]
    assert 'href="?sort=reference"' in later and "page=2&amp;sort" not in later  # sorting afresh: page 1


def _cohort_with_a_hidden_team(inspection, first):
    """Teams A 3, B 6, C 20 cases: A reads "fewer than 5", and B "hidden" (29 - 20 - 6 would give
    A away). Team C: 6 community, 3 custody, 11 out-of-court; A and B all out of court."""
    values = {"roh-1": "yes", "roh-2": "no", "saf-1": "yes"}
    for team, disposal, n in [
        ("A team", "out_of_court", 3),
        ("B team", "out_of_court", 6),
        ("C team", "community", 6),
        ("C team", "custody", 3),
        ("C team", "out_of_court", 11),
    ]:
        for i in range(n):
            scored_case(inspection, first, values, team=team, disposal=disposal, reference=f"{team[0]}-{disposal}-{i}")


def test_filtering_on_a_hidden_group_shows_none_of_its_figures(client, manager, inspection, assessors):
    _cohort_with_a_hidden_team(inspection, assessors[0])
    client.force_login(manager)
    url = reverse("cases:inspection_dashboard", args=[inspection.pk])
    whole = text(client.get(url))
    table = whole.split('id="breakdown-team"')[1].split("</table>")[0]
    assert "B team</th>" in table and "hidden" in table and ">6<" not in table
    # Filtered on B, the page would say 6 cases: with the total of 29 and C's 20, A's 3 follows.
    for query in [{"team": "B team"}, {"team": "A team"}]:
        page = text(client.get(url, query))
        assert 'id="filters-withheld"' in page
        assert "submitted case" not in page and 'id="progress-summary"' not in page
        assert 'id="area-scores"' not in page and 'id="breakdown-disposal"' not in page
    # Two filters may not single out what the breakdown of one of them hides: within C, custody
    # (3) is small and community (6) hidden to protect it.
    for disposal in ["custody", "community"]:
        page = text(client.get(url, {"team": "C team", "disposal": disposal}))
        assert 'id="filters-withheld"' in page and 'id="progress-summary"' not in page
    # A group every breakdown shows keeps its figures.
    shown = text(client.get(url, {"team": "C team", "disposal": "out_of_court"}))
    assert 'id="filters-withheld"' not in shown
    assert "Figures from 11 submitted cases matching the filters" in shown
    assert "Figures from 20 submitted cases matching the filters" in text(client.get(url, {"team": "C team"}))


def test_drill_down_does_not_list_a_hidden_group(client, manager, inspection, assessors):
    _cohort_with_a_hidden_team(inspection, assessors[0])
    client.force_login(manager)
    url = reverse("cases:dashboard_cases", args=[inspection.pk])
    page = text(client.get(url, {"team": "B team", "area": "roh"}))
    assert 'id="filters-withheld"' in page and "B-out_of_court-0" not in page and "6 cases" not in page
    page = text(client.get(url, {"team": "C team", "disposal": "community"}))
    assert 'id="filters-withheld"' in page and "C-community-0" not in page
    listed = text(client.get(url, {"team": "C team", "disposal": "out_of_court"}))
    assert "11 cases" in listed and "C-out_of_court-0" in listed and 'id="filters-withheld"' not in listed


def test_agreement_and_kappa_on_the_dashboard(client, manager, inspection, assessors):
    first, second = assessors
    # Hand-worked: over 2 cases x 2 questions the markers agree on 3 of 4 pairs: 75%.
    # Pairs (first, second): (yes, yes), (no, yes), (yes, yes), (no, no).
    # po = 3/4; first: yes 2, no 2; second: yes 3, no 1; pe = (2*3 + 2*1) / 16 = 1/2; kappa = 0.5.
    a = scored_case(inspection, first, {"roh-1": "yes", "roh-2": "no"})
    scored_case(inspection, second, {"roh-1": "yes", "roh-2": "yes"}, marking="second", case=a.case)
    b = scored_case(inspection, first, {"roh-1": "yes", "roh-2": "no"})
    scored_case(inspection, second, {"roh-1": "yes", "roh-2": "no"}, marking="second", case=b.case)
    client.force_login(manager)
    page = text(client.get(reverse("cases:inspection_dashboard", args=[inspection.pk])))
    assert 'id="agreement-overall">75%' in page
    assert 'id="kappa-overall">0.50' in page
    by_question = page.split('id="agreement-question"')[1].split("</table>")[0]
    # roh-1: yes/yes twice: 100%, kappa not computable (one category throughout).
    assert "roh-1</th>" in by_question and "100%" in by_question and "Not computable" in by_question
    pair = page.split('id="agreement-pair"')[1].split("</table>")[0]
    assert "(first) and" in pair and "75%" in pair


def test_service_trend_follows_the_chain_with_live_figure_and_movers(client, manager, service, assessors):
    first, _ = assessors
    framework = FrameworkFactory()
    earlier = InspectionFactory(
        service=service,
        framework=framework,
        status="moderation",
        title="Inspection 2015",
        period_end=date(2014, 12, 31),
    )
    scored_case(earlier, first, {"roh-1": "no", "roh-2": "no", "saf-1": "yes"})
    inspection_publish(inspection=earlier, by=manager)
    later = InspectionFactory(
        service=service,
        framework=framework,
        status="scoring",
        title="Mock 2016",
        follows=earlier,
        period_end=date(2015, 12, 31),
    )
    scored_case(later, first, {"roh-1": "yes", "roh-2": "no", "saf-1": "yes"})
    client.force_login(manager)
    page = text(client.get(reverse("cases:service_trends")))
    assert page.index("Inspection 2015") < page.index("Mock 2016")
    trend = page.split('id="trend"')[1].split("</table>")[0]
    assert "0%" in trend and "50%" in trend and "Live" in trend
    movers = page.split('id="movers"')[1].split("</table>")[0]
    assert "roh-1" in movers and "up 100 points" in movers
    assert 'role="img"' in page


def test_benchmark_lowest_highest_average_of_the_inspectors_services(client, service, other_service, assessors):
    first, _ = assessors
    inspector = member(service, Role.INSPECTOR, username="ivy")
    member_of_other = inspector.memberships.create(service=other_service, role=Role.INSPECTOR)
    assert member_of_other
    framework = FrameworkFactory()
    for svc, values in [(service, {"roh-1": "yes", "roh-2": "no"}), (other_service, {"roh-1": "yes", "roh-2": "yes"})]:
        insp = InspectionFactory(service=svc, framework=framework, status="moderation")
        scored_case(insp, member(svc, Role.OFFICER), values)
        inspection_publish(inspection=insp, by=inspector)
    client.force_login(inspector)
    page = text(client.get(reverse("cases:benchmark")))
    summary = page.split('id="benchmark-summary"')[1].split("</table>")[0]
    # roh: 50% and 100%: lowest 50, average 75, highest 100.
    assert re.search(r"Risk of harm to others</th>\s*<td[^>]*>50%</td>\s*<td[^>]*>75%</td>\s*<td[^>]*>100%", summary)
    assert service.name in page and other_service.name in page


# --- speed -----------------------------------------------------------------------------------


def _count_queries(client, url, django_assert_max_num_queries, limit=60):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured, django_assert_max_num_queries(limit):
        assert client.get(url).status_code == 200
    return len(captured)


# The dashboard, filtered dashboard, drill-down and summary export, moderation list and case, and
# judgements pages each take an exact (or the same) number of queries at two sizes:
# tests/cases/oversight/test_dashboard_queries.py, test_page_queries.py and tests/cases/test_judgements.py.


def test_service_trend_and_benchmark_take_the_same_queries_at_any_number_of_inspections(
    client, service, assessors, django_assert_max_num_queries
):
    first, _ = assessors
    inspector = member(service, Role.INSPECTOR, username="ivy")
    framework = FrameworkFactory()
    client.force_login(inspector)

    def add(n, follows=None):
        previous = follows
        for index in range(n):
            insp = InspectionFactory(service=service, framework=framework, status="moderation", follows=previous)
            make_scored_cases(insp, 3, first, start=10 * insp.pk + index)
            if index % 2 == 0:
                inspection_publish(inspection=insp, by=inspector)
            previous = insp
        return previous

    last = add(2)
    counts = [
        _count_queries(client, reverse(name), django_assert_max_num_queries)
        for name in ("cases:service_trends", "cases:benchmark")
    ]
    add(6, follows=last)
    assert [
        _count_queries(client, reverse(name), django_assert_max_num_queries)
        for name in ("cases:service_trends", "cases:benchmark")
    ] == counts


def test_assessment_count_helper_builds_second_markings(service, assessors):
    first, second = assessors
    inspection = InspectionFactory(service=service)
    make_scored_cases(inspection, 10, first, second)
    assert Assessment.objects.filter(case__inspection=inspection, marking="second").count() == 2


def test_progress_counts_the_sampled_cases_assigned_or_not(client, manager, inspection, assessors):
    first, second = assessors
    scored_case(inspection, first, {"roh-1": "yes"}, reference="A-1", in_sample=True)
    scored_case(inspection, first, {"roh-1": "no"}, reference="A-2", in_sample=True)
    scored_case(inspection, first, {"roh-1": "yes"}, reference="A-3", in_sample=False)  # assessed, not sampled
    CaseFactory(inspection=inspection, reference="B-1", in_sample=True)  # sampled, not yet assigned
    CaseFactory(inspection=inspection, reference="B-2", in_sample=False)
    figures = dashboard(inspection)
    assert figures.progress.sampled == 3
    assert figures.progress.assigned == 3  # first markings, sampled or not
    client.force_login(manager)
    page = text(client.get(reverse("cases:inspection_dashboard", args=[inspection.pk])))
    assert '<dt class="govuk-summary-list__key">Sampled</dt><dd class="govuk-summary-list__value">3</dd>' in page


def test_a_filter_value_not_among_the_choices_is_said_and_each_form_keeps_its_own_fields(
    client, manager, inspection, assessors
):
    scored_case(inspection, assessors[0], {"roh-1": "yes"}, team="North team", reference="N-1")
    client.force_login(manager)
    for name in ["cases:inspection_dashboard", "cases:dashboard_cases"]:
        page = text(client.get(reverse(name, args=[inspection.pk]), {"team": "Nowhere team"}))
        assert "Select a valid choice" in page
    # Two filtersets of different inspections: each form's choices are its own inspection's.
    other = InspectionFactory(service=inspection.service, framework=inspection.framework)
    scored_case(other, assessors[0], {"roh-1": "yes"}, team="South team", reference="S-1")
    mine, theirs = (DashboardFilter({"team": "North team"}, queryset=i.cases.all()) for i in (inspection, other))
    assert mine.is_valid() and not theirs.is_valid()
    assert mine.form.fields["team"] is not theirs.form.fields["team"]
    assert [label for _, label in theirs.form.fields["team"].choices] == ["Any", "South team"]


def test_an_areas_cases_are_those_with_an_answer_other_than_na_in_it(inspection, assessors):
    first, _ = assessors
    scored_case(inspection, first, {"roh-1": "yes", "saf-1": "na"}, reference="C-1")
    scored_case(inspection, first, {"roh-1": "na", "roh-2": "no", "saf-1": "yes"}, reference="C-2")
    scored_case(inspection, first, {"roh-1": "na", "saf-1": "na"}, reference="C-3")  # N/A throughout
    for figures in (dashboard(inspection), dashboard(inspection, inspection.cases.all())):
        cases = {line.area.code: line.cases for line in figures.areas}
        assert cases["roh"] == 2 and cases["saf"] == 1
        assert figures.cases_counted == 3


def test_drill_down_without_an_answer_filter_reads_the_stored_tallies_the_answers_give(inspection, assessors):
    """The counting assessment's stored Yes / No / N/A (Assessment.recount's) are what counting its
    answers gives, as the drill-down counts them under any answer filter."""
    first, second = assessors
    scored_case(inspection, first, {"roh-1": "yes", "roh-2": "no", "saf-1": "na"}, reference="C-1")
    moderated = scored_case(inspection, first, {"roh-1": "no", "roh-2": "no"}, reference="C-2").case
    scored_case(inspection, second, {"roh-1": "yes", "roh-2": "yes"}, marking="second", case=moderated)
    scored_case(inspection, first, {"roh-1": "yes", "roh-2": "yes", "saf-1": "yes"}, marking="final", case=moderated)
    CaseFactory(inspection=inspection, reference="C-3")  # not assessed: listed with no tally
    cases = inspection.cases.all()
    every_answer = Q(value__in=["yes", "no", "na"])  # counts the answers themselves
    stored = {line.case.reference: (line.tally, line.counting) for line in drill_down(cases)}
    counted = {line.case.reference: (line.tally, line.counting) for line in drill_down(cases, every_answer)}
    assert stored["C-1"] == counted["C-1"] and stored["C-1"][0] == ratings.Tally(1, 1, 1)
    assert stored["C-2"] == counted["C-2"] and stored["C-2"][0] == ratings.Tally(3, 0, 0)  # the moderated one
    assert stored["C-3"] == (ratings.Tally(), None) and "C-3" not in counted


def test_the_reads_built_once_per_process_give_what_the_orms_own_queries_give(inspection, assessors):
    """The filters' choices and the check for a hidden group, read by queries built once per process
    (given the inspection's id, as the pages do), equal the same reads built for the request."""
    from cases.oversight.dashboard import filters_hide
    from cases.oversight.filters import DrillDownFilter

    _cohort_with_a_hidden_team(inspection, assessors[0])
    scored_case(inspection, assessors[1], {"roh-1": "no"}, team="", ethnicity="White", reference="D-1")
    base = inspection.cases.all()
    some = set(base.filter(team="C team").values_list("pk", flat=True)[:15])
    answers = []
    for query in [{"team": "A team"}, {"team": "B team"}, {"team": "C team"}, {"disposal": "custody"}, {}]:
        for leave_out in (frozenset(), some):
            built, prepared = (
                DrillDownFilter(query, queryset=base, framework=inspection.framework, **given)
                for given in ({}, {"inspection_id": inspection.pk})
            )
            for name in ("team", "ethnicity", "case_manager", "area", "question"):
                assert list(built.form.fields[name].choices) == list(prepared.form.fields[name].choices)
            hides = filters_hide(built, base, leave_out=leave_out)
            assert hides == filters_hide(prepared, base, leave_out=leave_out, inspection_id=inspection.pk)
            answers.append(hides)
    assert True in answers and False in answers  # both answers met
    assert [label for _, label in prepared.form.fields["team"].choices] == [
        "Any",
        "Not recorded",
        "A team",
        "B team",
        "C team",
    ]
