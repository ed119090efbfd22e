"""The database's dialect differences in one place, and SQLite made to behave transactionally.

Services ask here instead of branching on the dialect's name themselves: PostgreSQL in
production, SQLite in development and most tests.
"""

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from contextvars import ContextVar

import sqlalchemy as sa
from psycopg.types.array import ListBinaryDumper
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from sponsorship.extensions import db

_installed = False
#: True in a thread that only watches the database (a test's own thread while a live server or
#: workers run): its transactions begin deferred, so its reads never hold the write lock.
_deferred_begin: ContextVar[bool] = ContextVar("sqlite_deferred_begin", default=False)
#: True in a thread whose SQLite commits need not wait for the disk (see `sync_at_checkpoints`).
#: Each SQLite connection's page cache, in KiB (SQLite's default is 2 MB).
CACHE_KIB = 65536
#: SQLite's automatic checkpoint, in 4 KB pages, while `sync_at_checkpoints` holds.
WORK_CHECKPOINT_PAGES = 16384
_sync_at_checkpoints: ContextVar[bool] = ContextVar("sqlite_sync_at_checkpoints", default=False)
#: How long a SQLite transaction waits for the write lock before "database is locked". Every
#: transaction holds it from its first statement to its commit, so on a machine short of CPU a
#: queue of requests can take seconds; a person would rather wait than see an error page.
BUSY_TIMEOUT_MS = 30_000


def is_postgresql() -> bool:
    """Tell whether the session's database is PostgreSQL (else it is SQLite)."""
    return db.session.get_bind().dialect.name == "postgresql"


def insert_ignoring_conflicts(table, *unique_columns: str):
    """Return an INSERT that skips rows whose `unique_columns` already exist (no error)."""
    insert = postgresql.insert if is_postgresql() else sqlite.insert
    return insert(table).on_conflict_do_nothing(index_elements=list(unique_columns))


#: The payouts that pay a child (see `Payout`'s partial unique index on child and school year).
PAYING_PAYOUTS = sa.text("decision = 'included' AND status IN ('proposed', 'paid')")


def paying_conflict_ignored(payouts_table):
    """Return an INSERT into payouts that skips a row paying a child already paid that year."""
    insert = postgresql.insert if is_postgresql() else sqlite.insert
    return insert(payouts_table).on_conflict_do_nothing(
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


def json_object(*pairs) -> sa.ColumnElement:
    """Build a JSON object in SQL from alternating keys and values (values may be JSON)."""
    function = sa.func.json_build_object if is_postgresql() else sa.func.json_object
    args = []
    for index, item in enumerate(pairs):
        args.append(sa.literal_column(f"'{item}'") if index % 2 == 0 else item)
    return function(*args, type_=sa.JSON)


def json_constant(value) -> sa.ColumnElement:
    """Return JSON-safe `value` as a JSON value in SQL, to nest in `json_object`."""
    text = sa.bindparam(None, json.dumps(value), type_=sa.Text)
    if is_postgresql():
        return sa.cast(text, postgresql.JSON)
    return sa.func.json(text, type_=sa.JSON)


def text_constant(value: str) -> sa.ColumnElement:
    """Return a string parameter typed as text (PostgreSQL cannot infer it inside functions)."""
    return sa.cast(sa.bindparam(None, value, type_=sa.Text), sa.Text)


def position(haystack, needle) -> sa.ColumnElement:
    """Return the 1-based position of `needle` in `haystack` in SQL, 0 when absent."""
    if is_postgresql():
        return sa.func.strpos(haystack, needle)
    return sa.func.instr(haystack, needle)


#: The characters Python's str.strip() removes: SQL's trim removes only spaces by default.
WHITESPACE = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())


def strip(value) -> sa.ColumnElement:
    """Strip leading and trailing whitespace in SQL exactly as Python's str.strip() does."""
    function = sa.func.btrim if is_postgresql() else sa.func.trim
    return function(value, text_constant(WHITESPACE), type_=sa.Text)


