"""Model objects from a read the ORM builds once (inspections/prepared_objects.py): the same objects,
related objects and annotations as the ORM's own query, for any values, in one statement."""

import datetime

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from inspections.models import Inspection
from inspections.prepared_objects import PreparedObjects
from tests.factories import InspectionFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def _of_services(service_ids):
    return (
        Inspection.objects.filter(service_id__in=service_ids)
        .select_related("service")
        .only("title", "published_on", "service__name")
        .annotate(follow_ups=Count("followed_by"))
        .order_by("pk")
    )


def _fields(inspection):
    return (
        inspection.pk,
        inspection.title,
        inspection.published_on,
        inspection.service_id,
        inspection.service.name,
        inspection.follow_ups,
    )


def test_the_objects_are_the_orms_with_their_related_objects_and_annotations(service, other_service):
    third = ServiceFactory(name="Westmoor Youth Justice Service", slug="westmoor")
    first = InspectionFactory(service=service, title="First", published_on=datetime.date(2026, 1, 2))
    InspectionFactory(service=service, title="Follow-up", follows=first)
    InspectionFactory(service=other_service, title="Other's")
    InspectionFactory(service=third, title="Third's")
    read = PreparedObjects(Inspection, _of_services)
    for ids in ([service.pk], [service.pk, other_service.pk], [third.pk, other_service.pk]):
        expected = [_fields(i) for i in _of_services(ids)]
        with CaptureQueriesContext(connection) as queries:
            found = [_fields(i) for i in read.objects(ids)]
        assert found == expected and len(queries) == 1  # the service read with them, no query more
    assert [_fields(i) for i in read.objects([service.pk])][0][5] == 1  # the first is followed once
    objects = read.objects([service.pk])
    assert all(isinstance(i, Inspection) and i.get_deferred_fields() for i in objects)  # `only` kept
    assert read.first([other_service.pk]).title == "Other's"


def test_no_value_no_object_and_no_query():
    read = PreparedObjects(Inspection, _of_services)
    with CaptureQueriesContext(connection) as queries:
        assert read.objects([]) == [] and read.first([]) is None
    assert len(queries) == 0


def _with_related(pk, service_ids):
    return Inspection.objects.select_related("service", "framework", "follows").filter(
        pk=pk, service_id__in=service_ids
    )


def test_the_objects_are_the_orms_with_their_related_objects(service, other_service):
    first = InspectionFactory(service=service, title="First", published_on=datetime.date(2026, 1, 2))
    second = InspectionFactory(service=service, title="Second", follows=first)
    elsewhere = InspectionFactory(service=other_service, title="Elsewhere")
    read = PreparedObjects(Inspection, _with_related)
    for pk, ids in (
        (second.pk, [service.pk]),
        (first.pk, [other_service.pk, service.pk]),
        (elsewhere.pk, [other_service.pk]),
    ):
        (made,) = read.objects(pk, ids)
        (orm,) = _with_related(pk, ids)
        assert made == orm and made.__dict__.keys() == orm.__dict__.keys()
        assert {f.attname: getattr(made, f.attname) for f in Inspection._meta.concrete_fields} == {
            f.attname: getattr(orm, f.attname) for f in Inspection._meta.concrete_fields
        }
        assert not made._state.adding and made._state.db == orm._state.db
        with CaptureQueriesContext(connection) as queries:  # read with it, as select_related reads them
            assert (made.service.name, made.framework.pk) == (orm.service.name, orm.framework.pk)
            assert (made.follows.title if made.follows else None) == (orm.follows.title if orm.follows else None)
        assert len(queries) == 0
    assert isinstance(read.objects(first.pk, [service.pk])[0].published_on, datetime.date)  # converted (SQLite too)
    assert read.objects(elsewhere.pk, [service.pk]) == []  # outside these services
    assert read.objects(first.pk, []) == []  # no service: nothing, and no query
