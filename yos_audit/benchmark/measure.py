"""Time each page of the benchmark through Django's test client, in the same process as the build.

Server time is the wall time of the test client's request (middleware, view, queries, template);
the query count is the number of SQL statements the request ran. Each figure is timed `runs` times
after one warm-up request; the median and the 95th percentile are reported.
"""

import datetime as dt
import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Assessment, Case
from cases.sampling.services import cohort_import, sample_draw
from inspections.models import Inspection, InspectionStatus

from .build import DataSet

# The targets (docs/performance.md): every page under 100 ms median and within 3x the floor page;
# the cross-service benchmark within 5x; the floor itself under 5 ms and at most 3 queries; the
# board PDF under 2 s, a 10,000-row import under 5 s, a draw from 10,000 cases under 1 s.
PAGE_LIMIT_MS = 100
PAGE_RATIO = 3


@dataclass
class Figure:
    name: str
    median_ms: float
    p95_ms: float
    queries: int
    ratio: float = 0.0
    limit_ms: float = PAGE_LIMIT_MS
    max_ratio: float | None = PAGE_RATIO
    max_queries: int | None = None

    @property
    def meets_target(self):
        return (
            self.median_ms < self.limit_ms
            and (self.max_ratio is None or self.ratio <= self.max_ratio)
            and (self.max_queries is None or self.queries <= self.max_queries)
        )

    def as_dict(self):
        return {
            "name": self.name,
            "median_ms": self.median_ms,
            "p95_ms": self.p95_ms,
            "queries": self.queries,
            "ratio": self.ratio,
            "meets_target": self.meets_target,
        }


def percentile(values, share):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def timed(name, runs, call: Callable[[], object], prepare: Callable[[], None] | None = None) -> Figure:
    """Time `call` runs times after a warm-up; `prepare` runs before each call, untimed."""
    timings, counts = [], []
    for attempt in range(runs + 1):
        if prepare:
            prepare()
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            call()
            elapsed = (time.perf_counter() - start) * 1000
        if attempt:  # the first is the warm-up
            timings.append(elapsed)
            counts.append(len(queries))
    return Figure(name, round(statistics.median(timings), 1), round(percentile(timings, 0.95), 1), max(counts))


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _get(client, url, expect=200):
    def call():
        response = client.get(url, secure=True)
        if response.status_code != expect:
            raise AssertionError(f"GET {url} answered {response.status_code}, expected {expect}")
        return response

    return call


def cohort_cells(rows, period_start):
    header = ["reference", "disposal", "rosh", "gender", "date_of_birth", "ethnicity", "looked_after"]
    header += ["start_date", "case_manager", "team"]
    cells = [header]
    start = (period_start + dt.timedelta(days=30)).strftime("%d/%m/%Y")
    for n in range(rows):
        cells.append(
            [
                f"BM-{n + 1:05d}",
                ["Community", "Custody", "Out of court"][n % 3],
                ["Low", "Medium", "High", "Very high"][n % 4],
                ["Male", "Female"][n % 2],
                f"{n % 28 + 1:02d}/{n % 12 + 1:02d}/{period_start.year - 15}",
                "Not stated",
                ["No", "Yes"][n % 5 == 0],
                start,
                f"Case Manager {n % 20}",
                ["North", "South"][n % 2],
            ]
        )
    return cells


