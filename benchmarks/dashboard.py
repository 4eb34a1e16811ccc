"""Dashboard speed: query count and median render time at 10, 100 and 500 cases.

    DEBUG=1 .venv/bin/python benchmarks/dashboard.py

Builds the data in a throwaway SQLite database (or, with BENCHMARK_USE_CONFIGURED_DB=1, in a
throwaway test database on the configured DATABASE_URL), renders the inspection dashboard through
Django's test client, and prints figures. Not a test; nothing is asserted.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yos_audit.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-that-is-long-enough-for-the-settings-check")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
if os.environ.get("BENCHMARK_USE_CONFIGURED_DB") != "1":
    _tmp = tempfile.mkdtemp(prefix="yos-benchmark-")
    os.environ["DATABASE_URL"] = f"sqlite:///{_tmp}/benchmark.sqlite3"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

SIZES = [10, 100, 500]
RUNS = 7


def main():
    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        from django.test import Client
        from tests.cases.oversight_factories import build_scored_cases

        from inspections.models import Role
        from tests.factories import FrameworkFactory, InspectionFactory, ServiceFactory, member

        service = ServiceFactory()
        framework = FrameworkFactory(structure=15)  # two areas of 15 questions: 30 questions
        manager = member(service, Role.MANAGER, username="bench-manager")
        first = member(service, Role.OFFICER, username="bench-first")
        second = member(service, Role.OFFICER, username="bench-second")
        client = Client()
        client.force_login(manager)
        print(f"Database: {connection.vendor}; {framework.questions.count()} questions; {RUNS} renders each")
        print(f"{'cases':>6} {'queries':>8} {'median ms':>10}   page")
        for size in SIZES:
            inspection = InspectionFactory(service=service, framework=framework)
            build_scored_cases(inspection, size, first, second, start=size * 10)
            for name in ["cases:inspection_dashboard", "cases:dashboard_cases", "cases:moderation_list"]:
                url = reverse(name, args=[inspection.pk])
                client.get(url)  # warm up
                timings = []
                for _ in range(RUNS):
                    with CaptureQueriesContext(connection) as queries:
                        start = time.perf_counter()
                        response = client.get(url)
                        timings.append((time.perf_counter() - start) * 1000)
                    assert response.status_code == 200, response.status_code
                print(f"{size:>6} {len(queries):>8} {statistics.median(timings):>10.1f}   {name}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
