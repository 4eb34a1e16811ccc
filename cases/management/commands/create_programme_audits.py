"""Create each recurring audit's audit for the current period, and sample those whose cohort is in.

For cron, once a day; the same service as the button on a recurring audit's page. Nothing is
created twice for one period however often it runs.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cases.programme.services import programme_run
from inspections.models import Service


class Command(BaseCommand):
    help = "Create this period's audit of every recurring audit (once per period) and sample those with a cohort."

    def add_arguments(self, parser):
        parser.add_argument("--service", help="Only this service (its slug)")
        parser.add_argument("--date", help="Act as if today were this date (YYYY-MM-DD)")

    def handle(self, *args, service=None, date=None, **options):
        try:
            today = dt.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"--date must be YYYY-MM-DD; got {date!r}.") from error
        chosen = None
        if service:
            chosen = Service.objects.filter(slug=service).first()
            if chosen is None:
                raise CommandError(f"No service with the slug {service!r}.")
        done = programme_run(today=today, service=chosen)
        for line in done:
            audit = line["audit"]
            self.stdout.write(
                f"{audit.template.service.slug}: {audit.inspection.title} (id {audit.inspection_id}): {line['what']}"
            )
        if not done:
            self.stdout.write("Nothing to do: no recurring audit has a period holding that date.")
