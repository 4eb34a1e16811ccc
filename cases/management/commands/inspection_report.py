"""Print an inspection's judgements: areas, questions and overall, as JSON or CSV."""

import csv
import json

from django.core.management.base import BaseCommand, CommandError

from cases.judgements import inspection_judgements
from cases.oversight.exports import neutralise
from inspections.models import Inspection


class Command(BaseCommand):
    help = "Print an inspection's area and question scores (the figures of its judgements page)."

    def add_arguments(self, parser):
        parser.add_argument("inspection_id", type=int)
        parser.add_argument("--format", choices=["json", "csv"], default="json")

    def handle(self, *args, **options):
        inspection = (
            Inspection.objects.select_related("service", "framework").filter(pk=options["inspection_id"]).first()
        )
        if inspection is None:
            raise CommandError(f"No inspection has the id {options['inspection_id']}.")
        report = inspection_judgements(inspection).as_report()
        if options["format"] == "json":
            self.stdout.write(json.dumps(report, indent=2))
            return
        writer = _NeutralWriter(self.stdout)
        writer.writerow(["kind", "code", "name", "score", "band", "equivalent", "override", "cases", "yes", "no", "na"])
        for area in report["areas"]:
            writer.writerow(
                [
                    "area",
                    area["code"],
                    area["name"],
                    _blank(area["score"]),
                    area["band"] or "",
                    (area["override_equivalent"] if area["override"] else area["equivalent"]) or "",
                    area["override"] or "",
                    area["cases"],
                    area["yes"],
                    area["no"],
                    area["na"],
                ]
            )
        for question in report["questions"]:
            writer.writerow(
                ["question", question["code"], question["area"], _blank(question["score"]), "", "", "", "", "", "", ""]
            )
        if report["overall"]:
            overall = report["overall"]
            writer.writerow(
                ["overall", "", "", _blank(overall["points"]), overall["band"] or "", "", "", "", "", "", ""]
            )


def _blank(value):
    return "" if value is None else value


class _NeutralWriter:
    """A CSV writer whose text cells a spreadsheet would run as formulas get a leading apostrophe,
    like every other export."""

    def __init__(self, stream):
        self._writer = csv.writer(stream)

    def writerow(self, row):
        self._writer.writerow([neutralise(cell) for cell in row])
