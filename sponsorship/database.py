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
from sqlalchemy.dialects import postgresql
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
