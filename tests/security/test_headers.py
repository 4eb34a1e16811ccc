"""Security headers on every page, and error pages that show no detail."""

import pytest
from django.db import OperationalError
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import path

from yos_audit.urls import handler403, handler404, handler500  # noqa: F401 (this module is a URLconf too)
from yos_audit.urls import urlpatterns as site_urlpatterns


def boom(request):
    raise ValueError("secret-internal-detail in a traceback")


def database_gone(request):
    raise OperationalError("could not connect to server: Connection refused 10.1.2.3")


def fine(request):
    return HttpResponse("ok")


urlpatterns = [
    path("boom/", boom),
    path("database-gone/", database_gone),
    path("fine/", fine),
    *site_urlpatterns,
]


@pytest.fixture
def quiet_client():
    """A client that returns the error page rather than raising the view's exception."""
    return Client(raise_request_exception=False)


@pytest.mark.django_db
def test_every_page_sends_the_security_headers(client, officer):
    client.force_login(officer)
    for url in ["/", "/account/sign-in/", "/accessibility/", "/no-such-page/"]:
        response = client.get(url)
        csp = response["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, url
        assert directives["default-src"] == "'self'"
        assert directives["script-src"] == "'self'"
        assert directives["style-src"] == "'self'"
        assert directives["frame-ancestors"] == "'none'"
        assert directives["object-src"] == "'none'"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert "camera=()" in response["Permissions-Policy"]
        assert "microphone=()" in response["Permissions-Policy"]
        assert "geolocation=()" in response["Permissions-Policy"]
        assert "Server" not in response and "X-Powered-By" not in response


@override_settings(
    SECURE_HSTS_SECONDS=31536000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
    SESSION_COOKIE_SECURE=True,
    CSRF_COOKIE_SECURE=True,
    SECURE_SSL_REDIRECT=True,
)
@pytest.mark.django_db
def test_production_style_settings_send_hsts_and_secure_cookies(officer, password):
    client = Client()
    assert client.get("/account/sign-in/").status_code == 301  # plain http goes to https
    page = client.get("/account/sign-in/", secure=True)
    assert page["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert page.cookies["csrftoken"]["secure"]
    response = client.post("/account/sign-in/", {"login": "olivia", "password": password}, secure=True)
    session_cookie = response.cookies["sessionid"]
    assert session_cookie["secure"] and session_cookie["httponly"]
    assert session_cookie["samesite"] == "Lax"


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_the_500_page_shows_no_traceback_or_detail(quiet_client):
    response = quiet_client.get("/boom/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in html
    for leak in ["secret-internal-detail", "Traceback", "ValueError", "site-packages", "/work/", "DEBUG"]:
        assert leak not in html


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_a_database_failure_gives_the_503_page_without_detail(quiet_client):
    response = quiet_client.get("/database-gone/")
    html = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Sorry, the service is unavailable" in html
    assert "10.1.2.3" not in html and "OperationalError" not in html and "Traceback" not in html


@override_settings(DEBUG=False)
@pytest.mark.django_db
def test_the_404_page_does_not_list_the_urls(client):
    html = client.get("/no-such-page/").content.decode()
    assert "Page not found" in html
    assert "urlpatterns" not in html.lower() and "inspections/&lt;int:pk&gt;" not in html
