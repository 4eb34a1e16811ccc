"""The attack: change the framework of an inspection that has started scoring (or is published), by the
edit form, the service, the admin or a plain save. Published judgements and saved answers would vanish
from the pages. Every route must leave the framework (and the service) as they were."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.judgements import inspection_judgements
from cases.models import Answer
from inspections.models import Inspection, Judgement
from inspections.services import inspection_update
from tests.factories import AssessmentFactory, CaseFactory, FrameworkFactory, InspectionFactory

pytestmark = pytest.mark.django_db


def edit_form(inspection, framework):
    return {
        "title": "Renamed",
        "kind": inspection.kind,
        "framework": framework.pk,
        "period_start": "2015-01-01",
        "period_end": "2015-12-31",
    }


@pytest.fixture
def published(client, manager, service):
    """A published inspection with one scored case and its stored judgements."""
    inspection = InspectionFactory(service=service, status="moderation")
    assessment = AssessmentFactory(case=CaseFactory(inspection=inspection), status="submitted")
    question = inspection.framework.questions.get(code="roh-1")
    Answer.objects.create(assessment=assessment, question=question, value="yes")
    client.force_login(manager)
    client.post(reverse("cases:judgements", args=[inspection.pk]), {"action": "publish", "confirmed": "yes"})
    inspection.refresh_from_db()
    assert inspection.status == "published" and Judgement.objects.filter(inspection=inspection).exists()
    return inspection


@pytest.mark.parametrize("status", ["scoring", "moderation", "published"])
def test_the_edit_form_cannot_change_the_framework_once_scoring_has_started(client, manager, service, status):
    inspection = InspectionFactory(service=service, status=status)
    original = inspection.framework
    other = FrameworkFactory()
    client.force_login(manager)
    page = client.get(reverse("inspections:inspection_edit", args=[inspection.pk])).content.decode()
    assert "The framework cannot change once scoring has started" in page
    client.post(reverse("inspections:inspection_edit", args=[inspection.pk]), edit_form(inspection, other))
    inspection.refresh_from_db()
    assert inspection.framework == original
    assert inspection.title == "Renamed"  # the other fields still change


def test_a_published_inspection_keeps_its_judgements_and_answers(client, published):
    before = inspection_judgements(published).areas[0].score
    client.post(reverse("inspections:inspection_edit", args=[published.pk]), edit_form(published, FrameworkFactory()))
    published.refresh_from_db()
    assert inspection_judgements(published).areas[0].score == before == 100
    page = client.get(reverse("cases:judgements", args=[published.pk])).content.decode()
    assert "100%" in page


def test_the_framework_still_changes_before_scoring(client, manager, service):
    inspection = InspectionFactory(service=service, status="sampling")
    other = FrameworkFactory()
    client.force_login(manager)
    client.post(reverse("inspections:inspection_edit", args=[inspection.pk]), edit_form(inspection, other))
    inspection.refresh_from_db()
    assert inspection.framework == other


def test_the_service_compares_with_what_is_stored(manager, service):
    """The form used to write the new framework onto the instance before the service compared them."""
    inspection = InspectionFactory(service=service, status="scoring")
    original = inspection.framework
    inspection.framework = FrameworkFactory()  # what a bound ModelForm does before the service runs
    with pytest.raises(ValidationError, match="framework cannot change"):
        inspection_update(inspection=inspection, changed_by=manager, framework=inspection.framework)
    assert Inspection.objects.get(pk=inspection.pk).framework == original


def test_a_plain_save_a_command_or_the_shell_cannot_change_it(service, other_service):
    inspection = InspectionFactory(service=service, status="scoring")
    inspection.framework = FrameworkFactory()
    with pytest.raises(ValidationError, match="framework cannot change"):
        inspection.save()
    inspection = Inspection.objects.get(pk=inspection.pk)
    inspection.service = other_service
    with pytest.raises(ValidationError, match="service cannot change"):
        inspection.save()
    inspection = Inspection.objects.get(pk=inspection.pk)
    inspection.status = "planned"  # going back first, then changing, is refused too
    with pytest.raises(ValidationError, match="cannot go back"):
        inspection.save()


def test_the_admin_cannot_change_it(client, service):
    staff = get_user_model().objects.create_superuser("root", "root@example.org", "a-long-password-2026")
    inspection = InspectionFactory(service=service, status="published")
    original = inspection.framework
    other = FrameworkFactory()
    client.force_login(staff)
    url = reverse("admin:inspections_inspection_change", args=[inspection.pk])
    page = client.get(url).content.decode()
    assert 'name="framework"' not in page
    client.post(
        url,
        {
            "service": service.pk,
            "framework": other.pk,
            "kind": inspection.kind,
            "title": "Admin edit",
            "status": "planned",
        },
    )
    inspection.refresh_from_db()
    assert inspection.framework == original and inspection.status == "published"
