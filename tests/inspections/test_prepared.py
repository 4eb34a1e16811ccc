"""A read the ORM builds once and runs with each request's values (inspections/prepared.py): the same
rows as the ORM's own query, for any values and any number of them, converted as the ORM converts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inspections.models import Inspection
from inspections.prepared import PreparedRead
from tests.factories import InspectionFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def _of_services(service_ids, least_id):
    return (
        Inspection.objects.filter(service_id__in=service_ids, pk__gte=least_id)
        .order_by("pk")
        .values_list("pk", "service_id", "title", "published_on", "status")
    )


def test_the_rows_are_the_orms_for_each_set_of_values(service, other_service):
    third = ServiceFactory(name="Westmoor Youth Justice Service", slug="westmoor")
    made = [
        InspectionFactory(service=s, title=f"Inspection {i}", published_on=datetime.date(2026, 1, 1 + i))
        for i, s in enumerate([service, other_service, third, service])
    ]
    read = PreparedRead(Inspection, _of_services)
    for ids, least in (
        ([service.pk], 0),
        ([service.pk, other_service.pk], made[1].pk),
        ([third.pk, service.pk, other_service.pk], 0),
        ([other_service.pk, third.pk], made[2].pk),
        ([service.pk], made[3].pk),
    ):
        rows = read.rows(ids, least)
        assert rows == list(_of_services(ids, least))
        assert rows and all(isinstance(row[3], datetime.date) for row in rows)  # converted (SQLite too)
    assert read.rows([], 0) == []  # no service: no row, and no query


def test_one_statement_a_read():
    read = PreparedRead(Inspection, _of_services)
    read.rows([1, 2], 0)
    with CaptureQueriesContext(connection) as queries:
        read.rows([3, 4], 5)
        read.rows([], 0)
    assert len(queries) == 1


def test_a_value_the_query_leaves_out_is_refused():
    read = PreparedRead(Inspection, lambda ids, unused: Inspection.objects.filter(service_id__in=ids).values_list("pk"))
    with pytest.raises(ValueError):
        read.rows([1], 2)


def test_a_page_of_the_rows_is_the_orms_slice(service, other_service):
    for i in range(7):
        InspectionFactory(service=service if i % 2 else other_service, title=f"Inspection {i}")
    read = PreparedRead(Inspection, _of_services)
    ids = [service.pk, other_service.pk]
    for offset in range(0, 9):
        for limit in (1, 3, 25):
            assert read.rows(ids, 0, limit=limit, offset=offset) == list(_of_services(ids, 0)[offset : offset + limit])
    assert read.rows(ids, 0) == list(_of_services(ids, 0))  # the same read, unpaged
    with CaptureQueriesContext(connection) as queries:
        read.rows(ids, 0, limit=3, offset=6)
        read.rows([other_service.pk, service.pk], 0, limit=2, offset=0)
    assert len(queries) == 2  # a statement each, each page's numbers its parameters


def test_a_paged_read_of_a_sliced_query_is_refused():
    read = PreparedRead(Inspection, lambda ids: Inspection.objects.filter(service_id__in=ids).values_list("pk")[:5])
    with pytest.raises(ValueError):
        read.rows([1], limit=2)
