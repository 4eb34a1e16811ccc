"""Insert many rows, each with its history row, in a few statements (a 10,000-row cohort in seconds).

django-simple-history's bulk_create_with_history builds a Python object per history row and lets
the ORM prepare every value twice; at 10,000 cases that is most of an import's time. Here the rows go
in by multi-row INSERTs of plain values, and the history rows are copied by the database itself
(INSERT ... SELECT), with the same who, when and type ('+', created) as simple-history writes.
"""

from django.db import connection, models
from django.utils import timezone


def bulk_insert_with_history(model, rows, *, scope_field, scope_value, by=None, change_reason=None, batch=500):
    """Insert `rows` ({attname, e.g. "inspection_id": value}) of `model`, one history row each; returns them.

    Fields left out take their default (auto_now_add ones: now). `scope_field`/`scope_value` name the
    parent the rows belong to (e.g. "inspection", its pk): the caller holds a lock on it, so this
    parent's rows with a higher id than before are these.
    """
    if not rows:
        return []
    quote = connection.ops.quote_name
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    defaults = {}
    for f in fields:
        if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False):
            defaults[f.attname] = now
        elif f.has_default():
            defaults[f.attname] = f.get_default()
        else:
            defaults[f.attname] = None if f.null else ""
    names = [f.attname for f in fields]
    datetimes = {f.attname for f in fields if isinstance(f, models.DateTimeField)}
    values = []
    for row in rows:
        for name in names:
            value = row[name] if name in row else defaults[name]
            values.append(models.DateTimeField().get_db_prep_save(value, connection) if name in datetimes else value)
    table = quote(model._meta.db_table)
    scope_column = model._meta.get_field(scope_field).column
    pk_column = model._meta.pk.column
    columns = ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX({quote(pk_column)}) FROM {table} WHERE {quote(scope_column)} = %s", [scope_value])  # noqa: S608
        before = cursor.fetchone()[0] or 0
        placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
        width = len(fields)
        for start in range(0, len(rows), batch):
            count = min(batch, len(rows) - start)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([placeholders] * count)}",  # noqa: S608
                values[start * width : (start + count) * width],
            )
        history = model.history.model
        history_table = quote(history._meta.db_table)
        copied = ", ".join(quote(f.column) for f in model._meta.concrete_fields)
        where = f"{quote(scope_column)} = %s AND {quote(pk_column)} > %s"
        cursor.execute(
            f"INSERT INTO {history_table} "  # noqa: S608 (names from the models, values as parameters)
            f"({copied}, history_date, history_change_reason, history_type, history_user_id) "
            f"SELECT {copied}, %s, %s, '+', %s FROM {table} WHERE {where}",
            [
                models.DateTimeField().get_db_prep_save(now, connection),
                change_reason,
                getattr(by, "pk", None),
                scope_value,
                before,
            ],
        )
    return list(model.objects.filter(**{scope_field: scope_value, "pk__gt": before}).order_by("pk"))
