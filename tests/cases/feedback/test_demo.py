"""The demo shows issue 14 done: the officer acknowledges feedback, the manager sees the open concern
and the feedback figures, the concern register exports."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from cases.models import CaseAction, ConcernStatus, Feedback, SafeguardingConcern

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("load_demo")
    return {u.username: u for u in get_user_model().objects.all()}


def test_the_demo_holds_feedback_in_every_state_and_an_open_and_a_closed_concern(demo):
    assert Feedback.objects.filter(acknowledged_at__isnull=True).exists()
    assert Feedback.objects.filter(acknowledged_at__isnull=False).exists()
    assert CaseAction.objects.filter(status="done").exists() and CaseAction.objects.filter(status="open").exists()
    statuses = set(SafeguardingConcern.objects.values_list("status", flat=True))
    assert statuses == {ConcernStatus.RAISED, ConcernStatus.CLOSED}


def test_in_the_demo_the_officer_acknowledges_feedback_and_the_manager_sees_concern_and_figures(client, demo):
    client.force_login(demo["officer"])
    page = client.get(reverse("cases:my_feedback"))
    waiting = [f for f in page.context["feedbacks"] if not f.acknowledged_at]
    assert waiting
    url = reverse("cases:feedback_detail", args=[waiting[0].pk])
    assert client.post(url, {"reply": "Thanks"}).status_code == 302

    client.force_login(demo["manager"])
    home = client.get(reverse("home")).content.decode()
    open_concern = SafeguardingConcern.objects.get(status=ConcernStatus.RAISED)
    assert reverse("cases:concern_detail", args=[open_concern.pk]) in home
    published = Feedback.objects.first().case.inspection
    figures = client.get(reverse("cases:feedback_figures", args=[published.pk]))
    assert figures.context["figures"].total.given >= 5 and not figures.context["figures"].total.suppressed
    assert figures.context["figures"].moved_no_to_yes > 0
    export = client.get(reverse("cases:concern_register_export"))
    assert export.status_code == 200 and export.content.decode().count("\n") == 3  # header and two concerns
