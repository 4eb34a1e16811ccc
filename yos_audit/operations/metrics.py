"""Prometheus metrics (prometheus-client): request latency by view, database queries, sign-in failures.

MetricsMiddleware times each request and counts its database queries, labelled by the view's
URL name (never the path, which holds ids). Failed sign-ins are counted from Django's
user_login_failed signal (wrong passwords and wrong two-factor codes alike). Under gunicorn with
several workers set PROMETHEUS_MULTIPROC_DIR to an empty folder so /metrics adds up every worker.
"""

import os
import time

from django.contrib.auth.signals import user_login_failed
from django.db import connection
from django.dispatch import receiver
from prometheus_client import REGISTRY as DEFAULT_REGISTRY
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess

REQUEST_LATENCY = Histogram(
    "yos_request_duration_seconds",
    "Time to answer a request, by view (URL name) and method",
    ["view", "method"],
    buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
REQUESTS = Counter("yos_requests", "Requests answered, by view, method and status", ["view", "method", "status"])
DB_QUERIES = Counter("yos_db_queries", "Database queries run while answering requests, by view", ["view"])
SIGN_IN_FAILURES = Counter("yos_sign_in_failures", "Failed sign-ins (wrong password or wrong code)")


def latest():
    """The text exposition of every metric (of every worker when PROMETHEUS_MULTIPROC_DIR is set)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(DEFAULT_REGISTRY)


class _QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class MetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        counter = _QueryCounter()
        started = time.perf_counter()
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = match.view_name if match else "unresolved"
        if view == "metrics":
            return response
        REQUEST_LATENCY.labels(view=view, method=request.method).observe(time.perf_counter() - started)
        REQUESTS.labels(view=view, method=request.method, status=str(response.status_code)).inc()
        if counter.count:
            DB_QUERIES.labels(view=view).inc(counter.count)
        return response


@receiver(user_login_failed)
def count_sign_in_failure(sender, **kwargs):
    SIGN_IN_FAILURES.inc()
