import pytest

from tests.factories import PlanFactory, PublishedInspectionFactory, RecommendationFactory, make_lead_inspector, member


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    return settings.PRIVATE_FILES_ROOT


@pytest.fixture
def inspection(service):
    inspection = PublishedInspectionFactory(service=service, title="HMIP inspection 2025")
    RecommendationFactory(inspection=inspection, text="Strengthen management oversight of RoSH work")
    RecommendationFactory(inspection=inspection, text="Involve the YJB in data reporting")
    return inspection


@pytest.fixture
def lead_inspector(inspection):
    return make_lead_inspector(inspection)


@pytest.fixture
def plan(inspection):
    return PlanFactory(inspection=inspection)


@pytest.fixture
def other_manager(other_service):
    from inspections.models import Role

    return member(other_service, Role.MANAGER, username="mo")
