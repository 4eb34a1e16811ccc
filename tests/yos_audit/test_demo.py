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
    response = client.post(reverse("login"), {"username": "manager", "password": "chosen-demo-password"})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
