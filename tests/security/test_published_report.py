"""The attack: add, rewrite and delete the findings and recommendations of a published inspection, leaving
no trace. Once published they are read-only (a correction is an amendment with a reason, on record), and
every change before publication is on record too."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from inspections.models import Finding, Recommendation
from inspections.services import report_item_save
from tests.factories import InspectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(service):
    inspection = InspectionFactory(service=service, status="published")
    Finding.objects.create(inspection=inspection, text="Planning was weak", order=1)
    Recommendation.objects.create(inspection=inspection, text="Improve planning", order=1)
    return inspection


def url(name, inspection, item=None):
    args = [inspection.pk] + ([item.pk] if item else [])
    return reverse(f"inspections:{name}", args=args)


@pytest.mark.parametrize("kind, model", [("finding", Finding), ("recommendation", Recommendation)])
def test_a_published_report_cannot_gain_lose_or_silently_change_items(client, manager, published, kind, model):
    item = model.objects.get(inspection=published)
    client.force_login(manager)
    assert client.post(url(f"{kind}_add", published), {"text": "Sneaked in", "order": 2}).status_code == 403
    assert client.post(url(f"{kind}_delete", published, item)).status_code == 403
    response = client.post(url(f"{kind}_edit", published, item), {"text": "Rewritten", "order": 1})
    assert response.status_code == 200
    assert "Give the reason for the amendment" in response.content.decode()
    item.refresh_from_db()
    assert item.text.startswith(("Planning", "Improve")) and model.objects.filter(inspection=published).count() == 1


def test_an_amendment_with_a_reason_is_kept_on_record(client, manager, published):
    finding = Finding.objects.get(inspection=published)
    client.force_login(manager)
    page = client.get(url("finding_edit", published, finding)).content.decode()
    assert "Reason for the amendment" in page
    response = client.post(
        url("finding_edit", published, finding),
        {"text": "Planning was weak in most cases", "order": 1, "reason": "Typing error in the published text"},
    )
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.text == "Planning was weak in most cases"
    latest = finding.history.first()
    assert latest.history_user == manager
    assert latest.history_change_reason == "Amended after publication: Typing error in the published text"
    page = client.get(url("inspection_detail", published)).content.decode()
    record = page.split('id="report-record"')[1]
    assert "Finding amended" in record and "Typing error in the published text" in record
    assert "Planning was weak</td>" in record  # the text before


def test_every_route_below_the_page_refuses_too(manager, published):
    finding = Finding.objects.get(inspection=published)
    finding.text = "Changed in the shell"
    with pytest.raises(ValidationError):
        finding.save()
    with pytest.raises(ValidationError):
        finding.delete()
    with pytest.raises(ValidationError, match="cannot gain"):
        report_item_save(item=Finding(inspection=published, text="New"), by=manager)
    with pytest.raises(ValidationError, match="reason"):
        report_item_save(item=finding, by=manager, reason=" ")
    assert Finding.objects.get(pk=finding.pk).text == "Planning was weak"


def test_changes_before_publication_are_on_record_with_who(client, manager, service):
    inspection = InspectionFactory(service=service, status="moderation")
    client.force_login(manager)
    client.post(url("recommendation_add", inspection), {"text": "Involve partners", "order": 1})
    recommendation = Recommendation.objects.get(inspection=inspection)
    client.post(url("recommendation_edit", inspection, recommendation), {"text": "Involve health partners", "order": 1})
    client.post(url("recommendation_delete", inspection, recommendation))
    assert not Recommendation.objects.filter(inspection=inspection).exists()
    history = list(Recommendation.history.filter(id=recommendation.pk).order_by("history_date"))
    assert [h.history_type for h in history] == ["+", "~", "-"]
    assert {h.history_user for h in history} == {manager}
    record = client.get(url("inspection_detail", inspection)).content.decode().split('id="report-record"')[1]
    assert "Recommendation added" in record and "Recommendation changed" in record
    assert "Recommendation removed" in record and "Involve health partners" in record
