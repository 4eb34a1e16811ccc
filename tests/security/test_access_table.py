"""Every named URL x every role x (own service's object, another service's object, signed out) x method,
against the expected-access table in access_table.py. A URL without an entry fails.

Set ACCESS_TABLE_WRITE=1 to print what is observed for URLs missing from the table (to review, then add).
"""

import os
import pprint
import sys

import pytest

from . import access
from .access_table import ACCESS

ALL_NAMES = access.url_names()
METHODS = ["GET", "POST"]


def test_every_url_has_an_entry_in_the_access_table():
    missing = sorted(set(ALL_NAMES) - set(ACCESS) - set(access.EXCLUDED))
    assert not missing, (
        f"URL names without an entry in tests/security/access_table.py: {', '.join(missing)}. "
        "Add who may GET and POST each (see the module's docstring)."
    )
    stale = sorted(set(ACCESS) - set(ALL_NAMES))
    assert not stale, f"access_table.py has entries for URLs that no longer exist: {', '.join(stale)}"


@pytest.fixture
def world(service, other_service, settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    return access.build_world(other_service, service, settings.PRIVATE_FILES_ROOT)


def observed_for(client, world, name, builder):
    own_url, other_url = access.urls_for(world, name, builder)
    people = world["own"].people
    result = {"objects": builder}
    for method in METHODS:
        row = {role: access.observe(client, method, own_url, people[role]) for role in access.ROLES}
        if other_url is not None:
            others = {access.observe(client, method, other_url, people[role]) for role in access.ROLES}
            row[access.OTHER_SERVICE] = others.pop() if len(others) == 1 else sorted(map(str, others))
        row[access.SIGNED_OUT] = access.observe(client, method, own_url, None)
        result[method] = row
    return result, own_url, other_url


def test_access_matches_the_table(client, world):
    """One world for every URL (each request's changes are rolled back), every difference listed."""
    differences = []
    for name in sorted(set(ACCESS) & set(ALL_NAMES)):
        expected = ACCESS[name]
        observed, own_url, other_url = observed_for(client, world, name, expected["objects"])
        for method in METHODS:
            for who, status in expected[method].items():
                if observed[method].get(who) != status:
                    differences.append(
                        f"{name}: {method} {own_url} as {who}: expected {status}, got {observed[method].get(who)}"
                    )
        # Other methods never succeed, for anyone.
        for method in access.NEVER_ALLOWED:
            for user in [world["own"].people["manager"], world["own"].people["lead"], None]:
                status = access.observe(client, method, own_url, user)
                if status not in (405, 403, 404, access.LOGIN):
                    differences.append(f"{name}: {method} {own_url} answered {status}")
    assert not differences, "\n".join(differences)


@pytest.mark.skipif(not os.environ.get("ACCESS_TABLE_WRITE"), reason="only to draft entries for new URLs")
def test_print_entries_for_urls_missing_from_the_table(client, world):
    drafted = {}
    for name in sorted(set(ALL_NAMES) - set(ACCESS) - set(access.EXCLUDED)):
        builder = access.guess_builder(ALL_NAMES[name])
        drafted[name], _, _ = observed_for(client, world, name, builder)
    sys.stdout.write(pprint.pformat(drafted, sort_dicts=False, width=118) + "\n")
