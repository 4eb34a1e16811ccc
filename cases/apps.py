from django.apps import AppConfig


class CasesConfig(AppConfig):
    """Cohorts, samples, assessments, moderation and oversight."""

    name = "cases"
