from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    """Ground floor: services, memberships, frameworks, inspections and judgements."""

    name = "inspections"
