"""Benchmark: back up and restore the database at county scale, checks included.

    python benchmarks/backup.py [--database-url postgresql+psycopg://...] [--children 100000]

Seeds the reports benchmark's data set (100,000 children, 50,000 caring parents, 500,000 ledger
entries, with pairings, pledges, donations and letters), made to pass `ledger verify` (paid
instalments without allocations are set back to due, reversals without a ledger reversal are
undone), then times `backups.create()` (copy + integrity + ledger verify on the copy + rotation)
and the restore (current database aside, copy in place, ledger verify and row counts again).
Prints one JSON line. SQLite uses a throw-away file; a PostgreSQL database is emptied first.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.reports import seed  # noqa: E402
from config import TestConfig  # noqa: E402
from sponsorship.app import create_app  # noqa: E402
from sponsorship.extensions import db  # noqa: E402
from sponsorship.services.data import backups  # noqa: E402
from sponsorship.work.restore import restore  # noqa: E402


def _make_verifiable() -> None:
    """Bring the seed in line with the ledger, so the backup's own ledger check passes."""
    db.session.execute(
        sa.text("UPDATE instalments SET paid_fen = 0, status = 'due' WHERE paid_fen > 0")
    )
    db.session.execute(sa.text("UPDATE donations SET reversed = false WHERE reversed"))
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--sponsors", type=int, default=50_000)
    parser.add_argument("--ledger-entries", type=int, default=500_000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="backup-bench-"))
    url = args.database_url or f"sqlite:///{work}/bench.db"

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = url
        BACKUP_DIR = str(work / "backups")

    app = create_app(Config)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.exec_driver_sql("DROP SCHEMA public CASCADE")
                conn.exec_driver_sql("CREATE SCHEMA public")
        upgrade()
        seed(args.children, args.sponsors, args.ledger_entries)
        db.session.commit()
        _make_verifiable()
        dialect = db.engine.dialect.name

        started = time.perf_counter()
        made = backups.create()
        backup_s = time.perf_counter() - started

        started = time.perf_counter()
        done = restore(made.path, confirmed=True)
        restore_s = time.perf_counter() - started
        assert not done.problems and not done.missing_rows, (done.problems, done.missing_rows)

    print(
        json.dumps(
            {
                "benchmark": "backup",
                "database": dialect,
                "children": made.counts["children"],
                "rows": sum(made.counts.values()),
                "backup_mb": round(made.size / 1_048_576, 1),
                "backup_s": round(backup_s, 2),
                "restore_s": round(restore_s, 2),
                "verified": True,
            }
        )
    )


if __name__ == "__main__":
    main()
