"""Delete case-level data of inspections closed longer ago than RETENTION_DAYS. Dry run unless --apply."""

from django.conf import settings
from django.core.management.base import BaseCommand

from cases.purge import closed_without_date, expired_inspections, inspection_purge, purge_counts


class Command(BaseCommand):
    help = (
        "Delete the cases, assessments, answers, their history and sample draws of inspections closed more "
        "than RETENTION_DAYS ago, keeping published judgements and question scores. Prints what it would "
        "delete; --apply deletes it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--apply", action="store_true", help="delete (without it, only say what would go)")

    def handle(self, *args, **options):
        apply = options["apply"]
        inspections = list(expired_inspections())
        self.stdout.write(
            f"Retention period: {settings.RETENTION_DAYS} days. "
            f"{len(inspections)} closed inspection(s) past it.{'' if apply else ' Dry run: nothing is deleted.'}"
        )
        for inspection in inspections:
            where = (
                f"{inspection.title} (id {inspection.pk}, {inspection.service}, closed {inspection.closed_at:%d %B %Y})"
            )
            if apply:
                counts = inspection_purge(inspection=inspection)
                self.stdout.write(f"{where}: deleted {counts.describe()}")
            else:
                self.stdout.write(f"{where}: would delete {purge_counts(inspection).describe()}")
        undated = list(closed_without_date())
        for inspection in undated:
            self.stdout.write(f"Not purged: {inspection.title} (id {inspection.pk}) is closed but has no closing date.")
        if not apply and inspections:
            self.stdout.write("Run again with --apply to delete.")
