"""Database engine tweaks: make SQLite behave like a real transactional database."""

import contextlib
import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine

_installed = False


def install_sqlite_pragmas() -> None:
    """Turn on foreign keys, WAL and a busy timeout, and let SQLAlchemy own BEGIN on SQLite."""
    global _installed
    if _installed:
        return
    _installed = True

    @event.listens_for(Engine, "connect")
    def _on_connect(dbapi_connection, _record):
        if not isinstance(dbapi_connection, sqlite3.Connection):
            return
        # pysqlite's own transaction handling defers BEGIN and breaks SAVEPOINT; we emit BEGIN.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 10000")
        with contextlib.suppress(sqlite3.OperationalError):  # in-memory databases have no WAL
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(Engine, "begin")
    def _on_begin(connection):
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN")
