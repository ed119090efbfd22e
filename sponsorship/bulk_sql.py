"""Set-based SQL: many rows in a few statements, whatever their number.

Chunked money work (paying a batch, importing a bank statement) and bulk queues pass Python
values to SQL as tables (`rows_table`, `IdSet`), insert and update many rows at once
(`insert_rows`, `update_many`), and skip rows that already exist (`insert_ignoring_conflicts`).
Each helper gives PostgreSQL and SQLite the form that is fast on each.
"""

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import dml as postgresql_dml
from sqlalchemy.dialects.sqlite import dml as sqlite_dml
from sqlalchemy.sql.visitors import InternalTraversal

from sponsorship.database import is_postgresql
from sponsorship.extensions import db

#: How each attribute of an ON CONFLICT target enters a cache key.
_TRAVERSALS = {
    "constraint_target": InternalTraversal.dp_string,
    "inferred_target_elements": InternalTraversal.dp_multi_list,  # column names or columns
    "inferred_target_whereclause": InternalTraversal.dp_clauseelement,
}


def _cached_insert(dialect_dml, target_attributes: tuple[str, ...]):
    """Return the dialect's INSERT class, its ON CONFLICT DO NOTHING given a cache key.

    SQLAlchemy 2.0 gives neither the dialect's INSERT nor its ON CONFLICT clause a cache key,
    so each chunk's INSERT … SELECT of letters or balances was compiled afresh, a SELECT of a
    dozen joins rendered to SQL 50 times per 100,000 payouts. The key here is made of all the
    clause holds (its conflict target and the target's WHERE), so two statements share a
    compiled form only when they would render alike (tests/test_bulk_sql.py).
    """

    class DoNothing(dialect_dml.OnConflictDoNothing):
        _traverse_internals = [(name, _TRAVERSALS[name]) for name in target_attributes]

    class Insert(dialect_dml.Insert):
        inherit_cache = True

        def on_conflict_do_nothing(self, index_elements=None, index_where=None):
            stmt = super().on_conflict_do_nothing(
                index_elements=index_elements, index_where=index_where
            )
            stmt._post_values_clause = DoNothing(
                index_elements=index_elements, index_where=index_where
            )
            return stmt

    return Insert


_TARGET = ("inferred_target_elements", "inferred_target_whereclause")
_PostgresqlInsert = _cached_insert(postgresql_dml, ("constraint_target", *_TARGET))
_SqliteInsert = _cached_insert(sqlite_dml, _TARGET)


def _insert(table):
    return _PostgresqlInsert(table) if is_postgresql() else _SqliteInsert(table)


def insert_ignoring_conflicts(table, *unique_columns: str):
    """Return an INSERT that skips rows whose `unique_columns` already exist (no error)."""
    return _insert(table).on_conflict_do_nothing(index_elements=list(unique_columns))


#: The payouts that pay a child (see `Payout`'s partial unique index on child and school year).
PAYING_PAYOUTS = sa.text("decision = 'included' AND status IN ('proposed', 'paid')")


def paying_conflict_ignored(payouts_table):
    """Return an INSERT into payouts that skips a row paying a child already paid that year."""
    return _insert(payouts_table).on_conflict_do_nothing(
        index_elements=["child_id", "school_year"], index_where=PAYING_PAYOUTS
    )


def skip_locked(stmt: sa.Select) -> sa.Select:
    """Lock the selected rows, skipping those another worker holds.

    PostgreSQL has row locks; SQLite has one writer at a time, so there is nothing to skip.
    """
    return stmt.with_for_update(skip_locked=True) if is_postgresql() else stmt


def update_many(key_column, column: str, pairs: list[tuple], *, add: bool = False) -> None:
    """Set (or add to) `column` of many rows, given (key, value) pairs with distinct keys.

    One UPDATE ... FROM unnest(keys, values) on PostgreSQL, where a statement per row costs a
    round trip; an executemany on SQLite, where it does not. The pairs go as two array
    parameters, so the statement is compiled once and cached: a VALUES list of 2,000 rows was
    compiled afresh every time, which cost more than the update itself.
    """
    if not pairs:
        return
    table = key_column.table
    target = table.c[column]
    if not is_postgresql():
        new = sa.bindparam("new_v")
        db.session.execute(
            sa.update(table)
            .where(key_column == sa.bindparam("key_k"))
            .values({column: target + new if add else new})
            .execution_options(synchronize_session=False),
            [{"key_k": k, "new_v": v} for k, v in pairs],
        )
        return
    values = (
        sa.func.unnest(
            sa.bindparam("keys", [k for k, _ in pairs], type_=postgresql.ARRAY(key_column.type)),
            sa.bindparam("values", [v for _, v in pairs], type_=postgresql.ARRAY(target.type)),
        )
        .table_valued(sa.column("k", key_column.type), sa.column("v", target.type))
        .render_derived(name="new_values")
    )
    db.session.execute(
        sa.update(table)
        .where(key_column == values.c.k)
        .values({column: target + values.c.v if add else values.c.v})
        .execution_options(synchronize_session=False)
    )