def install_sqlite_pragmas() -> None:
    """Turn on foreign keys, WAL and a busy timeout, and start every SQLite transaction as a writer.

    SQLAlchemy's documented recipe: pysqlite's own BEGIN handling is switched off and the
    "begin" event emits BEGIN IMMEDIATE. A deferred BEGIN starts as a reader, and a reader that
    later writes after another connection committed fails at once with "database is locked"
    (the busy timeout cannot help it: its snapshot is stale). IMMEDIATE takes the write lock
    first, so a second writer waits its turn under the busy timeout instead. Readers in other
    connections are not blocked (WAL); transactions on this file simply take turns, which at the
    embedded default's scale costs milliseconds. PostgreSQL is untouched.
    """
    global _installed
    if _installed:
        return
    _installed = True

    @event.listens_for(Engine, "connect")
    def _on_connect(dbapi_connection, _record):
        if not isinstance(dbapi_connection, sqlite3.Connection):
            if hasattr(dbapi_connection, "prepare_threshold"):
                # psycopg prepares a statement it has run five times, and PostgreSQL may then
                # plan it once for any values: a chunk of 2,000 ids in an array was planned
                # as 10 rows, its joins as nested loops over them. Unprepared, each statement
                # is planned with its values.
                dbapi_connection.prepare_threshold = None
                # Arrays go in binary: psycopg's text format quotes each element through a
                # regular expression, and a chunk's arrays (`rows_table`, `IdSet`) hold tens
                # of thousands of them.
                dbapi_connection.adapters.register_dumper(list, ListBinaryDumper)
            return
        # pysqlite's own transaction handling defers BEGIN and breaks SAVEPOINT; we emit BEGIN.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        with contextlib.suppress(sqlite3.OperationalError):  # in-memory databases have no WAL
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(Engine, "begin")
    def _on_begin(connection):
        if connection.dialect.name == "sqlite":
            _set_synchronous(connection)
            connection.exec_driver_sql("BEGIN" if _deferred_begin.get() else "BEGIN IMMEDIATE")


def _set_synchronous(connection) -> None:
    """Make the connection's commits wait for the disk or not, as `sync_at_checkpoints` says.

    SQLite refuses the change inside a transaction, so it is made here, before BEGIN, and only
    when the connection's setting differs (it stays with the connection in the pool).
    """
    wanted = "NORMAL" if _sync_at_checkpoints.get() else "FULL"
    info = connection.connection.info
    if info.get("synchronous", "FULL") != wanted:
        connection.exec_driver_sql(f"PRAGMA synchronous = {wanted}")
        # Long work checkpoints every 64 MB of log rather than every 4 MB (SQLite's default):
        # each checkpoint copies the pages the chunks rewrote, and a chunk rewrites many of
        # the same index pages as the one before.
        pages = WORK_CHECKPOINT_PAGES if wanted == "NORMAL" else 1000
        connection.exec_driver_sql(f"PRAGMA wal_autocheckpoint = {pages}")
        info["synchronous"] = wanted


@contextlib.contextmanager
def sync_at_checkpoints() -> Iterator[None]:
    """Let this thread's SQLite commits skip waiting for the disk, for the block's duration.

    For long work that commits often (paying a batch chunk by chunk): in WAL mode with
    synchronous=NORMAL a commit is written to the log but not flushed to the disk, which
    happens at the next checkpoint. A crash of the process loses nothing committed and the
    database is never corrupted; a power failure may undo the last chunks committed, whole,
    and a re-run redoes them. Other transactions keep synchronous=FULL. PostgreSQL is untouched.
    """
    token = _sync_at_checkpoints.set(True)
    try:
        yield
    finally:
        _sync_at_checkpoints.reset(token)


@contextlib.contextmanager
def deferred_begin() -> Iterator[None]:
    """Begin this thread's SQLite transactions deferred, as readers, for the block's duration.

    Only for a thread that reads while others write and writes nothing itself then (a reader
    that later writes may fail with "database is locked", which is why the default is IMMEDIATE).
    """
    token = _deferred_begin.set(True)
    try:
        yield
    finally:
        _deferred_begin.reset(token)


def compare_column_types(context, inspected_column, metadata_column, inspected_type, metadata_type):
    """Tell Alembic a VARCHAR(n) and a TEXT column are the same on SQLite; else compare as usual.

    SQLite stores both with TEXT affinity and enforces no length, so a change between them would
    rebuild the table for nothing (and rebuilding tables that others reference is what we avoid).
    """
    if context.dialect.name == "sqlite" and all(
        isinstance(t, sa.String) for t in (inspected_type, metadata_type)
    ):
        return False
    return None
