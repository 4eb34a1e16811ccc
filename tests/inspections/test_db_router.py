"""The read-replica router: reads of a marked page go to the replica, writes and other pages to the primary."""

import pytest
from django.contrib.auth import get_user_model

from inspections import db_router
from inspections.db_router import ReadReplicaRouter, read_only_page

router = ReadReplicaRouter()
User = get_user_model()


@pytest.fixture
def with_replica(monkeypatch):
    monkeypatch.setattr(db_router, "replica_configured", lambda: True)


def test_a_read_only_page_reads_from_the_replica_and_writes_to_the_primary(with_replica):
    seen = {}

    @read_only_page
    def page(request):
        seen["read"] = router.db_for_read(User)
        seen["write"] = router.db_for_write(User)
        return "page"

    assert page(None) == "page"
    assert seen == {"read": "replica", "write": "default"}
    # Outside the page (the middleware, the next request) reads go to the primary again.
    assert router.db_for_read(User) is None


def test_other_pages_read_from_the_primary(with_replica):
    assert router.db_for_read(User) is None


def test_without_a_replica_a_marked_page_reads_from_the_primary():
    @read_only_page
    def page(request):
        return router.db_for_read(User)

    assert page(None) is None


def test_migrations_run_on_the_primary_only():
    assert router.allow_migrate("default", "cases")
    assert not router.allow_migrate("replica", "cases")
