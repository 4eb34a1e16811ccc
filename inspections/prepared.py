"""Reads the ORM builds once per process and runs with each request's values.

Building a query (its filters, joins, subqueries) and compiling it to SQL takes Django several times
longer than the database takes to answer a small read: 3 ms of Python for the benchmark's one query
across 150 services, against 0.5 ms to run the same SQL. A `PreparedRead` asks the ORM for the
query once per process, for each database connection and each number of values in a list (the
rules and the SQL stay the ORM's: `Inspection.objects.published()`, `Answer.objects.counting()`...), then runs
that SQL with the request's values and turns the rows into values by the ORM's own converters (a
date on SQLite, a JSON field). Nothing read is kept: only the statement.

The values are integers (ids): each is built into the query as a stand-in (a negative integer no row
has), found again among the compiled statement's parameters, and replaced there on each run.
"""

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.models.query import get_related_populators

# Stand-ins for the values while the query is compiled: integers no id takes, within 32 bits.
_STAND_IN = -2_000_000_000


class PreparedRead:
    """`build(*values)` returns a QuerySet of `model`; each value an integer or a list of integers.
    `rows(*values)`: the rows (tuples) of that query, a `values_list`, for these values, in one
    statement. `objects(*values)`: the model instances of that query, a QuerySet of objects (its
    `select_related` objects made too, as the ORM makes them), in one statement."""

    def __init__(self, model, build):
        self.model = model
        self.build = build
        self._compiled = {}  # {(connection, shape): (compiler, sql, params, {parameter position: slot})}
        self._makers = {}  # {(connection, shape): (init_list, start, end, related populators)} for objects()

    def rows(self, *values):
        compiler, fetched, _ = self._run(values)
        if compiler is None:
            return []
        return list(compiler.results_iter(results=[fetched], tuple_expected=True))

    def objects(self, *values):
        compiler, fetched, key = self._run(values)
        if compiler is None:
            return []
        maker = self._makers.get(key)
        if maker is None:  # what ModelIterable works out from the compiled query, once
            select, klass_info = compiler.select, compiler.klass_info
            fields = klass_info["select_fields"]
            start, end = fields[0], fields[-1] + 1
            init_list = [column[0].target.attname for column in select[start:end]]
            maker = self._makers[key] = (
                init_list,
                start,
                end,
                get_related_populators(klass_info, select, compiler.using),
            )
        init_list, start, end, populators = maker
        model, alias, made = compiler.klass_info["model"], compiler.using, []
        for row in compiler.results_iter(results=[fetched]):
            obj = model.from_db(alias, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            made.append(obj)
        return made

    def _run(self, values):
        """(compiler, fetched rows, compiled key), or (None, None, None) when no row can match."""
        alias = router.db_for_read(self.model) or DEFAULT_DB_ALIAS
        connection = connections[alias]  # this thread's connection
        shape = tuple(len(value) if isinstance(value, (list, tuple)) else None for value in values)
        key = (connection, shape)
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = self._compile(alias, shape)
        if compiled is EmptyResultSet:  # an empty list of values: no row can match
            return None, None, None
        compiler, sql, fixed, slots = compiled
        flat = [item for value in values for item in (value if isinstance(value, (list, tuple)) else [value])]
        params = [flat[slots[i]] if i in slots else param for i, param in enumerate(fixed)]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return compiler, cursor.fetchall(), key

    def _compile(self, alias, shape):
        stand_ins, slot = [], 0
        for size in shape:
            if size is None:
                stand_ins.append(_STAND_IN - slot)
                slot += 1
            else:
                stand_ins.append([_STAND_IN - slot - i for i in range(size)])
                slot += size
        compiler = self.build(*stand_ins).query.get_compiler(using=alias)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return EmptyResultSet
        slots = {
            i: _STAND_IN - param
            for i, param in enumerate(params)
            if type(param) is int and _STAND_IN - slot < param <= _STAND_IN
        }
        if set(slots.values()) != set(range(slot)):
            raise ValueError("Each value must appear among the compiled query's parameters.")
        return compiler, sql, list(params), slots
