"""Factories for improvement plans and what hangs off them."""

import datetime

import factory

from improvement.models import Action, Board, ImprovementPlan, Meeting, ProgressUpdate, Theme
from inspections.models import Recommendation, Role
from tests.factories import InspectionFactory, MembershipFactory, UserFactory


class PublishedInspectionFactory(InspectionFactory):
    status = "published"
    kind = "hmip_inspection"
    published_on = datetime.date(2025, 6, 8)


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recommendation

    inspection = factory.SubFactory(PublishedInspectionFactory)
    text = factory.Sequence(lambda n: f"Improve the timeliness of RoSH assessments ({n})")
    order = factory.Sequence(lambda n: n)


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImprovementPlan

    inspection = factory.SubFactory(PublishedInspectionFactory)
    reinspection_due = datetime.date(2026, 6, 8)


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    plan = factory.SubFactory(PlanFactory)
    title = factory.Sequence(lambda n: f"Theme {n}")
    order = factory.Sequence(lambda n: n)


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    theme = factory.SubFactory(ThemeFactory)
    plan = factory.SelfAttribute("theme.plan")
    title = factory.Sequence(lambda n: f"Action {n}")
    partner_name = "Sam Patel"
    partner_agency = "Children's social care"
    partner_email = "sam.patel@example.invalid"
    due_on = datetime.date(2026, 3, 31)
    status = "in_progress"
    brag = "green"


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    action = factory.SubFactory(ActionFactory)
    date = datetime.date(2026, 1, 10)
    author = factory.SubFactory(UserFactory)
    brag = "green"
    note = "Going well."


class BoardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Board

    service = factory.SubFactory("tests.factories.ServiceFactory")
    name = factory.Sequence(lambda n: f"Board {n}")


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    board = factory.SubFactory(BoardFactory)
    held_on = datetime.date(2026, 2, 1)


def lead_inspector_for(inspection, username="lead"):
    """A person with the inspector role in the inspection's service, named its lead inspector."""
    user = MembershipFactory(service=inspection.service, role=Role.INSPECTOR, user=UserFactory(username=username)).user
    inspection.lead_inspector = user
    inspection.save()
    return user
