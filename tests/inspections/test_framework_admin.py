"""A framework in use cannot be changed through the admin either: areas, questions and bands."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import FrameworkFactory, InspectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(get_user_model().objects.create_superuser("root", "root@example.invalid", "x" * 20))
    return client


def test_areas_questions_and_bands_of_a_framework_in_use_are_frozen(admin_client, service):
    framework = InspectionFactory(service=service).framework
    area = framework.areas.first()
    question = framework.questions.first()
    assert admin_client.get(reverse("admin:inspections_question_add")).status_code == 403
    assert admin_client.get(reverse("admin:inspections_area_add")).status_code == 403
    for name, obj in [("question", question), ("area", area)]:
        assert (
            admin_client.post(reverse(f"admin:inspections_{name}_delete", args=[obj.pk]), {"post": "yes"}).status_code
            == 403
        )
        assert (
            admin_client.post(reverse(f"admin:inspections_{name}_change", args=[obj.pk]), {"text": "x"}).status_code
            == 403
        )
    page = admin_client.get(reverse("admin:inspections_framework_change", args=[framework.pk])).content.decode()
    assert 'name="bands-MAX_NUM_FORMS" value="0"' in page and 'name="bands-0-DELETE"' not in page
    assert admin_client.post(reverse("admin:inspections_framework_change", args=[framework.pk]), {}).status_code == 403
    framework.refresh_from_db()
    assert framework.areas.filter(pk=area.pk).exists() and framework.questions.filter(pk=question.pk).exists()


def test_a_framework_nobody_uses_can_still_lose_a_question(admin_client):
    framework = FrameworkFactory()
    question = framework.questions.first()
    response = admin_client.post(reverse("admin:inspections_question_delete", args=[question.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not framework.questions.filter(pk=question.pk).exists()
