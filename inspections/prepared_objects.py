"""`PreparedRead` for model objects: a QuerySet the ORM builds and compiles once per process (per
connection and number of ids, as `inspections/prepared.py`), run with each request's ids, its rows
made into model objects as the ORM makes them (`select_related` objects, `only`, annotations).

For the small reads a page makes of a few objects, building and compiling the query is most of
their cost; the objects are the ORM's own, so the code and templates that use them do not change.
Not for `prefetch_related` (it is not run) nor for a related manager's query (`plan.themes`: its
objects would not know their plan). Nothing read is kept: only the statement.
"""

from django.db import DEFAULT_DB_ALIAS, router
from django.db.models.base import ModelState
from django.db.models.query import get_related_populators

from .prepared import PreparedRead


class PreparedObjects(PreparedRead):
    """`build(*values)` returns a QuerySet of `model` objects; `objects(*values)` its objects for
    these values, in one statement (none for an empty list of values)."""

    def __init__(self, model, build):
        super().__init__(model, build)
        self._made = {}  # {a statement's compiler: how to make its rows into objects}

    def objects(self, *values):
        rows = self.rows(*values)
        if not rows:
            return []
        alias = router.db_for_read(self.model) or DEFAULT_DB_ALIAS
        compiler = self.compiler(*values)
        made = self._made.get(compiler)
        if made is None:
            made = self._made[compiler] = _how_to_make(compiler, alias)
        model, start, end, init_list, populators, annotations = made
        found = []
        for row in rows:
            obj = model.from_db(alias, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            for name, position in annotations:
                setattr(obj, name, row[position])
            found.append(obj)
        return found

    def first(self, *values):
        """The first object for these values, or None."""
        found = self.objects(*values)
        return found[0] if found else None


def _how_to_make(compiler, alias):
    """What Django's ModelIterable works out from a compiled query to make its rows into objects."""
    select, klass_info = compiler.select, compiler.klass_info
    select_fields = klass_info["select_fields"]
    start, end = select_fields[0], select_fields[-1] + 1
    init_list = [column[0].target.attname for column in select[start:end]]
    return (
        klass_info["model"],
        start,
        end,
        init_list,
        get_related_populators(klass_info, select, alias),
        list(compiler.annotation_col_map.items()),
    )


def as_read(model, db, attnames, values):
    """The object `model.from_db(db, attnames, values)` makes of a row of every concrete field, made
    without `Model.__init__`'s work for each field and its pre_init and post_init signals (only for models no
    receiver listens for: Django's own is for image fields). Used for the sign-in's memberships and
    services (an inspector of 150 services has 300 of them on every request; tests/yos_audit/test_pages.py
    compares the two) and the judgements page's framework."""
    instance = model.__new__(model)
    instance._state = ModelState()
    instance._state.adding = False
    instance._state.db = db
    instance.__dict__.update(zip(attnames, values, strict=True))
    return instance
