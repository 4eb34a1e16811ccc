"""Draw an inspection's sample from its cohort, as the sample page does."""

import json
import secrets

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cases.sampling.selectors import DEFAULT_STRATA, STRATA_CHOICES
from cases.sampling.services import sample_draw
from inspections.models import Inspection


class Command(BaseCommand):
    help = "Draw a stratified random sample from an inspection's cohort. The same seed gives the same sample."

    def add_arguments(self, parser):
        parser.add_argument("inspection_id", type=int)
        size = parser.add_mutually_exclusive_group(required=True)
        size.add_argument("--size", type=int, help="Number of cases")
        size.add_argument("--confidence", type=float, help="Confidence level, e.g. 95 (needs --margin)")
        size.add_argument("--yjb", action="store_true", help="The YJB rule: 20%% of the cohort, at least 20")
        parser.add_argument("--margin", type=float, help="Margin of error in per cent, e.g. 5")
        parser.add_argument(
            "--strata",
            default=",".join(DEFAULT_STRATA),
            help=f"Comma-separated, from {', '.join(code for code, _ in STRATA_CHOICES)} (default %(default)s)",
        )
        parser.add_argument("--seed", help="Seed for the random choice (default: a new random one)")
        parser.add_argument("--cap", type=int, help="Most cases per case manager")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, inspection_id, **options):
        try:
            inspection = Inspection.objects.get(pk=inspection_id)
        except Inspection.DoesNotExist as missing:
            raise CommandError(f"No inspection with id {inspection_id}.") from missing
        if options["confidence"] is not None and options["margin"] is None:
            raise CommandError("--confidence needs --margin.")
        if options["margin"] is not None and options["confidence"] is None:
            raise CommandError("--margin needs --confidence.")
        method = "number" if options["size"] is not None else "margin" if options["confidence"] is not None else "yjb"
        strata = [s.strip() for s in options["strata"].split(",") if s.strip()]
        seed = options["seed"] or str(secrets.randbelow(900000) + 100000)
        try:
            drawn = sample_draw(
                inspection=inspection,
                method=method,
                size=options["size"],
                confidence=options["confidence"],
                margin=options["margin"],
                strata=strata,
                seed=seed,
                cap=options["cap"],
                by=None,
            )
        except ValidationError as refused:
            raise CommandError(" ".join(refused.messages)) from refused
        if options["format"] == "json":
            self.stdout.write(
                json.dumps(
                    {
                        "inspection": inspection.pk,
                        "seed": drawn.seed,
                        "cohort_hash": drawn.cohort_hash,
                        "parameters": drawn.parameters,
                        "references": drawn.result["references"],
                        "strata": drawn.result["strata"],
                    },
                    indent=2,
                )
            )
            return
        self.stdout.write(
            f"Drew {len(drawn.result['references'])} of {drawn.parameters['cohort_size']} cases "
            f"with seed {drawn.seed} (cohort hash {drawn.cohort_hash[:12]}...)."
        )
        for stratum in drawn.result["strata"]:
            self.stdout.write(f"  {stratum['key']}: {stratum['sample']} of {stratum['cohort']}")
