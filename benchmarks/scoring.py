# ruff: noqa: E402 (Django is set up before the project's imports)
"""Benchmark: the scoring page and the judgements page, by number of cases.

Run: DEBUG=1 .venv/bin/python benchmarks/scoring.py  (uses a throwaway SQLite database, or
DATABASE_URL's server with a test database). Prints query counts and median render times; the
tests assert the query counts, this shows the time.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yos_audit.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

import django

django.setup()

from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import (
    close_old_connections,
    connection,
)
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment

settings.ALLOWED_HOSTS = ["testserver"]
setup_test_environment()
# As Django's test runner does: keep one connection, so the queries of a request can be counted.
request_started.disconnect(close_old_connections)
request_finished.disconnect(close_old_connections)
old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)

from cases.models import Answer, Assessment, Case
from inspections.demo import load_shipped_frameworks
from inspections.models import Framework, Inspection, Membership, Role, Service


def timed(client, url, runs=15):
    connection.queries_log.clear()  # a full log (its length is capped) would count nothing
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    return len(queries), statistics.median(times)


try:
    load_shipped_frameworks()
    cci = Framework.objects.get(code="cci")
    questions = list(cci.questions.all())
    service = Service.objects.create(name="Benchmark YOS", local_authority="Benchmark", slug="bench")
    from django.contrib.auth import get_user_model

    officer = get_user_model().objects.create_user("bench-officer")
    manager = get_user_model().objects.create_user("bench-manager")
    Membership.objects.create(user=officer, service=service, role=Role.OFFICER)
    Membership.objects.create(user=manager, service=service, role=Role.MANAGER)
    inspection = Inspection.objects.create(service=service, framework=cci, kind="internal_audit", title="Bench")
    print(f"database: {connection.vendor}; framework: {cci.name}, {len(questions)} questions")
    print(f"{'cases':>6} {'scoring page':>22} {'judgements page':>22}")
    made = 0
    for target in (10, 100, 500):
        cases = Case.objects.bulk_create(
            Case(inspection=inspection, reference=f"B-{n:05d}", disposal="community", rosh="low", gender="male")
            for n in range(made, target)
        )
        assessments = Assessment.objects.bulk_create(
            Assessment(case=case, assessor=officer, status="submitted") for case in cases
        )
        Answer.objects.bulk_create(
            Answer(assessment=a, question=q, value="yes" if (a.pk + q.pk) % 3 else "no")
            for a in assessments
            for q in questions
        )
        made = target
        draft = Assessment.objects.filter(case__inspection=inspection).first()
        draft.status = "draft"
        draft.save()
        client = Client()
        client.force_login(officer)
        scoring = timed(client, f"/assessments/{draft.pk}/")
        client.force_login(manager)
        judgements = timed(client, f"/inspections/{inspection.pk}/judgements/")
        figures = [f"{count:>4} queries {ms:>7.1f} ms" for count, ms in (scoring, judgements)]
        print(f"{target:>6} {figures[0]}   {figures[1]}")
finally:
    connection.creation.destroy_test_db(old_name, verbosity=0)
