"""Reads the ORM builds once per process and runs with each request's values.

Building a query (its filters, joins, subqueries) and compiling it to SQL takes Django several times
longer than the database takes to answer a small read: 3 ms of Python for the benchmark's one query
across 150 services, against 0.5 ms to run the same SQL. A `PreparedRead` asks the ORM for the
query once per process, for each database connection and each number of values in a list (the
rules and the SQL stay the ORM's: `Inspection.objects.published()`, `Answer.objects.counting()`...), then runs
that SQL with the request's values and turns the rows into values by the ORM's own converters (a
date on SQLite, a JSON field). Nothing read is kept: only the statement.

The values are integers (ids): each is built into the query as a stand-in (a negative integer no row
has), found again among the compiled statement's parameters, and replaced there on each run. A page
of the rows (`limit`, `offset`) is asked for by parameters too: the ORM writes a slice's numbers into
the SQL itself, which would make a statement for every page.
"""

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections, router

# Stand-ins for the values while the query is compiled: integers no id takes, within 32 bits.
_STAND_IN = -2_000_000_000


class PreparedRead:
    """`build(*values)` returns a `values_list` QuerySet of `model`, not sliced; each value an integer
    or a list of integers. `rows(*values)`: that query's rows (tuples) for these values, in one
    statement; `rows(*values, limit=25, offset=50)`: at most 25 of them from the 51st (LIMIT and
    OFFSET, after the query's own ordering)."""

    def __init__(self, model, build):
        self.model = model
        self.build = build
        # {(connection, shape, paged): (compiler, sql, params, {parameter position: slot}, converters)}
        self._compiled = {}

    def rows(self, *values, limit=None, offset=0):
        paged = limit is not None
        connection, compiled = self._statement(values, paged)
        if compiled is EmptyResultSet:  # an empty list of values: no row can match
            return []
        compiler, sql, fixed, slots, converters = compiled
        flat = [item for value in values for item in (value if isinstance(value, (list, tuple)) else [value])]
        params = [flat[slots[i]] if i in slots else param for i, param in enumerate(fixed)]
        if paged:
            params += [int(limit), int(offset)]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
        if converters is None:  # a query with composite fields: as the ORM turns its rows into values
            return list(compiler.results_iter(results=[fetched], tuple_expected=True))
        # The ORM's converters (`results_iter`'s), found once with the statement: they depend on its columns only.
        return list(map(tuple, compiler.apply_converters(fetched, converters))) if converters else fetched

    def compiler(self, *values):
        """The ORM's compiler of the statement run for these values (not paged), compiled once."""
        return self._statement(values)[1][0]

    def _statement(self, values, paged=False):
        """This thread's connection, and the statement for values of this shape on it: (compiler, sql,
        params, {parameter position: slot}, converters), or EmptyResultSet; compiled on first use."""
        alias = router.db_for_read(self.model) or DEFAULT_DB_ALIAS
        connection = connections[alias]  # this thread's connection
        shape = tuple(len(value) if isinstance(value, (list, tuple)) else None for value in values)
        compiled = self._compiled.get((connection, shape, paged))
        if compiled is None:
            compiled = self._compiled[(connection, shape, paged)] = self._compile(alias, shape, paged)
        return connection, compiled

    def _compile(self, alias, shape, paged=False):
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
        if paged:
            if compiler.query.is_sliced:
                raise ValueError("A paged read's query must not be sliced: its page is asked for by parameters.")
            sql += " LIMIT %s OFFSET %s"
        fields = [selected[0] for selected in compiler.select[0 : compiler.col_count]]
        converters = None if compiler.has_composite_fields(fields) else compiler.get_converters(fields)
        return compiler, sql, list(params), slots, converters
