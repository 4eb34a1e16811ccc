"""Load test: officers scoring, managers reading dashboards and moderation, board members reading plans.

Run by `make loadtest` (scripts/loadtest.sh) against gunicorn on 127.0.0.1 over a database that
`manage.py benchmark --scale national` built; never against another host. Each simulated person
is signed in as their own benchmark account (service-NNN-officer3, -manager, -board) by a session
made beforehand, as signing in would make it (50 Argon2 password checks at once would measure the
password hashing, on purpose slow, rather than the pages), then repeats their journey.
Not part of `make test`. Figures: docs/performance.md.
"""

import itertools
import json
import os
import re
import urllib.parse

from locust import HttpUser, between, events, task

TARGETS = {}
SESSIONS = {}  # username: session key
_numbers = {kind: itertools.count(1) for kind in ("officer", "manager", "board")}


@events.init.add_listener
def refuse_other_hosts(environment, **kwargs):
    host = urllib.parse.urlsplit(environment.host or "").hostname
    if host not in {"127.0.0.1", "localhost", "::1"}:
        raise SystemExit(f"The load test runs against this machine only (127.0.0.1), not {host!r}.")


def _read_prepared():
    """What scripts/loadtest.sh had loadtest/prepare.py write before locust started (so the
    preparation is not counted in the run time): targets per service, a session per account."""
    path = os.environ.get("LOAD_TARGETS", "loadtest/targets.json")
    with open(path) as file:
        prepared = json.load(file)
    TARGETS.update(prepared["targets"])
    SESSIONS.update(prepared["sessions"])


_read_prepared()


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
