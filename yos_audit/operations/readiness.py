"""The readiness check: can this instance serve? Database, migrations, static files, Redis when configured.

/healthz stays the cheap liveness check for load balancers (one SELECT 1). /readyz does more and
answers only with the READINESS_TOKEN (Authorization: Bearer ...), so its detail is not public.
"""

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import caches
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor

OK = "ok"
STATIC_PROBE = "build/application.css"  # the compiled stylesheet every page needs (make assets)
REDIS_BACKENDS = ("django.core.cache.backends.redis.RedisCache", "django_redis.cache.RedisCache")


def check_database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return "unreachable"
    return OK


def check_migrations():
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError:
        return "unknown: the database is unreachable"
    return OK if not plan else f"{len(plan)} not applied"


def check_static_files():
    """The stylesheet is in the manifest (after collectstatic) or, in development, found by the finders."""
    manifest = getattr(staticfiles_storage, "hashed_files", None)
    if manifest is not None and hasattr(staticfiles_storage, "manifest_name"):
        return OK if STATIC_PROBE in manifest else "not in the manifest: run make assets and collectstatic"
    if staticfiles_storage.exists(STATIC_PROBE):
        return OK
    if settings.WHITENOISE_USE_FINDERS and finders.find(STATIC_PROBE):
        return OK
    return "missing: run make assets and collectstatic"


def check_redis():
    """Each cache on Redis answers a write and a read; None when no cache uses Redis."""
    aliases = [alias for alias, config in settings.CACHES.items() if config.get("BACKEND") in REDIS_BACKENDS]
    if not aliases:
        return None
    for alias in aliases:
        try:
            cache = caches[alias]
            cache.set("yos-readiness-probe", "1", timeout=10)
            if cache.get("yos-readiness-probe") != "1":
                return f"{alias}: wrote but could not read back"
        except Exception as error:  # noqa: BLE001 (any client error means not ready)
            return f"{alias}: unreachable ({type(error).__name__})"
    return OK


def readiness():
    """{check: "ok" or what is wrong}; Redis only when a cache uses it."""
    checks = {
        "database": check_database(),
        "migrations": check_migrations(),
        "static_files": check_static_files(),
    }
    redis = check_redis()
    if redis is not None:
        checks["redis"] = redis
    return checks
