"""Read-only pages may read from a PostgreSQL read replica (DATABASE_REPLICA_URL); everything else,
and every write, goes to the primary.

A view marked with `@read_only_page` runs its queries on the "replica" database when one is
configured; the session, the signed-in person and anything written are always on "default"
(the middleware runs before the view and after it, outside the mark). A replica lags its primary
by a moment: mark only pages that list figures across services or over time, never a page that
is read back right after a save (see docs/deploy.md).
"""

import contextvars
import functools

from django.conf import settings

REPLICA = "replica"
_read_only = contextvars.ContextVar("yos_audit_read_only_page", default=False)


def replica_configured():
    return REPLICA in settings.DATABASES


def read_only_page(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not replica_configured():
            return view(request, *args, **kwargs)
        token = _read_only.set(True)
        try:
            return view(request, *args, **kwargs)
        finally:
            _read_only.reset(token)

    return wrapper


class ReadReplicaRouter:
    def db_for_read(self, model, **hints):
        return REPLICA if _read_only.get() and replica_configured() else None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same rows, on the primary and its copy

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
