"""`manage.py benchmark --scale small`: builds its data set, times every figure, prints a table or JSON."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from cases.models import Case
from inspections.models import Inspection, Service

pytestmark = pytest.mark.django_db

FIGURES = [
    "floor page (signed in, base layout)",
    "officer home",
    "manager home",
    "board member home",
    "inspector home (3 services)",
    "scoring page",
    "live judgements",
    "published judgements",
    "inspection dashboard",
    "inspection dashboard, filtered",
    "drill-down",
    "moderation list",
    "moderation case",
    "service trend",
    "cross-service benchmark",
    "plan page",
    "board report (HTML)",
    "scoring save",
    "live judgements, first read after a change",
    "inspection dashboard, first read after a change",
    "inspection dashboard, filtered, first read after a change",
    "drill-down, first read after a change",
    "board report (PDF)",
    "cohort import (300 rows)",
    "sample draw (from 300 cases)",
]


def run(*args):
    out = io.StringIO()
    call_command("benchmark", *args, "--no-progress", stdout=out)
    return out.getvalue()


def test_the_small_benchmark_builds_its_data_and_reports_every_figure_as_json():
    report = json.loads(run("--scale", "small", "--format", "json"))
    assert report["scale"] == "small"
    # 3 services x 3 inspections x 10 cases of the CCI framework, every case scored.
    assert report["data"]["services"] == 3
    assert report["data"]["cases"] == 90
    assert report["data"]["answers"] == report["data"]["assessments"] * report["data"]["questions"]
    assert [figure["name"] for figure in report["figures"]] == FIGURES
    floor = report["figures"][0]
    assert floor["ratio"] == 1.0
    for figure in report["figures"]:
        assert set(figure) == {"name", "median_ms", "p95_ms", "queries", "ratio", "meets_target"}
        assert 0 < figure["median_ms"] <= figure["p95_ms"]
        assert figure["queries"] > 0
        assert figure["ratio"] == pytest.approx(figure["median_ms"] / floor["median_ms"], abs=0.1)
    assert 0 < report["peak_memory_mb"] < 2000
    # Publishing stored the judgements the published page reads.
    assert Service.objects.get(slug="service-001").inspections.published().count() == 2
    # Measuring left the data as built: the timed imports were rolled back.
    assert Case.objects.count() == 90
    assert not Inspection.objects.filter(title__startswith="Benchmark cohort").exists()
    # Measuring again, one page: that page and the floor page, and no import.
    again = json.loads(run("--scale", "small", "--measure-only", "--only", "plan page", "--format", "json"))
    assert [figure["name"] for figure in again["figures"]] == [FIGURES[0], "plan page"]
    assert again["data"]["cases"] == 90


def test_it_refuses_a_database_that_already_has_data(service):
    with pytest.raises(CommandError, match="already has services or people"):
        run("--scale", "small")


def test_the_floor_page_is_timed_at_the_start_and_the_end_and_its_median_taken_over_both(monkeypatch):
    # The yardstick of every ratio: a fast start and a slow end (or the other way) meet in the middle.
    from yos_audit.benchmark import measure

    at_start = measure._figure("floor page", [1.0, 1.0, 1.0], 2)
    monkeypatch.setattr(measure, "timed", lambda name, runs, call: measure._figure(name, [4.0, 4.0, 4.0], 2))
    floor = measure._floor_timed_again(at_start, officer=None, url="/accessibility/", runs=3)
    assert floor.name == "floor page"
    assert floor.median_ms == 2.5
    assert floor.p95_ms == 4.0
    assert floor.queries == 2
