"""Operations: the readiness check, JSON logs with a request id and no personal data, metrics, Sentry."""

import io
import json
import logging

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.urls import reverse

from tests.factories import (
    EXAMPLES,
    PASSWORD,
    AssessmentFactory,
    CaseFactory,
    InspectionFactory,
    make_sampling_inspection,
    upload,
)
from yos_audit.operations import readiness as readiness_module
from yos_audit.operations.logs import JsonFormatter, RequestIdFilter
from yos_audit.operations.sentry import scrub_event

pytestmark = pytest.mark.django_db

TOKEN = "a-long-random-operations-token-0123456789"


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


# Health and readiness ---------------------------------------------------------------------------


def test_healthz_stays_open_and_cheap(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["status"] == "ok"


def test_readiness_is_off_without_a_token_setting_and_refuses_a_wrong_token(client, settings):
    settings.READINESS_TOKEN = ""
    assert client.get("/readyz").status_code == 404
    assert client.get("/readyz", **bearer(TOKEN)).status_code == 404
    settings.READINESS_TOKEN = TOKEN
    assert client.get("/readyz").status_code == 401
    refused = client.get("/readyz", **bearer(TOKEN + "x"))
    assert refused.status_code == 401 and "database" not in refused.content.decode()


def test_readiness_reports_each_check(client, settings):
    settings.READINESS_TOKEN = TOKEN
    response = client.get("/readyz", **bearer(TOKEN))
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {"database": "ok", "migrations": "ok", "static_files": "ok"},
    }


def test_readiness_fails_when_a_migration_is_not_applied(client, settings):
    settings.READINESS_TOKEN = TOKEN
    MigrationRecorder(connection).migration_qs.filter(app="improvement").order_by("-id").first().delete()
    response = client.get("/readyz", **bearer(TOKEN))
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == "1 not applied"


def test_readiness_fails_when_the_stylesheet_is_missing(client, settings, monkeypatch):
    settings.READINESS_TOKEN = TOKEN
    monkeypatch.setattr(readiness_module, "STATIC_PROBE", "build/not-built.css")
    response = client.get("/readyz", **bearer(TOKEN))
    assert response.status_code == 503
    assert response.json()["checks"]["static_files"].startswith("missing")


def test_readiness_checks_redis_only_when_a_cache_uses_it(client, settings):
    settings.READINESS_TOKEN = TOKEN
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "shared": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"},
    }
    response = client.get("/readyz", **bearer(TOKEN))
    assert response.status_code == 503
    assert response.json()["checks"]["redis"].startswith("shared: unreachable")


# Metrics ----------------------------------------------------------------------------------------