#: The temporary tables `rows_table` fills on SQLite, by name.
_scratch = sa.MetaData()


def rows_table(name: str, columns: dict[str, sa.types.TypeEngine], rows: list[tuple]):
    """Return `rows` as a table of the named, typed `columns` to join in the next statements.

    Lets a statement join many Python values (a chunk's ids, their new transaction ids)
    without a parameter per value. The first column is the rows' key: unique, indexed.
    PostgreSQL gets one array per column (`unnest`), hash-joined. SQLite gets a temporary
    table of this connection, emptied and filled here: its planner scans a subquery (of
    `json_each`, say) once per row it joins, where it searches a table's primary key.
    """
    if is_postgresql():
        arrays = [
            sa.bindparam(f"{name}_{col}", [row[i] for row in rows], type_=postgresql.ARRAY(kind))
            for i, (col, kind) in enumerate(columns.items())
        ]
        return (
            sa.func.unnest(*arrays)
            .table_valued(*(sa.column(col, kind) for col, kind in columns.items()))
            .render_derived(name=name)
        )
    table = _scratch.tables.get(name)
    if table is None:
        table = sa.Table(
            name,
            _scratch,
            *(
                sa.Column(col, kind, primary_key=index == 0)
                for index, (col, kind) in enumerate(columns.items())
            ),
            prefixes=["TEMPORARY"],
        )
    if list(table.c.keys()) != list(columns):
        raise ValueError(f"rows table {name!r} is already defined with other columns")
    connection = db.session.connection()
    table.create(connection, checkfirst=True)
    connection.execute(table.delete())
    if rows:
        # The driver's own executemany: plain ints and strings need none of SQLAlchemy's
        # per-row parameter processing, which cost more than the insert itself.
        marks = ", ".join("?" * len(columns))
        connection.exec_driver_sql(f"INSERT INTO {name} VALUES ({marks})", rows)  # noqa: S608 - our own names
    return table


def analyze(table: sa.Table) -> None:
    """Refresh PostgreSQL's statistics of `table` after a bulk write (SQLite plans without)."""
    if is_postgresql():
        db.session.execute(sa.text(f"ANALYZE {table.name}"))


def insert_rows(table: sa.Table, rows: list[dict], *, skipping: tuple[str, ...] = ()) -> None:
    """Insert many rows (dicts with the same keys) into `table`; with `skipping`, leave out a
    row whose values of those unique columns are already there (ON CONFLICT DO NOTHING).

    PostgreSQL gets one INSERT … SELECT over `unnest`, one array per column: a small statement
    planned once, where an executemany sends a VALUES list per 1,000 rows, its thousands of
    parameters each bound and the list planned anew. SQLite gets the driver's executemany.
    """
    if not rows:
        return
    if not is_postgresql():
        insert = insert_ignoring_conflicts(table, *skipping) if skipping else sa.insert(table)
        db.session.execute(insert, rows)
        return
    names = list(rows[0])
    source = rows_table(
        "new_rows",
        {name: table.c[name].type for name in names},
        [tuple(row[name] for name in names) for row in rows],
    )
    insert = insert_ignoring_conflicts(table, *skipping) if skipping else table.insert()
    db.session.execute(insert.from_select(names, sa.select(*source.c)))


def prefer_index_lookups() -> None:
    """Let PostgreSQL plan this transaction as if a random page read cost little more than a
    sequential one.

    Chunked money work finds a few thousand rows of large tables by key. Under the default
    cost (4, priced for spinning disks) PostgreSQL planned a scan of every child, pairing and
    balance per chunk rather than as many index lookups, though those tables sit in memory.
    SQLite has no such setting to make.
    """
    if is_postgresql():
        db.session.execute(sa.text("SET LOCAL random_page_cost = 1.1"))


class IdSet:
    """A chunk's ids, to test many columns against in the statements that follow.

    PostgreSQL gets one array (`= ANY`), planned at its size; SQLite a temporary table of
    this connection (`rows_table`): a list of thousands of parameters costs SQLAlchemy more
    to render than the statement costs SQLite to run.
    """

    def __init__(self, name: str, ids: list[int], *, held_in=None) -> None:
        """`held_in`: a column of a `rows_table` already holding the ids, for SQLite to read."""
        self.ids = list(ids)
        if is_postgresql():
            self._array = sa.bindparam(None, self.ids, type_=postgresql.ARRAY(sa.BigInteger))
        elif held_in is not None:
            self._select = sa.select(held_in)
        else:
            self._select = sa.select(
                rows_table(name, {"id": sa.BigInteger()}, [(i,) for i in self.ids]).c.id
            )

    def has(self, column) -> sa.ColumnElement:
        """`column IN ids`."""
        if is_postgresql():
            return column == sa.any_(self._array)
        return column.in_(self._select)
