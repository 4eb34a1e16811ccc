"""Structured logs: one JSON object a line, each with the request id, and no personal data.

RequestIdMiddleware gives every request an id (the X-Request-ID a proxy sent, when it is a sane
token, else a new one), sends it back in the X-Request-ID header and puts it on every log line
written while the request runs (RequestIdFilter). The access line (logger "yos_audit.request")
names the view, never the path: paths carry ids, and the query string could carry anything.

Personal data stays out: the app logs no names, case references or notes; django-axes is told to
describe a failed sign-in without the username or address (axes_client_str); Django's own
"Not Found: /path" style messages keep their path, which holds only numeric ids.
"""

import contextvars
import logging
import re
import time
import uuid

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

request_id_var = contextvars.ContextVar("request_id", default="-")
REQUEST_ID_HEADER = "X-Request-ID"
_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

request_logger = logging.getLogger("yos_audit.request")


def current_request_id():
    return request_id_var.get()


class RequestIdFilter(logging.Filter):
    """Put the current request id on the record (a dash outside any request)."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


class JsonFormatter(_JsonFormatter):
    """time, level, logger, message, request_id, plus the fields passed as `extra` (the access line's)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s")
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"})
        kwargs.setdefault("datefmt", "%Y-%m-%dT%H:%M:%S%z")
        super().__init__(*args, **kwargs)


def axes_client_str(username, ip_address, user_agent, path_info, request):
    """How django-axes describes a failed sign-in in the log: no username, no address."""
    return f"{{path: {path_info!r}, request_id: {request_id_var.get()!r}}}"


class RequestIdMiddleware:
    """Give each request an id and write one access line per request (view, method, status, duration)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _SANE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        request.request_id = request_id
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            match = getattr(request, "resolver_match", None)
            request_logger.info(
                "request",
                extra={
                    "method": request.method,
                    "view": match.view_name if match else "unresolved",
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            return response
        finally:
            request_id_var.reset(token)
