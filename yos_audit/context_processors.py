"""What every page's layout needs: the current service, the switcher and the role's navigation."""

from functools import lru_cache

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from inspections.models import Role

from .navigation import navigation_for

ROLE_LABELS = dict(Role.choices)


def layout(request):
    membership = getattr(request, "membership", None)
    memberships = getattr(request, "memberships", [])
    items = []
    if membership is not None:
        for label, url_name in navigation_for(membership.role):
            try:
                url = reverse(url_name)
            except NoReverseMatch:
                continue
            current = request.path == url or (url != "/" and request.path.startswith(url))
            items.append({"label": label, "url": url, "current": current})
    switchable = memberships if len(memberships) > 1 else []
    current_id = membership.service_id if membership else None
    return {
        "current_membership": membership,
        "current_service": membership.service if membership else None,
        "switchable_memberships": switchable,
        "switcher_options": _switcher_options(switchable, current_id),
        "navigation": items,
        "session_idle_timeout": settings.SESSION_IDLE_TIMEOUT,
        "session_idle_warning": settings.SESSION_IDLE_WARNING,
        "session_idle_warning_minutes": max(settings.SESSION_IDLE_WARNING // 60, 1),
        # The sign-in page offers the council's provider only when it is configured.
        "single_sign_on_name": settings.OIDC_NAME if settings.OIDC_SERVER_URL and settings.OIDC_CLIENT_ID else "",
    }


def _switcher_options(memberships, current_id):
    """The service switcher's <option>s, written once here: an inspector may belong to all 150 services."""
    return mark_safe(  # noqa: S308 (each option escaped by _switcher_option)
        "".join(_switcher_option(m.service_id, m.service.name, m.role, m.service_id == current_id) for m in memberships)
    )


@lru_cache(maxsize=4096)
def _switcher_option(service_id, name, role, selected):
    """One <option>, with its name and role escaped. Kept for the process, keyed by the very values
    it shows, so a renamed service or a changed role makes a new option at once (never a stale one).
    The value is the service's integer id."""
    return (
        f'<option value="{int(service_id)}"{" selected" if selected else ""}>'
        f"{conditional_escape(name)} ({conditional_escape(ROLE_LABELS.get(role, role))})</option>"
    )
