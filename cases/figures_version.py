"""Page parts kept in the cache, keyed by the figures' version, so that none is ever out of date.

A live dashboard adds up every counting answer of an inspection's cases (thousands of rows) on each
read, though between two scoring saves nothing it shows can change. The database keeps, in
`cases.FiguresVersion`, how many times the data behind each inspection's figures has changed: its own
triggers add one in the transaction of every change to its cases, assessments, the answers of its
submitted assessments (a draft's count in no figure), the inspection, what publishing stored and its
programme audit (the inspection's row), and to people's names, frameworks and audit templates (the
row of inspection 0), whatever code made the change (cases/migrations/0006_figures_version.py). A
part of a page kept here is keyed by both versions and by everything else it shows (the code, the
day, the reader's blind cases and permissions, the query string): a change is a new key, so a kept
part cannot outlive what it shows; the old one is never read again and expires.

The versions are read before the figures, so a change committed in between is read by the figures
and kept under the older version, which no reader asks for again: never the other way round.
"""

import functools
import hashlib
import importlib
import logging
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.utils import timezone
from django.utils.safestring import mark_safe

from inspections.prepared import PreparedRead

from .models import FiguresVersion

logger = logging.getLogger(__name__)

KEPT_FOR = 60 * 60  # seconds: an unread part expires after an hour (any change makes a new key at once)

EVERYWHERE = 0  # the version of what every inspection's figures read: people's names, frameworks

_VERSIONS = PreparedRead(
    FiguresVersion,
    lambda inspection_ids: FiguresVersion.objects.filter(inspection_id__in=inspection_ids).values_list(
        "inspection_id", "version"
    ),
)


def versions_of(inspection_ids) -> tuple[int, ...]:
    """(the version of every inspection's figures, then each inspection's in the order given; 0 for
    one whose figures never changed): one query."""
    found = dict(_VERSIONS.rows([EVERYWHERE, *inspection_ids]))
    return (found.get(EVERYWHERE, 0), *(found.get(pk, 0) for pk in inspection_ids))


def versions(inspection_id) -> tuple[int, int]:
    """(the version of every inspection's figures, this inspection's): one query."""
    return versions_of([inspection_id])


@functools.cache
def code_fingerprint() -> str:
    """A digest of the code and templates: a part kept by one release is never shown by another
    (instances of two releases may share the cache while a release rolls out)."""
    digest = hashlib.sha256()
    base = Path(settings.BASE_DIR)
    for folder in ("cases", "inspections", "improvement", "yos_audit", "templates"):
        for path in sorted((base / folder).rglob("*")):
            if path.suffix in (".py", ".html") and path.is_file():
                digest.update(str(path.relative_to(base)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


FIGURES_MIGRATION = "cases.migrations.0006_figures_version"


def triggers_in_place(alias, migration=FIGURES_MIGRATION) -> bool:
    """Whether the database `alias` has every trigger that `migration` (a module with `trigger_names`)
    makes to keep the figures' version (a database restored table by table, or migrated with
    `--fake`, may not): asked once per process. Without them nothing they keep is kept, and the error
    is logged once."""
    return _triggers_in_place(alias, migration)


@functools.cache
def _triggers_in_place(alias, migration) -> bool:
    connection = connections[alias]
    expected = set(importlib.import_module(migration).trigger_names(connection.vendor))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'yos_figures%%'")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'yos_figures%'")
        missing = expected - {name for (name,) in cursor.fetchall()}
    if missing:
        logger.error(
            "The figures' version is not kept by the database (%d triggers missing, e.g. %s): pages work "
            "their figures out on every read until `manage.py migrate` puts them back.",
            len(missing),
            sorted(missing)[0],
        )
    return not missing


# What a kept part's forms carry in place of the reader's CSRF token (the context's `csrf_token`, which
# `{% csrf_token %}` and the forms written in Python write out): markup a template never writes from
# anyone's text (a reader's "<" is escaped), swapped for the reader's own token as each page is served
# (`with_reader_token`), so that no reader's token is ever kept, nor served to another.
TOKEN_KEPT = mark_safe("<kept-csrf-token>")  # noqa: S308 (a constant of our own)


def with_reader_token(markup: str, token: str) -> str:
    """A kept part's markup with the reader's CSRF token (`django.middleware.csrf.get_token`) in its forms."""
    return mark_safe(markup.replace(TOKEN_KEPT, token))  # noqa: S308 (our markup; a token is letters and digits)


def kept_part(
    inspection_ids: list, part: str, shown_with: tuple, render: Callable[[], str], *, kept_by=(FIGURES_MIGRATION,)
) -> str:
    """The markup of `part` of a page about the inspections (their ids): kept in the cache, or
    `render()`ed and kept. `shown_with`: everything besides the inspections' data the markup depends
    on (the reader's blind cases, what they may do, the query string). `kept_by`: the migrations whose
    triggers move the versions on every change to that data; nothing is kept if the database lacks
    any of their triggers (`triggers_in_place`)."""
    alias = router.db_for_read(FiguresVersion) or DEFAULT_DB_ALIAS
    if not all(triggers_in_place(alias, migration) for migration in kept_by):
        return render()
    today = timezone.localdate().isoformat()
    key = repr((code_fingerprint(), inspection_ids, versions_of(inspection_ids), today, shown_with))
    first = inspection_ids[0] if inspection_ids else 0
    cache_key = f"kept:{part}:{first}:{hashlib.sha256(key.encode()).hexdigest()}"
    markup = cache.get(cache_key)
    if markup is None:
        markup = render()
        cache.set(cache_key, str(markup), KEPT_FOR)
    return mark_safe(markup)  # noqa: S308 (markup the page's own templates wrote)


def kept_values(part: str, versions: dict, work_out: Callable[[list], dict]) -> dict:
    """{inspection id: value} of `part` for the inspections of `versions` ({inspection id: its figures'
    version, read with the inspection, before any figure}): each kept in the cache under its own
    inspection's version and the code's, those not kept worked out together, `work_out(ids)` ({id:
    value}), and kept. A list of inspections reads each one's figures afresh only when it changed.
    Nothing is kept if the database does not keep the versions (`triggers_in_place`)."""
    if not versions:
        return {}
    if not triggers_in_place(router.db_for_read(FiguresVersion) or DEFAULT_DB_ALIAS):
        return work_out(list(versions))
    keys = {pk: f"kept:{part}:{pk}:{version}:{code_fingerprint()}" for pk, version in versions.items()}
    found = cache.get_many(list(keys.values()))
    values = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [pk for pk in versions if pk not in values]
    if missing:
        worked_out = work_out(missing)
        cache.set_many({keys[pk]: worked_out[pk] for pk in missing}, KEPT_FOR)
        values.update(worked_out)
    return values
