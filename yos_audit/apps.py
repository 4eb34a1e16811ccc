from django.apps import AppConfig


class YosAuditConfig(AppConfig):
    """The project package: site-wide pages and the demo, above every floor."""

    name = "yos_audit"
    verbose_name = "YOS Audit"

    def ready(self):
        from . import accounts_adapter, middleware, two_factor  # noqa: F401 (connect the sign-in and factor signals)
        from .operations import metrics  # noqa: F401 (counts failed sign-ins)
