"""Put every record that has no record of changes yet on record (see inspections/history.py).

Safe to run again: a record with a history row is left alone. `make serve` and the release step of
docs/deploy.md run it after `migrate`.
"""

from django.apps import apps
from django.core.management.base import BaseCommand

from inspections.history import record_initial_history


class Command(BaseCommand):
    help = "Give every record without a history row one, dated now (idempotent)."

    def handle(self, *args, **options):
        written = record_initial_history(apps)
        for label, n in sorted(written.items()):
            self.stdout.write(f"{label}: {n} record{'s' if n != 1 else ''} put on record")
        self.stdout.write(self.style.SUCCESS(f"{sum(written.values())} records put on record in all."))
