"""The cross-service benchmark: its services table (written in Python, cases/oversight/
benchmark_table.py) and its fixed number of queries at any number of services."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.services import inspection_publish
from inspections.models import Role
from tests.factories import (
    AssessmentFactory,
    CaseFactory,
    FrameworkFactory,
    InspectionFactory,
    ServiceFactory,
    make_answers,
    member,
)

pytestmark = pytest.mark.django_db

# The session, the person with their memberships (and so their services), the latest published
# inspection of each of those services with its judgements.
BENCHMARK_QUERIES = 3


def _published(service, framework, inspector, values, **fields):
    inspection = InspectionFactory(service=service, framework=framework, status="moderation", **fields)
    officer = member(service, Role.OFFICER)
    make_answers(AssessmentFactory(case=CaseFactory(inspection=inspection), assessor=officer), values)
    inspection_publish(inspection=inspection, by=inspector)
    return inspection


def _queries(client):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("cases:benchmark"))
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_the_benchmark_takes_the_same_queries_at_any_number_of_services(client, service):
    inspector = member(service, Role.INSPECTOR, username="ivy")
    framework = FrameworkFactory()
    _published(service, framework, inspector, {"roh-1": "yes", "roh-2": "no"})
    client.force_login(inspector)
    few, _ = _queries(client)
    for index in range(6):
        other = ServiceFactory(name=f"Service {index}", slug=f"service-{index}")
        inspector.memberships.create(service=other, role=Role.INSPECTOR)
        if index % 2:
            _published(other, framework, inspector, {"roh-1": "yes", "roh-2": "yes"})
    many, page = _queries(client)
    assert few == many == BENCHMARK_QUERIES
    assert page.count('<a class="govuk-link" href="/service/trends/?service=') == 7


def test_each_service_row_escapes_its_texts_and_says_none_yet(client, service, other_service):
    inspector = member(service, Role.INSPECTOR, username="ivy")
    inspector.memberships.create(service=other_service, role=Role.INSPECTOR)
    service.name = "Northshire <b>&</b> Youth Justice Service"
    service.save()
    _published(
        service,
        FrameworkFactory(),
        inspector,
        {"roh-1": "yes", "roh-2": "no"},
        title='Audit "<2016>"',
        period_end=date(2016, 3, 31),
    )
    client.force_login(inspector)
    page = client.get(reverse("cases:benchmark")).content.decode()
    table = page.split('id="benchmark-services"')[1].split("</table>")[0]
    rows = table.split('<tr class="govuk-table__row">')[2:]
    assert len(rows) == 2
    eastbridge, northshire = rows  # by name
    assert f'href="/service/trends/?service={other_service.pk}">Eastbridge Youth Offending Service</a>' in eastbridge
    assert '<td class="govuk-table__cell">None yet</td>' in eastbridge
    assert eastbridge.count(">None</td>") == 2  # one per area
    assert "Northshire &lt;b&gt;&amp;&lt;/b&gt; Youth Justice Service</a>" in northshire
    assert "<b>" not in table
    assert "Audit &quot;&lt;2016&gt;&quot; (" in northshire
    assert northshire.count(">50%</td>") == 1
