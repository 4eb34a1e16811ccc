"""Putting records that predate their record of changes on record (no request, no user).

simple-history writes a row for every change from the day a model got `history`; a record made
before then (or written by a bulk update that bypasses it) has no row at all, so its history page
would start at its first later change and the record would look as if it came from nowhere.
`record_initial_history` gives each such record one "+" row, dated now, with the reason
"On record from this date" and no user. It runs in a migration (with the migration's models, so it
works at any later schema) and as `manage.py record_initial_history` (idempotent) at every deploy.
"""

from django.utils import timezone

REASON = "On record from this date"


def _history_pairs(apps):
    """(model, historical model) for every model with a record of changes, m2m link tables left aside."""
    models = {(m._meta.app_label, m._meta.model_name): m for m in apps.get_models()}
    for (app_label, name), model in models.items():
        if name.startswith("historical"):
            continue
        historical = models.get((app_label, f"historical{name}"))
        if historical is not None:
            yield model, historical


def record_initial_history(apps, *, batch_size=500) -> dict[str, int]:
    """Give every record without a history row one; {model label: rows written}."""
    written = {}
    now = timezone.now()
    for model, historical in _history_pairs(apps):
        pk = model._meta.pk.attname
        on_record = historical.objects.values(pk)
        missing = model.objects.exclude(**{f"{pk}__in": on_record}).order_by(pk)
        names = {f.attname for f in historical._meta.concrete_fields}
        fields = [f.attname for f in model._meta.concrete_fields if f.attname in names]
        rows = [
            historical(
                **{name: getattr(obj, name) for name in fields},
                history_date=now,
                history_type="+",
                history_change_reason=REASON,
            )
            for obj in missing.iterator(chunk_size=batch_size)
        ]
        if rows:
            historical.objects.bulk_create(rows, batch_size=batch_size)
            written[model._meta.label] = len(rows)
    return written
