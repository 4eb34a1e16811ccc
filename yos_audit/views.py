"""Site-wide pages: each role's home ("my work"), the service switcher, health and static pages."""

import sys

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from inspections.middleware import SESSION_KEY
from inspections.models import Role

from . import home_pages


@login_required
@require_GET
def home(request):
    """The signed-in person's work, for their role in the current service."""
    membership = request.membership
    if membership is None:
        return render(request, "home/no_service.html", {"page_title": "No service"})
    page = {
        Role.OFFICER: home_pages.officer_home,
        Role.MANAGER: home_pages.manager_home,
        Role.BOARD_MEMBER: home_pages.board_home,
        Role.INSPECTOR: home_pages.inspector_home,
    }[membership.role]
    template, context = page(request)
    return render(request, template, context)


@login_required
@require_POST
def switch_service(request):
    """Work in another of one's services. A service one is not in is refused."""
    try:
        service_id = int(request.POST.get("service", ""))
    except ValueError:
        return HttpResponseBadRequest("Choose a service.")
    if not any(m.service_id == service_id for m in request.memberships):
        return HttpResponseBadRequest("You are not a member of that service.")
    request.session[SESSION_KEY] = service_id
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "home"
    return redirect(next_url)


@never_cache
@require_GET
def healthz(request):
    """200 when the app can reach its database, 503 when it cannot."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@require_GET
def accessibility(request):
    return render(request, "pages/accessibility.html", {"page_title": "Accessibility statement"})


@require_GET
def cookies(request):
    return render(request, "pages/cookies.html", {"page_title": "Cookies"})


def page_not_found(request, exception):
    return render(request, "404.html", {"page_title": "Page not found"}, status=404)


def permission_denied(request, exception):
    return render(request, "403.html", {"page_title": "You cannot see this page"}, status=403)


def server_error(request):
    """The 500 page (503 while the database cannot be reached): the same design, no detail.

    Rendered without the request's context, which may itself need the database.
    """
    if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
        html = render_to_string("503.html", {"page_title": "Sorry, the service is unavailable"})
        return HttpResponse(html, status=503, headers={"Retry-After": "30"})
    html = render_to_string("500.html", {"page_title": "Sorry, there is a problem with the service"})
    return HttpResponse(html, status=500)