def test_metrics_are_off_without_a_setting_and_refuse_a_wrong_token(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_NETWORKS = []
    assert client.get("/metrics").status_code == 404
    settings.METRICS_TOKEN = TOKEN
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", **bearer("wrong")).status_code == 401


def test_metrics_show_latency_by_view_queries_and_sign_in_failures(client, settings, officer):
    settings.METRICS_TOKEN = TOKEN
    before = client.get("/metrics", **bearer(TOKEN)).content.decode()
    client.post(reverse("account_login"), {"login": "olivia", "password": "not-the-password"})
    client.force_login(officer)
    client.get(reverse("home"))
    response = client.get("/metrics", **bearer(TOKEN))
    assert response.status_code == 200
    text = response.content.decode()
    assert 'yos_request_duration_seconds_count{method="GET",view="home"}' in text
    assert 'yos_db_queries_total{view="home"}' in text

    def failures(page):
        line = next(line for line in page.splitlines() if line.startswith("yos_sign_in_failures_total "))
        return float(line.split()[1])

    assert failures(text) == failures(before) + 1
    assert 'view="metrics"' not in text  # scrapes are not counted as traffic


def test_metrics_can_be_limited_to_networks_instead(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8"]
    assert client.get("/metrics").status_code == 401  # the test client comes from 127.0.0.1
    settings.METRICS_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    assert client.get("/metrics").status_code == 200


# Logs -------------------------------------------------------------------------------------------


@pytest.fixture
def json_log():
    """What the production handler (JSON, request id) writes, with the access lines on."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    request_logger = logging.getLogger("yos_audit.request")
    old_level = request_logger.level
    request_logger.setLevel(logging.INFO)
    root.addHandler(handler)
    yield stream
    root.removeHandler(handler)
    request_logger.setLevel(old_level)


def lines(stream):
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_each_request_has_an_id_on_its_log_lines_and_in_its_response(client, json_log, officer):
    client.force_login(officer)
    response = client.get(reverse("home"))
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    access = [line for line in lines(json_log) if line["logger"] == "yos_audit.request"]
    assert access[-1]["request_id"] == request_id
    assert access[-1]["view"] == "home" and access[-1]["status"] == 200
    assert {"time", "level", "message", "duration_ms", "method"} <= set(access[-1])
    # A proxy's id is kept, so its logs and ours join up; anything odd is replaced.
    assert client.get("/healthz", HTTP_X_REQUEST_ID="lb-0123456789abcdef")["X-Request-ID"] == "lb-0123456789abcdef"
    assert client.get("/healthz", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"] != "<script>"


def test_a_sign_in_a_scoring_save_and_an_import_leave_no_personal_data_in_the_log(
    client, json_log, officer, manager, service
):
    officer.first_name, officer.last_name = "Olivia", "Okonkwo-Smythe"
    officer.save()
    assessment = AssessmentFactory(
        case=CaseFactory(inspection=InspectionFactory(service=service), reference="NS-0001"), assessor=officer
    )
    # Sign-in: a wrong password (logged by django-axes), then the right one.
    client.post(reverse("account_login"), {"login": "olivia", "password": "wrong-password-1"})
    assert client.post(reverse("account_login"), {"login": "olivia", "password": PASSWORD}).status_code == 302
    # A scoring save with a note.
    saved = client.post(
        reverse("cases:assessment", args=[assessment.pk]),
        {"version": 0, "action": "draft", "q-roh-1": "no", "note-roh-1": "Mother disclosed domestic abuse"},
    )
    assert saved.status_code == 302
    # A cohort import with names and references.
    client.force_login(manager)
    inspection = make_sampling_inspection(service)
    client.post(
        reverse("cases:cohort_upload", args=[inspection.pk]),
        {"file": upload((EXAMPLES / "cohort-clean.csv").read_bytes())},
    )
    token = client.session[f"cohort-upload-{inspection.pk}"]["token"]
    assert client.post(reverse("cases:cohort_preview", args=[inspection.pk]), {"token": token}).status_code == 302

    log = json_log.getvalue()
    records = lines(json_log)
    assert any("login failure" in line["message"] for line in records)  # axes did log the failure
    assert {"account_login", "cases:assessment", "cases:cohort_preview"} <= {line.get("view") for line in records}
    assert all(line["request_id"] != "-" for line in records if line["logger"] == "yos_audit.request")
    for personal in [
        "olivia",
        "Olivia",
        "Okonkwo",
        officer.email,
        "NS-0001",
        "NS-2015-0001",
        "Tom Whitfield",
        "Priya Natarajan",
        "domestic abuse",
        "127.0.0.1",
        PASSWORD,
    ]:
        assert personal not in log, f"{personal!r} is in the log"


# Sentry -----------------------------------------------------------------------------------------


def test_sentry_events_are_scrubbed_of_personal_data():
    event = {
        "request": {
            "url": "https://audit.example/cases/12/?q=Tom+Whitfield",
            "data": {"note-roh-1": "Mother disclosed domestic abuse"},
            "cookies": {"sessionid": "abc"},
            "query_string": "q=Tom+Whitfield",
            "headers": {"Cookie": "sessionid=abc", "Authorization": "Bearer x", "User-Agent": "Firefox"},
            "env": {"REMOTE_ADDR": "203.0.113.9"},
        },
        "user": {"id": "7", "username": "olivia", "email": "olivia@example.invalid", "ip_address": "203.0.113.9"},
        "breadcrumbs": {"values": [{"message": "query", "data": {"params": ["NS-0001"]}}]},
        "exception": {"values": [{"stacktrace": {"frames": [{"function": "save", "vars": {"note": "abuse"}}]}}]},
    }
    scrubbed = json.dumps(scrub_event(event))
    for personal in ["Whitfield", "domestic", "sessionid", "Bearer", "olivia", "203.0.113.9", "NS-0001", "abuse"]:
        assert personal not in scrubbed
    assert event["user"] == {"id": "7"}
    assert event["request"]["url"] == "https://audit.example/cases/12/"


def test_sentry_is_set_up_only_when_a_dsn_is_given():
    from tests.yos_audit.test_settings import run_manage

    code = (
        "import sentry_sdk; c = sentry_sdk.get_client(); "
        "print(c.is_active(), c.options.get('send_default_pii'), c.options.get('include_local_variables'))"
    )
    with_dsn = run_manage("shell", "--no-imports", "-c", code, DEBUG="1", SENTRY_DSN="https://public@sentry.invalid/1")
    assert with_dsn.stdout.split() == ["True", "False", "False"], with_dsn.stderr
    without = run_manage("shell", "--no-imports", "-c", code, DEBUG="1")
    assert without.stdout.split()[0] == "False", without.stderr


def test_readiness_and_metrics_need_no_sign_in_and_no_two_factor(client, inspector, settings):
    # Only the settings fixture: mixed with override_settings, its undo would leave the token set.
    settings.READINESS_TOKEN = TOKEN
    settings.REQUIRE_TWO_FACTOR_FOR = ["inspectors"]
    client.force_login(inspector)  # signed in but without a second factor: still answered
    assert client.get("/readyz", **bearer(TOKEN)).status_code == 200


def test_a_set_up_link_signed_with_the_old_key_still_works_during_a_key_rotation(settings, inspector):
    from yos_audit.two_factor import enrolment_token, enrolment_token_problem

    old_key = settings.SECRET_KEY
    token = enrolment_token(inspector)
    settings.SECRET_KEY = "a-new-secret-key-" + "n" * 50
    assert enrolment_token_problem(token, inspector) is not None  # signed with a key no longer known
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert enrolment_token_problem(token, inspector) is None
