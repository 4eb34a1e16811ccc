"""Scale-out: two app instances over one PostgreSQL and one Redis serve the same people.

Two real gunicorn servers with production settings, on different loopback ports, share the test
database and a Redis server (REDIS_URL: cache, sessions and django-axes' lockouts). CI starts Redis
(.ci/run); elsewhere the test is skipped when no Redis answers at TEST_REDIS_URL.
"""

import http.cookiejar
import os
import re
import socket
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest
import redis
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.db import connection

from cases.models import Answer
from inspections.models import Role
from tests.factories import PASSWORD, AssessmentFactory, CaseFactory, InspectionFactory, ServiceFactory, member

from .server import gunicorn

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL: set DATABASE_URL to a PostgreSQL database"
    ),
    pytest.mark.django_db(transaction=True),
]


def redis_answers():
    parts = urllib.parse.urlsplit(REDIS_URL)
    try:
        with socket.create_connection((parts.hostname, parts.port or 6379), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture
def redis_url():
    if not redis_answers():
        if os.environ.get("CI"):
            pytest.fail(f"CI needs Redis at {REDIS_URL} (.ci/run starts it)")
        pytest.skip(f"no Redis answers at {REDIS_URL}")
    return REDIS_URL


class Browser:
    """A person's browser: one cookie jar for both instances (cookies are per host, not per port)."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirects)

    def request(self, url, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body)  # noqa: S310 (http to a local test server)
        try:
            with self.opener.open(request, timeout=60) as response:  # a first request on a busy machine is slow
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def form_post(self, page_url, data, post_url=None):
        """GET the page for its CSRF token, then POST the form as a person would."""
        status, _, page = self.request(page_url)
        assert status == 200, (page_url, status)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        return self.request(post_url or page_url, {"csrfmiddlewaretoken": token, **data})


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def database_url():
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def two_instances(redis_url):
    env = {
        "REDIS_URL": redis_url,
        # A prefix of this run's own, so that nothing of another run (or another project) is read.
        "CACHE_KEY_PREFIX": f"yos-test-{uuid.uuid4().hex}",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "REQUIRE_TWO_FACTOR_FOR": "",
    }
    with gunicorn(database_url(), **env) as first, gunicorn(database_url(), **env) as second:
        assert first != second
        yield first, second
    # What the instances share lives in Redis, not in the database (where one instance would do).
    keys = redis.Redis.from_url(redis_url).keys(env["CACHE_KEY_PREFIX"] + ":*")
    assert keys, "nothing was kept in Redis"
    assert not Session.objects.exists()
    assert not AccessAttempt.objects.exists()
    redis.Redis.from_url(redis_url).delete(*keys)


def sign_in(browser, base, username, password):
    return browser.form_post(base + "/account/sign-in/", {"login": username, "password": password})


def test_a_sign_in_on_one_instance_is_valid_on_the_other_and_answers_are_shared(two_instances):
    first, second = two_instances
    service = ServiceFactory(slug="northshire")
    officer = member(service, Role.OFFICER, username="olivia")
    assessment = AssessmentFactory(
        case=CaseFactory(inspection=InspectionFactory(service=service), reference="NS-0001"), assessor=officer
    )
    scoring = f"/assessments/{assessment.pk}/"

    browser = Browser()
    assert browser.request(second + scoring)[0] == 302  # not signed in yet: to the sign-in page
    status, headers, _ = sign_in(browser, first, "olivia", PASSWORD)
    assert status == 302, "signing in on the first instance"

    # The session made by the first instance is valid on the second.
    status, _, page = browser.request(second + scoring)
    assert status == 200
    assert "NS-0001" in page

    # An answer saved through the first instance is read through the second.
    status, _, _ = browser.form_post(first + scoring, {"version": 0, "action": "draft", "q-roh-1": "no"})
    assert status == 302
    _, _, page = browser.request(second + scoring)
    assert re.search(r'value="no"\s+checked|checked[^>]*value="no"', page), "the saved answer, read on the other"

    # A save made from the page as first loaded (version 0) through the second instance is refused.
    status, _, page = browser.form_post(
        second + scoring, {"version": 0, "action": "draft", "q-roh-1": "yes"}, post_url=second + scoring
    )
    # form_post read the page afresh for its token, but the version sent is the stale one.
    assert status == 409
    assert "Your answers were not saved" in page
    assert Answer.objects.get(assessment=assessment).value == "no"


def submitted(page):
    return re.search(r'<dt class="govuk-summary-list__key">Submitted</dt><dd[^>]*>(\d+)', page).group(1)


def test_a_dashboard_kept_in_redis_shows_a_save_made_through_the_other_instance(two_instances):
    """The dashboard's markup is kept in the shared cache; a save through one instance moves the
    inspection's figures' version in the database, so neither instance shows the kept markup again."""
    first, second = two_instances
    service = ServiceFactory(slug="northshire")
    officer = member(service, Role.OFFICER, username="olivia")
    member(service, Role.MANAGER, username="marcus")
    inspection = InspectionFactory(service=service)
    assessment = AssessmentFactory(case=CaseFactory(inspection=inspection, reference="NS-0001"), assessor=officer)
    dashboard = f"/inspections/{inspection.pk}/dashboard/"

    reader = Browser()
    assert sign_in(reader, second, "marcus", PASSWORD)[0] == 302
    for base in (second, first):  # kept by the second, read from Redis by the first
        status, _, page = reader.request(base + dashboard)
        assert status == 200 and submitted(page) == "0"

    scorer = Browser()
    assert sign_in(scorer, first, "olivia", PASSWORD)[0] == 302
    answers = {"version": 0, "action": "submit"}
    for code in inspection.framework.questions.values_list("code", flat=True):
        answers[f"q-{code}"], answers[f"note-{code}"] = "yes", ""
    assert scorer.form_post(first + f"/assessments/{assessment.pk}/", answers)[0] == 302

    for base in (second, first):
        _, _, page = reader.request(base + dashboard)
        assert submitted(page) == "1", f"the save, on the dashboard read through {base}"

    # The judgements page, kept by the second instance with a stand-in for the CSRF token, is served by
    # the first to another manager with their own token in its forms: their override is recorded.
    judgements = f"/inspections/{inspection.pk}/judgements/"
    assert reader.request(second + judgements)[0] == 200
    member(service, Role.MANAGER, username="maya")
    colleague = Browser()
    assert sign_in(colleague, first, "maya", PASSWORD)[0] == 302
    area = inspection.framework.areas.get(code="roh")
    status, _, page = colleague.request(first + judgements)
    assert status == 200 and "<kept-csrf-token>" not in page
    token = re.search(
        rf'name="csrfmiddlewaretoken" value="([^"]+)">\s*<input type="hidden" name="area" value="{area.pk}"', page
    ).group(1)
    override = {"area": area.pk, "version": 0, "band_label": "Moderate improvement required", "reason": "Thin files"}
    assert colleague.request(first + judgements, {"csrfmiddlewaretoken": token, **override})[0] == 302
    for base in (second, first):
        assert "Thin files" in reader.request(base + judgements)[2]


def test_a_lockout_on_one_instance_holds_on_the_other(two_instances):
    first, second = two_instances
    member(ServiceFactory(slug="northshire"), Role.OFFICER, username="olivia")
    browser = Browser()
    for _ in range(5):
        status, _, _ = sign_in(browser, first, "olivia", "wrong-password-1")
    assert status == 429
    # The right password, on the other instance: still locked out.
    status, _, page = sign_in(browser, second, "olivia", PASSWORD)
    assert status == 429
    assert "Too many attempts to sign in" in page
    # Another person is not locked out by it.
    member(ServiceFactory(slug="eastbridge"), Role.OFFICER, username="owen")
    assert sign_in(Browser(), second, "owen", PASSWORD)[0] == 302
