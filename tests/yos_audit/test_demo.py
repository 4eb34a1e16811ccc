"""`load_demo`: refuses without DEBUG, and running it twice leaves the same data."""

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db


def snapshot():
    """Row counts of every model of the project's own apps, and of users."""
    counted = {}
    for label in ["auth", "inspections", "cases", "improvement"]:
        for model in apps.get_app_config(label).get_models():
            counted[model._meta.label] = model.objects.count()
    return counted


def test_load_demo_refuses_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=1"):
        call_command("load_demo")
    assert snapshot()["auth.User"] == 0


def test_load_demo_twice_leaves_the_same_data(settings, capsys):
    settings.DEBUG = True
    call_command("load_demo")
    first = snapshot()
    printed = capsys.readouterr().out
    call_command("load_demo")
    assert snapshot() == first
    assert first["inspections.Service"] == 2
    for username in ["officer", "manager", "board", "inspector", "officer2", "manager2", "board2", "inspector2"]:
        assert username in printed


def test_demo_accounts_sign_in_with_the_printed_password(settings, client, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", "chosen-demo-password")
    call_command("load_demo")
    response = client.post(reverse("account_login"), {"login": "manager", "password": "chosen-demo-password"})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_the_2018_demo_inspection_judges_domain_1_once_and_shows_the_overall_rating(settings, client):
    from django.contrib.auth import get_user_model

    from cases.models import Answer
    from inspections.models import Inspection

    settings.DEBUG = True
    call_command("load_demo")
    inspection = Inspection.objects.get(framework__code="hmip2018")
    assert set(inspection.judgements.exclude(judged_band_label="").values_list("area__code", flat=True)) == {
        "s1-1",
        "s1-2",
        "s1-3",
        "s1-4",
    }
    assert not Answer.objects.filter(assessment__case__inspection=inspection, question__area__judged_once=True).exists()
    # Looked-after and high-risk cases are asked their own questions; the others are not.
    answered = Answer.objects.filter(assessment__case__inspection=inspection)
    for code, facts in [("s2-1-a5", {"looked_after": True}), ("s2-2-p4", {"rosh": "high"})]:
        asked = set(answered.filter(question__code=code).values_list("assessment__case__reference", flat=True))
        having = inspection.cases.filter(disposal="community", **facts).values_list("reference", flat=True)
        assert asked and asked == set(having), code
    assert answered.filter(question__code="s3-1-a4").exists()  # an out-of-court case that is looked after
    client.force_login(get_user_model().objects.get(username="inspector2"))
    page = client.get(reverse("cases:judgements", args=[inspection.pk])).content.decode()
    assert "Judged once for the inspection from evidence" in page
    assert "points out of 36: <strong>" in page  # the overall rating
