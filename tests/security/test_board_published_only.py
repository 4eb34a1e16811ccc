"""The attack: a board member reads the figures of an inspection still being scored (judgements page,
trends, the inspection page's draft findings). Board members read published figures only, everywhere."""

import re
from datetime import date

import pytest
from django.urls import reverse

from cases.services import inspection_publish
from inspections.models import Finding, Recommendation, Role
from tests.factories import AssessmentFactory, CaseFactory, FrameworkFactory, InspectionFactory, make_answers, member

pytestmark = pytest.mark.django_db


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def inspections(service, manager):
    officer = member(service, Role.OFFICER, username="marker1")
    framework = FrameworkFactory()
    earlier = InspectionFactory(
        service=service,
        framework=framework,
        status="moderation",
        title="Inspection 2015",
        period_end=date(2014, 12, 31),
    )
    make_answers(
        AssessmentFactory(case=CaseFactory(inspection=earlier), assessor=officer), {"roh-1": "no", "saf-1": "yes"}
    )
    inspection_publish(inspection=earlier, by=manager)
    live = InspectionFactory(
        service=service,
        framework=framework,
        status="scoring",
        title="Mock 2016",
        follows=earlier,
        period_end=date(2015, 12, 31),
    )
    make_answers(
        AssessmentFactory(case=CaseFactory(inspection=live), assessor=officer), {"roh-1": "yes", "saf-1": "yes"}
    )
    Finding.objects.create(inspection=live, text="Draft finding about planning")
    Recommendation.objects.create(inspection=live, text="Draft recommendation about oversight")
    earlier.refresh_from_db()
    return earlier, live


def test_a_board_member_cannot_read_judgements_being_scored(client, board_member, inspections):
    earlier, live = inspections
    client.force_login(board_member)
    assert client.get(reverse("cases:judgements", args=[live.pk])).status_code == 403
    assert client.get(reverse("cases:judgements", args=[earlier.pk])).status_code == 200


def test_a_board_member_reads_only_published_figures_in_trends(client, board_member, manager, inspections):
    client.force_login(board_member)
    page = text(client.get(reverse("cases:service_trends")))
    trend = page.split('id="trend"')[1].split("</table>")[0]
    assert "Inspection 2015" in trend
    assert "Mock 2016" not in page and "Live" not in trend
    client.force_login(manager)  # who runs inspections still sees the live figure
    trend = text(client.get(reverse("cases:service_trends"))).split('id="trend"')[1].split("</table>")[0]
    assert "Mock 2016" in trend and "Live" in trend


def test_a_board_member_does_not_read_the_draft_report(client, board_member, officer, inspections):
    earlier, live = inspections
    client.force_login(board_member)
    page = text(client.get(reverse("inspections:inspection_detail", args=[live.pk])))
    assert "Draft finding" not in page and "Draft recommendation" not in page
    assert reverse("cases:judgements", args=[live.pk]) not in page
    assert "shown here once the inspection is published" in page
    page = text(client.get(reverse("inspections:inspection_detail", args=[earlier.pk])))
    assert reverse("cases:judgements", args=[earlier.pk]) in page
    client.force_login(officer)  # the service's officers still read the draft
    assert "Draft finding" in text(client.get(reverse("inspections:inspection_detail", args=[live.pk])))


def test_the_board_home_lists_published_inspections_only(client, board_member, inspections):
    client.force_login(board_member)
    page = text(client.get(reverse("home")))
    assert "Inspection 2015" in page and "Mock 2016" not in page
