"""The moderation list, a moderation case and the service's trend: exactly the same number of
queries with few or many cases and inspections (a change that adds one fails here)."""

import pytest
from django.db import DEFAULT_DB_ALIAS, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.figures_version import triggers_in_place
from cases.services import inspection_publish
from inspections.models import Role
from tests.factories import FrameworkFactory, InspectionFactory, make_scored_cases, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessors(service):
    return member(service, Role.OFFICER, username="first1"), member(service, Role.OFFICER, username="second1")


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("cases", [10, 200])
def test_the_moderation_list_and_a_moderation_case_take_the_same_queries_at_any_size(
    client, manager, service, assessors, cases
):
    first, second = assessors
    inspection = InspectionFactory(service=service, framework=FrameworkFactory(structure=6), status="moderation")
    make_scored_cases(inspection, cases, first, second)
    case = inspection.cases.filter(assessments__marking="second").order_by("pk").first()
    client.force_login(manager)
    # The session, the person with their memberships, the inspection; then the list: the markings with
    # their case's reference and assessor, each ready case's questions compared and agreed (counted by
    # the database from both markings' answers).
    assert _queries(client, reverse("cases:moderation_list", args=[inspection.pk])) == 5
    # The case, its markings with their assessors (also who marked it, for the permission to moderate),
    # their answers, the questions (those of the inspection's programme audit, if any: read with the
    # inspection).
    assert _queries(client, reverse("cases:moderation_case", args=[inspection.pk, case.pk])) == 7


@pytest.mark.parametrize("inspections", [2, 6])
def test_the_service_trend_takes_the_same_queries_with_more_inspections(
    client, manager, service, assessors, inspections
):
    first, _ = assessors
    framework = FrameworkFactory()
    previous = None
    for index in range(inspections):
        previous = InspectionFactory(service=service, framework=framework, status="moderation", follows=previous)
        make_scored_cases(previous, 3, first, start=10 * index)
        if index % 2 == 0:
            inspection_publish(inspection=previous, by=manager)
    client.force_login(manager)
    triggers_in_place(DEFAULT_DB_ALIAS)  # asked once per process: not a query of any page's
    url = reverse("cases:service_trends")
    # The session and the person with their memberships; the inspections with their frameworks; the
    # cases the reader marks blind in the live inspections; the figures' versions of the inspections
    # (cases/figures_version.py); then, read first, the frameworks' bands, and their areas with their
    # questions; the published judgements and question scores; the live answers tallied, less the
    # blind cases. Read again, nothing changed: the markup below the heading kept.
    assert [_queries(client, url), _queries(client, url)] == [10, 5]
