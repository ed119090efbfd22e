"""Engine-specific copying and checking of the database: SQLite's online backup API, pg_dump.

Each function takes plain paths and URLs and knows nothing of rotation or manifests: the
backup service (backups.py) decides where copies go and what counts as a good one.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from sponsorship.errors import DomainError


def sqlite_file(url: sa.engine.URL) -> Path:
    """Return the file of a SQLite URL; an in-memory database has none to copy."""
    if not url.database or url.database == ":memory:":
        raise DomainError(_l("An in-memory database cannot be backed up."))
    return Path(url.database)


def copy_sqlite(source: Path, target: Path) -> None:
    """Copy a live SQLite database page by page into one self-contained file.

    The online backup API copies in one step under a read transaction, so the copy is one
    consistent moment even while the app keeps writing (WAL lets writers go on meanwhile).
    """
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
        # The copy is read on its own: no -wal file beside it.
        dst.execute("PRAGMA journal_mode = DELETE")
    finally:
        dst.close()
        src.close()


def check_sqlite(path: Path) -> list[str]:
    """Return what is wrong with a SQLite file: integrity and foreign keys; empty if sound."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as error:
        return [f"cannot open: {error}"]
    try:
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        problems = [] if rows == ["ok"] else [f"integrity: {r}" for r in rows]
        problems += [f"foreign key: {r}" for r in conn.execute("PRAGMA foreign_key_check")]
        if not conn.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'alembic_version'"
        ).fetchall():
            problems.append("not a database of this system (no alembic_version table)")
        return problems
    except sqlite3.Error as error:
        return [f"unreadable: {error}"]
    finally:
        conn.close()


def table_counts_sqlite(path: Path) -> dict[str, int]:
    """Return the row count of every table of a SQLite file."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}  # noqa: S608 - names from the catalogue
    finally:
        conn.close()


def libpq(url: sa.engine.URL) -> tuple[str, dict[str, str]]:
    """Return a libpq connection string without the password, and the environment carrying it."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def pg_tool(name: str) -> str:
    """Return the path of pg_dump or pg_restore, or refuse with the command to install it."""
    found = shutil.which(name)
    if found is None:
        raise DomainError(
            _l(
                "%(tool)s is not installed on this machine. Install PostgreSQL's client tools "
                "(Debian: apt-get install postgresql-client), or run by hand: "
                "pg_dump --format=custom --file=BACKUP.dump DATABASE_URL",
                tool=name,
            )
        )
    return found


def _run(args: list[str], env: dict[str, str]) -> str:
    # The tools are found by shutil.which and every argument is ours: no shell, no user input.
    result = subprocess.run(  # noqa: S603
        args, env=env, capture_output=True, text=True, errors="replace", check=False
    )
    if result.returncode != 0:
        raise DomainError(
            _l("%(tool)s failed: %(error)s", tool=Path(args[0]).name, error=result.stderr[-500:])
        )
    return result.stdout


def pg_dump(url: sa.engine.URL, target: Path, snapshot: str | None = None) -> None:
    """Dump a PostgreSQL database in custom format, optionally as of an exported snapshot."""
    conninfo, env = libpq(url)
    args = [pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={target}"]
    if snapshot:
        args.append(f"--snapshot={snapshot}")
    _run([*args, conninfo], env)


def check_pg_archive(path: Path, tables: list[str]) -> list[str]:
    """Return what is wrong with a custom-format dump: unreadable, or a table's data missing."""
    try:
        listing = _run([pg_tool("pg_restore"), "--list", str(path)], dict(os.environ))
    except DomainError as error:
        return [str(error)]
    # Lines read "3456; 0 16390 TABLE DATA public children owner".
    present = {
        line.split(" TABLE DATA ", 1)[1].split()[1]
        for line in listing.splitlines()
        if " TABLE DATA " in line and not line.startswith(";")
    }
    return [f"no data for table {t} in the archive" for t in tables if t not in present]


def pg_restore(url: sa.engine.URL, archive: Path) -> None:
    """Replace the database's objects with the archive's, in one transaction."""
    conninfo, env = libpq(url)
    _run(
        [
            pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            f"--dbname={conninfo}",
            str(archive),
        ],
        env,
    )


@contextmanager
def exported_snapshot(engine: sa.Engine) -> Iterator[str]:
    """Hold a repeatable-read transaction open and yield its exported snapshot's name.

    pg_dump and the ledger check both read this snapshot, so the figures verified are exactly
    the rows dumped, however busy the database is meanwhile.
    """
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            yield conn.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()
