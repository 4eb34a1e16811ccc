"""/readyz and /metrics: for the operators' tools, each behind its own token (or, for metrics, networks)."""

import hmac
import ipaddress

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST

from . import metrics as metrics_module
from .readiness import OK, readiness


def _bearer(request):
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _token_matches(request, expected):
    given = _bearer(request)
    return bool(expected) and bool(given) and hmac.compare_digest(given.encode(), expected.encode())


def _unauthorised():
    response = HttpResponse(
        "A valid token is needed (Authorization: Bearer ...).\n", status=401, content_type="text/plain"
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


def _from_allowed_network(request):
    networks = settings.METRICS_ALLOWED_NETWORKS
    if not networks:
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(network, strict=False) for network in networks)


@never_cache
@require_GET
def readyz(request):
    """200 with each check "ok", else 503 naming what is wrong. Off (404) unless READINESS_TOKEN is set."""
    if not settings.READINESS_TOKEN:
        raise Http404
    if not _token_matches(request, settings.READINESS_TOKEN):
        return _unauthorised()
    checks = readiness()
    ready = all(result == OK for result in checks.values())
    return JsonResponse({"status": "ready" if ready else "not ready", "checks": checks}, status=200 if ready else 503)


@never_cache
@require_GET
def metrics(request):
    """Prometheus text format, for METRICS_TOKEN or an address in METRICS_ALLOWED_NETWORKS; off (404) without either."""
    if not settings.METRICS_TOKEN and not settings.METRICS_ALLOWED_NETWORKS:
        raise Http404
    if not (_token_matches(request, settings.METRICS_TOKEN) or _from_allowed_network(request)):
        return _unauthorised()
    return HttpResponse(metrics_module.latest(), content_type=CONTENT_TYPE_LATEST)
