"""Load test: officers scoring, managers reading dashboards and moderation, board members reading plans.

Run by `make loadtest` (scripts/loadtest.sh) against gunicorn on 127.0.0.1 over a database that
`manage.py benchmark --scale national` built; never against another host. Each simulated person
is signed in as their own benchmark account (service-NNN-officer3, -manager, -board) by a session
made beforehand, as signing in would make it (50 Argon2 password checks at once would measure the
password hashing, on purpose slow, rather than the pages), then repeats their journey.
Not part of `make test`. Figures: docs/performance.md.
"""

import itertools
import os
import re
import urllib.parse

import django
from locust import HttpUser, between, events, task

PASSWORD = "benchmark-password-2026"  # noqa: S105 (the benchmark's throwaway accounts)
TARGETS = {}
SESSIONS = {}  # username: session key
_numbers = {kind: itertools.count(1) for kind in ("officer", "manager", "board")}


@events.init.add_listener
def refuse_other_hosts(environment, **kwargs):
    host = urllib.parse.urlsplit(environment.host or "").hostname
    if host not in {"127.0.0.1", "localhost", "::1"}:
        raise SystemExit(f"The load test runs against this machine only (127.0.0.1), not {host!r}.")


@events.init.add_listener
def read_targets(environment, **kwargs):
    """Before the clock starts (init, not test_start: the run time counts from before test_start)."""
    prepare()


def prepare():
    """Each service's live inspection, plan and board meeting, and each officer's draft, from the database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yos_audit.settings")
    django.setup()
    from cases.models import Assessment, AssessmentStatus, Case, Marking
    from improvement.models import ImprovementPlan, Meeting
    from inspections.models import Inspection, InspectionStatus

    for inspection in Inspection.objects.filter(status=InspectionStatus.SCORING).select_related("service"):
        TARGETS.setdefault(inspection.service.slug, {})["live"] = inspection.pk
    for plan in ImprovementPlan.objects.select_related("inspection__service"):
        TARGETS.setdefault(plan.inspection.service.slug, {})["plan"] = plan.pk
    for meeting in Meeting.objects.select_related("board__service"):
        TARGETS.setdefault(meeting.board.service.slug, {})["meeting"] = meeting.pk
    for assessment in Assessment.objects.filter(
        status=AssessmentStatus.DRAFT, marking=Marking.FIRST, assessor__username__endswith="-officer3"
    ).select_related("case__inspection__service"):
        TARGETS.setdefault(assessment.case.inspection.service.slug, {}).setdefault("drafts", []).append(assessment.pk)
    for case in Case.objects.filter(
        inspection__status=InspectionStatus.SCORING, assessments__marking=Marking.SECOND
    ).select_related("inspection__service"):
        TARGETS[case.inspection.service.slug].setdefault("second_marked", case.pk)

    # A signed-in session per account, in the app's own session store (the database, or Redis with
    # REDIS_URL), holding what django.contrib.auth.login puts there.
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model

    store = import_module(settings.SESSION_ENGINE).SessionStore
    wanted = [f"service-{n:03d}-{kind}" for n in range(1, 151) for kind in ("officer3", "manager", "board")]
    for user in get_user_model().objects.filter(username__in=wanted):
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        SESSIONS[user.username] = session.session_key


class Person(HttpUser):
    abstract = True
    kind = ""
    wait_time = between(0.5, 1.5)

    def on_start(self):
        number = next(_numbers[self.kind])
        self.slug = f"service-{number:03d}"
        self.targets = TARGETS[self.slug]
        suffix = "officer3" if self.kind == "officer" else self.kind
        self.client.cookies.set("sessionid", SESSIONS[f"{self.slug}-{suffix}"], domain="127.0.0.1", path="/")


def _token(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


class Officer(Person):
    """Score a case: open it, save a draft answer, read it back."""

    kind = "officer"
    weight = 3

    @task
    def score_and_save(self):
        pk = self.targets["drafts"][0]
        with self.client.get(f"/assessments/{pk}/", name="scoring page", catch_response=True) as page:
            version = re.search(r'name="version" value="(\d+)"', page.text)
            question = re.search(r'name="(q-[^"]+)"', page.text)
            if not version or not question:
                page.failure("no version or question on the scoring page")
                return
        self.client.post(
            f"/assessments/{pk}/",
            {
                "csrfmiddlewaretoken": _token(page.text),
                "version": version.group(1),
                "action": "draft",
                question.group(1): "yes",
            },
            name="scoring save",
            allow_redirects=False,
        )
        self.client.get("/", name="officer home")


class Manager(Person):
    """Read the dashboard (with and without a filter), the moderation list and a case in it."""

    kind = "manager"
    weight = 2

    @task
    def oversee(self):
        live = self.targets["live"]
        self.client.get(f"/inspections/{live}/dashboard/", name="inspection dashboard")
        self.client.get(f"/inspections/{live}/dashboard/?rosh=high", name="inspection dashboard, filtered")
        self.client.get(f"/inspections/{live}/moderation/", name="moderation list")
        if "second_marked" in self.targets:
            self.client.get(f"/inspections/{live}/moderation/{self.targets['second_marked']}/", name="moderation case")


class BoardMember(Person):
    """Read the improvement plan and the board report for the next meeting."""

    kind = "board"
    weight = 1

    @task
    def read_plan_and_report(self):
        plan, meeting = self.targets["plan"], self.targets["meeting"]
        self.client.get(f"/plans/{plan}/", name="plan page")
        self.client.get(f"/plans/{plan}/meetings/{meeting}/report/", name="board report (HTML)")
