"""Build a data set of a given scale in an empty database, then time the pages: see docs/performance.md.

python manage.py benchmark --scale small|national [--format json]
"""

import json
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings
from tqdm import tqdm

from yos_audit.benchmark.build import SCALES, build, data_set, database_is_empty
from yos_audit.benchmark.measure import measure, peak_memory_mb


class Command(BaseCommand):
    help = "Build a data set (small or national) in an empty database, then time each page and print the figures."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="small")
        parser.add_argument("--format", choices=["table", "json"], default="table")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar on standard error")
        parser.add_argument(
            "--only", default="", help="time only the figures whose name contains this (with --measure-only)"
        )
        parser.add_argument(
            "--measure-only",
            action="store_true",
            help="measure again on a database this command built before (after a code change), building nothing",
        )

    def handle(self, *args, scale, format, no_progress, measure_only, only, **options):
        if not measure_only and not database_is_empty():
            raise CommandError(
                f"The database {connection.settings_dict['NAME']} already has services or people. The benchmark "
                "builds its own data: run it on a new, migrated database (createdb, then manage.py migrate)."
            )
        bars = []

        def progress(step, total):
            for done in bars:
                done.close()
            bar = tqdm(total=total, desc=f"{step:<22}", unit="", file=sys.stderr, disable=no_progress, leave=True)
            bars.append(bar)
            return bar.update

        chosen = SCALES[scale]
        data = data_set(chosen) if measure_only else build(chosen, progress)
        # The test client's host; two-factor is left out (the inspector would be sent to set it up).
        with override_settings(ALLOWED_HOSTS=["testserver", *settings.ALLOWED_HOSTS], REQUIRE_TWO_FACTOR_FOR=[]):
            figures = measure(data, progress, only=only)
        for bar in bars:
            bar.close()
        memory = peak_memory_mb()
        if format == "json":
            self.stdout.write(
                json.dumps(
                    {
                        "scale": chosen.name,
                        "database": connection.vendor,
                        "debug": settings.DEBUG,
                        "runs": chosen.runs,
                        "data": data.counts,
                        "figures": [figure.as_dict() for figure in figures],
                        "peak_memory_mb": memory,
                    },
                    indent=2,
                )
            )
            return
        counts = ", ".join(f"{value:,} {name}" for name, value in data.counts.items())
        self.stdout.write(
            f"Scale {chosen.name} on {connection.vendor} (DEBUG {'on' if settings.DEBUG else 'off'}): {counts}"
        )
        self.stdout.write(f"{'figure':<40} {'median ms':>10} {'p95 ms':>9} {'queries':>8} {'x floor':>8}")
        for figure in figures:
            flag = "" if figure.meets_target else "  misses the target"
            self.stdout.write(
                f"{figure.name:<40} {figure.median_ms:>10.1f} {figure.p95_ms:>9.1f} {figure.queries:>8} "
                f"{figure.ratio:>8.1f}{flag}"
            )
        self.stdout.write(f"Peak memory: {memory} MB{'' if memory < 500 else '  misses the target (500 MB)'}")
