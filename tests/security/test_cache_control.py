"""A shared computer's browser keeps no page of case data: every page sent to someone signed in says
`Cache-Control: no-store, private` (yos_audit.middleware.PrivatePagesMiddleware), downloads included."""

import pytest
from django.urls import reverse
from django.utils.cache import get_max_age

from . import access
from .access_table import ACCESS


def directives(response):
    return {part.strip().split("=")[0].lower() for part in response.get("Cache-Control", "").split(",") if part}


@pytest.fixture
def world(service, other_service, settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    return access.build_world(other_service, service, settings.PRIVATE_FILES_ROOT)


@pytest.mark.django_db
def test_every_page_a_signed_in_person_reads_is_not_stored(client, world):
    """The attack: read a page as each role, then look in the browser's cache. Every URL of the access
    table that answers 200 to a role must forbid storing it."""
    missing = []
    checked = 0
    for name, expected in sorted(ACCESS.items()):
        if name not in access.url_names():
            continue
        own_url, _ = access.urls_for(world, name, expected["objects"])
        for role in access.ROLES:
            if expected["GET"].get(role) != 200:
                continue
            client.force_login(world["own"].people[role])
            response = client.get(own_url)
            checked += 1
            if response.status_code == 200 and not {"no-store", "private"} <= directives(response):
                missing.append(f"{name} as {role}: {response.get('Cache-Control')!r}")
    assert checked > 100
    assert not missing, "\n".join(missing)


@pytest.mark.django_db
def test_downloads_keep_no_store(client, world):
    manager = world["own"].people["manager"]
    client.force_login(manager)
    inspection = world["own"].objects["inspection"]
    export = client.get(reverse("cases:inspection_export", args=[inspection.pk, "summary", "csv"]))
    evidence = client.get(reverse("improvement:evidence_download", args=[world["own"].objects["evidence"].pk]))
    for response in (export, evidence):
        assert response.status_code == 200
        assert {"no-store", "private"} <= directives(response)
        assert not get_max_age(response)


@pytest.mark.django_db
def test_public_pages_signed_out_are_left_alone(client):
    response = client.get(reverse("accessibility"))
    assert "no-store" not in directives(response)
