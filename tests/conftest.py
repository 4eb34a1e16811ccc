import pytest
from django.core.cache import cache

from inspections.models import Role

from .factories import PASSWORD, ServiceFactory, member


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: a test database's rolled-back versions start again from
    nought (and SQLite gives a rolled-back id again), so a part kept by one test could carry another's
    key (cases/figures_version.py)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def service(db):
    return ServiceFactory(name="Northshire Youth Justice Service", slug="northshire")


@pytest.fixture
def other_service(db):
    return ServiceFactory(name="Eastbridge Youth Offending Service", slug="eastbridge")


@pytest.fixture
def officer(service):
    return member(service, Role.OFFICER, username="olivia")


@pytest.fixture
def manager(service):
    return member(service, Role.MANAGER, username="marcus")


@pytest.fixture
def board_member(service):
    return member(service, Role.BOARD_MEMBER, username="beatrice")


@pytest.fixture
def inspector(service):
    return member(service, Role.INSPECTOR, username="imran")


@pytest.fixture
def other_officer(other_service):
    """A colleague in another service."""
    return member(other_service, Role.OFFICER, username="owen")


@pytest.fixture
def outsider(db):
    """Signed in, but a member of no service."""
    from .factories import UserFactory

    return UserFactory(username="nobody")


@pytest.fixture
def password():
    return PASSWORD
