"""Reads for the benchmark across services: each service's latest published area scores against
the lowest, highest and average.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import F, OuterRef, Subquery

from inspections import ratings
from inspections.models import Inspection, Judgement


@dataclass
class BenchmarkRow:
    service: object
    inspection: Inspection | None
    scores: dict  # {area code: Judgement score or None}


@dataclass
class BenchmarkArea:
    code: str
    name: str
    lowest: int | None
    highest: int | None
    average: int | None


@dataclass
class Benchmark:
    rows: list[BenchmarkRow]
    areas: list[BenchmarkArea]


def benchmark(services) -> Benchmark:
    """Each service's latest published area scores against the lowest, highest and average
    across `services`: three queries."""
    latest = (
        Inspection.objects.published()
        .filter(service=OuterRef("pk"))
        .order_by(F("published_on").desc(nulls_last=True), "-period_end", "-pk")
        .values("pk")[:1]
    )
    services = list(services.annotate(latest_id=Subquery(latest)).order_by("name"))
    inspections = {i.pk: i for i in Inspection.objects.filter(pk__in=[s.latest_id for s in services if s.latest_id])}
    scores = defaultdict(dict)
    names = {}
    for row in (
        Judgement.objects.filter(inspection_id__in=list(inspections))
        .values("inspection_id", "area__code", "area__name", "area__order", "score")
        .order_by("area__order")
    ):
        scores[row["inspection_id"]][row["area__code"]] = row["score"]
        names.setdefault(row["area__code"], row["area__name"])
    rows = [BenchmarkRow(s, inspections.get(s.latest_id), scores.get(s.latest_id, {})) for s in services]
    areas = []
    for code, name in names.items():
        values = [r.scores[code] for r in rows if r.scores.get(code) is not None]
        average = ratings.whole_percent(sum(values), 100 * len(values) - sum(values)) if values else None
        areas.append(BenchmarkArea(code, name, min(values, default=None), max(values, default=None), average))
    return Benchmark(rows, areas)