def measure(data: DataSet, progress, only: str = "") -> list[Figure]:
    runs = data.scale.runs
    officer, manager, board, inspector = (
        _client(u) for u in (data.officer, data.manager, data.board_member, data.inspector)
    )
    live, published, plan, meeting = data.live.pk, data.published.pk, data.plan.pk, data.meeting.pk
    assessment = data.draft_assessment
    some_case = Case.objects.filter(inspection_id=live).order_by("pk").values_list("pk", flat=True).first()

    pages = [
        ("floor page (signed in, base layout)", officer, "/accessibility/"),
        ("officer home", officer, reverse("home")),
        ("manager home", manager, reverse("home")),
        ("board member home", board, reverse("home")),
        (f"inspector home ({data.counts['services']} services)", inspector, reverse("home")),
        ("scoring page", officer, reverse("cases:assessment", args=[assessment.pk])),
        ("live judgements", manager, reverse("cases:judgements", args=[live])),
        ("published judgements", manager, reverse("cases:judgements", args=[published])),
        ("inspection dashboard", manager, reverse("cases:inspection_dashboard", args=[live])),
        ("inspection dashboard, filtered", manager, reverse("cases:inspection_dashboard", args=[live]) + "?rosh=high"),
        ("drill-down", manager, reverse("cases:dashboard_cases", args=[live]) + "?rosh=high"),
        ("moderation list", manager, reverse("cases:moderation_list", args=[live])),
        ("moderation case", manager, reverse("cases:moderation_case", args=[live, data.moderated_case.pk])),
        ("service trend", manager, reverse("cases:service_trends")),
        ("cross-service benchmark", inspector, reverse("cases:benchmark")),
        ("plan page", board, reverse("improvement:plan_detail", args=[plan])),
        ("board report (HTML)", board, reverse("improvement:board_report", args=[plan, meeting])),
    ]
    wanted = (lambda name: name == pages[0][0] or only in name) if only else (lambda name: True)
    advance = progress("measuring", len(pages) + 4)
    figures = []
    for name, client, url in pages:
        if wanted(name):
            figures.append(timed(name, runs, _get(client, url)))
        advance(1)
    if some_case is None:
        raise AssertionError("the live inspection has no cases")

    # A draft save of the scoring page: the version is read afresh before each (untimed).
    url = reverse("cases:assessment", args=[assessment.pk])
    post = {"action": "draft"}

    def read_version():
        post["version"] = Assessment.objects.values_list("version", flat=True).get(pk=assessment.pk)
        post["q-" + data.first_question_code] = "no" if post.get("q-" + data.first_question_code) == "yes" else "yes"

    def save():
        response = officer.post(url, post, secure=True)
        if response.status_code != 302:
            raise AssertionError(f"the scoring save answered {response.status_code}")

    if wanted("scoring save"):
        figures.append(timed("scoring save", runs, save, prepare=read_version))
    advance(1)

    pdf_runs = max(1, min(runs, 3))
    if wanted("board report (PDF)"):
        pdf_url = reverse("improvement:board_report_pdf", args=[plan, meeting])
        figures.append(timed("board report (PDF)", pdf_runs, _get(board, pdf_url)))
    advance(1)

    # A cohort import of `cohort_rows` rows into a new inspection each time, then a draw from it.
    cells = cohort_cells(data.scale.cohort_rows, data.live.period_start)
    targets = []

    def new_inspection():
        targets.append(
            Inspection.objects.create(
                service=data.cohort_service,
                framework=data.live.framework,
                kind="internal_audit",
                title=f"Benchmark cohort {len(targets) + 1}",
                period_start=data.live.period_start,
                period_end=data.live.period_end,
                status=InspectionStatus.SAMPLING,
            )
        )

    def import_cohort():
        cohort_import(inspection=targets[-1], cells=cells, by=data.manager, accept_warnings=True)

    import_runs = max(1, min(runs, 3))
    if wanted("cohort import") or wanted("sample draw"):
        name = f"cohort import ({len(cells) - 1:,} rows)"
        figures.append(timed(name, import_runs, import_cohort, prepare=new_inspection))
    advance(1)
    seeds = iter(range(1000))

    def draw():
        sample_draw(inspection=targets[0], method="number", size=60, seed=f"bench-{next(seeds)}", by=data.manager)

    if wanted("sample draw"):
        figures.append(timed(f"sample draw (from {len(cells) - 1:,} cases)", runs, draw))
    advance(1)

    figures[0].limit_ms, figures[0].max_queries = 5, 3
    targets_by_name = {"cross-service benchmark": (PAGE_LIMIT_MS, 5)}
    for figure in figures:
        if figure.name in targets_by_name:
            figure.limit_ms, figure.max_ratio = targets_by_name[figure.name]
        elif figure.name.startswith("board report (PDF)"):
            figure.limit_ms, figure.max_ratio = 2000, None
        elif figure.name.startswith("cohort import"):
            figure.limit_ms, figure.max_ratio = 5000, None
        elif figure.name.startswith("sample draw"):
            figure.limit_ms, figure.max_ratio = 1000, None
    floor = figures[0].median_ms or 0.1
    for figure in figures:
        figure.ratio = round(figure.median_ms / floor, 1)
    return figures


def peak_memory_mb():
    """The process's peak resident memory so far (Linux reports kilobytes)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
