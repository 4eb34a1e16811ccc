"""Faults: the database out of reach gives a clear 503 page, and the app serves again by itself.

These run the real app under gunicorn with production settings and the project's gunicorn.conf.py,
because Django's test client switches off the per-request connection checks being tested.
"""

import json

import psycopg2
import pytest
from django.db import connection

from .server import get, gunicorn

# Nothing listens on port 1: connecting is refused at once, like a database that is down.
UNREACHABLE = "postgres://postgres@127.0.0.1:1/yos_audit_nowhere"

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL: set DATABASE_URL to a PostgreSQL database"
)


def test_while_the_database_cannot_be_reached_pages_say_so_with_a_503():
    with gunicorn(UNREACHABLE) as base:
        status, headers, body = get(base + "/healthz")
        assert status == 503
        assert json.loads(body) == {"status": "unavailable", "database": "unreachable"}

        # A signed-in visitor's request needs the database for its session.
        status, headers, body = get(base + "/inspections/", headers={"Cookie": "sessionid=" + "a" * 32})
        assert status == 503
        assert headers["Retry-After"] == "30"
        assert "Sorry, the service is unavailable" in body
        assert "What you saved before this page is safe" in body
        for leak in ["Traceback", "OperationalError", "127.0.0.1:1", "psycopg2"]:
            assert leak not in body

        # Pages that need no database still work.
        status, _, body = get(base + "/accessibility/")
        assert status == 200


def test_gunicorn_does_not_say_what_or_which_version_it_is():
    with gunicorn(UNREACHABLE) as base:
        _, headers, _ = get(base + "/accessibility/")
    assert headers["Server"] == "YOS Audit"
    assert "gunicorn" not in str(headers).lower()


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_after_the_database_drops_its_connections_the_app_serves_again_without_a_restart():
    """pg_terminate_backend does to the app's connection what a PostgreSQL restart does."""
    settings_dict = connection.settings_dict
    url = (
        f"postgres://{settings_dict['USER']}@{settings_dict['HOST'] or '127.0.0.1'}:{settings_dict['PORT'] or 5432}/"
        f"{settings_dict['NAME']}?application_name=yos_audit_fault_test"
    )
    with gunicorn(url, CONN_MAX_AGE="600") as base:
        assert get(base + "/healthz")[0] == 200  # opens the connection the app keeps

        admin = psycopg2.connect(
            host=settings_dict["HOST"] or "127.0.0.1",
            port=settings_dict["PORT"] or 5432,
            user=settings_dict["USER"],
            dbname="postgres",
        )
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
                ["yos_audit_fault_test"],
            )
            terminated = cursor.fetchall()
        admin.close()
        assert terminated == [(True,)]

        # The kept connection is dead; the health check before use notices and reconnects.
        for _ in range(3):
            status, _, body = get(base + "/healthz")
            assert status == 200, body
