"""Import scored assessments from a CSV (offline or historical scoring), all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.assessment_import import assessments_import, decode
from inspections.models import Inspection


class Command(BaseCommand):
    help = (
        "Import assessments (case_reference, assessor, marking, question_code, answer, note[, status]) by the "
        "scoring page's rules. Nothing on error."
    )

    def add_arguments(self, parser):
        parser.add_argument("inspection_id", type=int)
        parser.add_argument("file")

    def handle(self, *args, **options):
        inspection = (
            Inspection.objects.select_related("service", "framework").filter(pk=options["inspection_id"]).first()
        )
        if inspection is None:
            raise CommandError(f"No inspection has the id {options['inspection_id']}.")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        try:
            text = decode(path.read_bytes())
        except ValueError as error:
            raise CommandError(f"{path}: {error}") from None
        result = assessments_import(inspection=inspection, text=text, by=None)
        if result.problems:
            for problem in result.problems:
                self.stderr.write(f"{path}: {problem}")
            raise CommandError(f"{len(result.problems)} problem(s): nothing was imported.")
        drafts = f", {result.drafts} of them as drafts with questions unanswered" if result.drafts else ""
        self.stdout.write(f"Imported {result.assessments} assessments ({result.answers} answers){drafts}.")
