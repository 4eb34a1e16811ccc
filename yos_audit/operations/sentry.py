"""Error reporting to Sentry when SENTRY_DSN is set, with personal data scrubbed before sending.

sentry-sdk is told not to send personal data (send_default_pii=False, no local variables), and
scrub_event removes what could still carry it: request bodies, cookies, query strings, headers
other than a few harmless ones, the user apart from the id, and breadcrumbs' data.
"""

KEPT_HEADERS = {"content-type", "content-length", "user-agent", "x-request-id", "accept"}


def scrub_event(event, hint=None):
    request = event.get("request")
    if request:
        for key in ("data", "cookies", "query_string", "env"):
            request.pop(key, None)
        headers = request.get("headers") or {}
        request["headers"] = {name: value for name, value in headers.items() if name.lower() in KEPT_HEADERS}
        if "url" in request:
            request["url"] = request["url"].split("?", 1)[0]
    user = event.get("user")
    if user:
        event["user"] = {"id": user["id"]} if "id" in user else {}
    for crumb in (event.get("breadcrumbs") or {}).get("values", []):
        crumb.pop("data", None)
    for exception in (event.get("exception") or {}).get("values", []):
        for frame in (exception.get("stacktrace") or {}).get("frames", []):
            frame.pop("vars", None)
    return event


def init_sentry(dsn, *, environment, traces_sample_rate, release=None):
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    from .logs import current_request_id

    def before_send(event, hint):
        event.setdefault("tags", {})["request_id"] = current_request_id()
        return scrub_event(event, hint)

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        integrations=[DjangoIntegration()],
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        traces_sample_rate=traces_sample_rate,
        before_send=before_send,
        before_send_transaction=lambda event, hint: scrub_event(event, hint),
    )
