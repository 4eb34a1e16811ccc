from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    """Improvement plans, boards, board reports and the glossary."""

    name = "improvement"
