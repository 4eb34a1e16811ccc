"""Reads for the benchmark across services: each service's latest published area scores against
the lowest, highest and average.

An inspector may belong to every service (150 at national scale): the rows are read as values,
not model objects, in one query whatever the number of services or inspections.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import F, OuterRef, Subquery

from inspections import ratings
from inspections.models import Inspection, Service
from inspections.prepared import PreparedRead
from inspections.scoping import my_services_in_name_order


@dataclass
class LatestPublished:
    """A service's latest published inspection: what the benchmark shows of it."""

    pk: int
    title: str
    published_on: datetime.date | None


@dataclass
class BenchmarkRow:
    service_id: int
    service_name: str
    inspection: LatestPublished | None
    scores: dict = field(default_factory=dict)  # {area code: Judgement score or None}


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


def _latest_published_with_judgements(service_ids):
    """The latest published inspection of each of the services, with its judgements: one row per
    judgement, or one with no area for an inspection without judgements."""
    latest = (
        Inspection.objects.published()
        .filter(service=OuterRef("pk"))
        .order_by(F("published_on").desc(nulls_last=True), "-period_end", "-pk")
        .values("pk")[:1]
    )
    latest_ids = Service.objects.filter(pk__in=service_ids).annotate(latest_id=Subquery(latest))
    return (
        Inspection.objects.filter(pk__in=latest_ids.values("latest_id"))
        .order_by("judgements__area__order")
        .values_list(
            "service_id",
            "pk",
            "title",
            "published_on",
            "judgements__area__code",
            "judgements__area__name",
            "judgements__score",
        )
    )


# Built by the ORM once per process (and number of services), run with the person's services.
_LATEST_PUBLISHED = PreparedRead(Inspection, _latest_published_with_judgements)


def benchmark(user) -> Benchmark:
    """Each service's latest published area scores against the lowest, highest and average
    across the person's services: one query (the latest published inspection of each of their
    services, with its judgements); the services themselves were read with the person."""
    services = my_services_in_name_order(user)
    inspections, scores, names = {}, defaultdict(dict), {}
    # Scoped to the person's services: their ids, as read with them (`my_services_in_name_order`).
    for service_id, pk, title, published_on, code, name, score in _LATEST_PUBLISHED.rows(
        [service.pk for service in services]
    ):
        if service_id not in inspections:
            inspections[service_id] = LatestPublished(pk, title, published_on)
        if code is not None:
            scores[service_id][code] = score
            names.setdefault(code, name)
    rows = [
        BenchmarkRow(service.pk, service.name, inspections.get(service.pk), scores.get(service.pk, {}))
        for service in services
    ]
    areas = []
    for code, name in names.items():
        values = [r.scores[code] for r in rows if r.scores.get(code) is not None]
        average = ratings.whole_percent(sum(values), 100 * len(values) - sum(values)) if values else None
        areas.append(BenchmarkArea(code, name, min(values, default=None), max(values, default=None), average))
    return Benchmark(rows, areas)
