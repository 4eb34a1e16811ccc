"""One helper scopes querysets to the person's services; outside them is 404."""

import pytest
from django.http import Http404

from inspections.models import Inspection
from inspections.scoping import get_in_my_services_or_404, in_my_services, my_services
from tests.factories import InspectionFactory

pytestmark = pytest.mark.django_db


def test_a_member_sees_only_their_services_objects(officer, service, other_service):
    own = InspectionFactory(service=service)
    InspectionFactory(service=other_service)
    assert list(in_my_services(Inspection.objects.all(), officer)) == [own]
    assert list(my_services(officer)) == [service]


def test_another_services_object_is_404_for_a_member(officer, other_service):
    theirs = InspectionFactory(service=other_service)
    with pytest.raises(Http404):
        get_in_my_services_or_404(Inspection.objects.all(), officer, pk=theirs.pk)


def test_someone_in_no_service_sees_nothing(outsider, service):
    InspectionFactory(service=service)
    assert not in_my_services(Inspection.objects.all(), outsider).exists()


def test_signed_out_sees_nothing(service):
    from django.contrib.auth.models import AnonymousUser

    InspectionFactory(service=service)
    assert not in_my_services(Inspection.objects.all(), AnonymousUser()).exists()


def test_memberships_are_unique_per_person_and_service(officer, service):
    from django.db import IntegrityError

    from inspections.models import Membership

    with pytest.raises(IntegrityError):
        Membership.objects.create(user=officer, service=service, role="manager")
