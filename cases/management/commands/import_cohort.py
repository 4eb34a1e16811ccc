"""Import a cohort file (CSV or XLSX) into an inspection, all rows or none."""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cases.sampling.cohort import UnreadableFile, read_cells
from cases.sampling.services import CohortImportError, cohort_import
from inspections.models import Inspection


class Command(BaseCommand):
    help = "Import a cohort file into an inspection. Prints every problem and imports nothing while any remains."

    def add_arguments(self, parser):
        parser.add_argument("inspection_id", type=int)
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--accept-warnings", action="store_true", help="Import even with warnings (start dates outside the period)"
        )

    def handle(self, *args, inspection_id, file, accept_warnings, **options):
        try:
            inspection = Inspection.objects.get(pk=inspection_id)
        except Inspection.DoesNotExist as missing:
            raise CommandError(f"No inspection with id {inspection_id}.") from missing
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from error
        try:
            cells = read_cells(data, file.name, max_bytes=settings.UPLOAD_MAX_BYTES)
            created = cohort_import(inspection=inspection, cells=cells, by=None, accept_warnings=accept_warnings)
        except UnreadableFile as unreadable:
            raise CommandError(unreadable.problem.as_text()) from unreadable
        except CohortImportError as refused:
            for problem in refused.check.problems:
                self.stderr.write(problem.as_text())
            if refused.unaccepted_warnings:
                raise CommandError(
                    "Nothing imported: check the warnings, then run again with --accept-warnings."
                ) from refused
            raise CommandError(f"Nothing imported: {len(refused.check.errors)} problem(s) in {file}.") from refused
        except ValidationError as refused:
            raise CommandError(" ".join(refused.messages)) from refused
        self.stdout.write(self.style.SUCCESS(f"Imported {len(created)} cases into {inspection}."))
