"""Benchmark: import a bank statement of N lines while another clerk keeps writing.

    python benchmarks/statements.py --lines 20000 [--database-url postgresql+psycopg://...]

Seeds caring parents (as benchmarks/batch.py does), each with a pledge of two instalments for
their pairing (the first overdue, the second due), writes a CSV statement whose payers match
by mobile, by name or not at all, then stages it (checked whole) and records it chunk by chunk
(`work.statements.import_in_chunks`, as the background work does). Meanwhile a second
connection writes an audit row in a loop, each its own transaction, and the longest of those
writes is reported: how long another writer waited during the import.
Prints one JSON line. SQLite uses a throw-away file; a PostgreSQL database given by URL is
emptied first.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from datetime import UTC, date, datetime
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from batch import fresh_app, seed

from sponsorship.extensions import db
from sponsorship.models import (
    Allocation,
    AuditEvent,
    Donation,
    Instalment,
    Pledge,
    StatementLine,
)
from sponsorship.models.enums import InstalmentStatus, PaymentFrequency, PledgeStatus
from sponsorship.services.money import bank_statements, donation_batches, ledger_check
from sponsorship.work.statements import import_in_chunks


def statement(lines: int, sponsors: int) -> str:
    """A statement: 8 in 10 payers give their mobile, 1 in 10 only a name, 1 in 10 are unknown."""
    rows = ["交易日期,收入金额,交易流水号,对方户名,手机号"]
    for n in range(lines):
        sponsor = n % sponsors + 1
        amount = f"{100 + n % 900}.00"
        day = f"2026-11-{1 + n % 28:02d}"
        if n % 10 < 8:
            rows.append(f"{day},{amount},S{n:07d},爱心{sponsor},139{sponsor:08d}")
        elif n % 10 == 8:
            rows.append(f"{day},{amount},S{n:07d},爱心{sponsor},")
        else:
            rows.append(f"{day},{amount},S{n:07d},路人{n},")
    return "\n".join(rows) + "\n"


class Writer(threading.Thread):
    """Another clerk: short write transactions in a loop on their own connection."""

    def __init__(self, engine: sa.Engine) -> None:
        super().__init__(daemon=True)
        self.engine = engine
        self.stop = threading.Event()
        self.waits: list[float] = []
        self.ends: list[float] = []

    def run(self) -> None:
        table = AuditEvent.__table__
        while not self.stop.is_set():
            started = time.perf_counter()
            with self.engine.begin() as conn:
                conn.execute(
                    table.insert().values(
                        action="benchmark.write",
                        detail="another writer",
                        at=datetime.now(UTC),
                    )
                )
            self.waits.append(time.perf_counter() - started)
            self.ends.append(time.perf_counter())
            time.sleep(0.02)


def seed_pledges(n: int) -> None:
    """Give each of the N pairings a pledge of 600 yuan in two instalments, set-based."""
    now = datetime(2026, 8, 1, tzinfo=UTC)
    for start in range(0, n, 20_000):
        ids = range(start + 1, min(n, start + 20_000) + 1)
        db.session.execute(
            sa.insert(Pledge),
            [
                {
                    "id": i,
                    "pairing_id": i,
                    "school_year": 2026,
                    "amount_fen": 60_000,
                    "frequency": PaymentFrequency.SEMESTER,
                    "status": PledgeStatus.ACTIVE,
                    "created_at": now,
                }
                for i in ids
            ],
        )
        db.session.execute(
            sa.insert(Instalment),
            [
                {
                    "id": 2 * i - 2 + seq,
                    "pledge_id": i,
                    "seq": seq,
                    "due_on": due,
                    "amount_fen": 30_000,
                    "paid_fen": 0,
                    "status": status,
                }
                for i in ids
                for seq, due, status in (
                    (1, date(2026, 9, 1), InstalmentStatus.OVERDUE),
                    (2, date(2027, 3, 1), InstalmentStatus.DUE),
                )
            ],
        )
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=20_000)
    parser.add_argument("--sponsors", type=int, default=20_000)
    parser.add_argument(
        "--chunk", type=int, default=None, help="lines per chunk (default: the app's sizing)"
    )
    parser.add_argument(
        "--pause", type=float, default=None, help="seconds between chunks (default: the app's)"
    )
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/statements.db"

    app = fresh_app(url)
    with app.app_context():
        app.config["FROZEN_NOW"] = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
        seed(args.sponsors)
        seed_pledges(args.sponsors)
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE")
        text = statement(args.lines, args.sponsors)
        batch = donation_batches.open_batch(
            "benchmark", expected_count=args.lines, expected_total_fen=0
        )
        db.session.commit()

        writer = Writer(db.engine)
        writer.start()
        time.sleep(0.2)
        started = time.perf_counter()
        staged, errors = bank_statements.stage(batch, text)
        db.session.commit()
        staged_at = time.perf_counter()
        stage_s = staged_at - started
        chunks = []
        recorded = import_in_chunks(
            batch.id, size=args.chunk, pause_s=args.pause, after_chunk=chunks.append
        )
        import_s = time.perf_counter() - started
        writer.stop.set()
        writer.join()

        donations = db.session.scalar(sa.select(sa.func.count()).select_from(Donation))
        matched = db.session.scalar(
            sa.select(sa.func.count()).where(StatementLine.sponsor_id.is_not(None))
        )
        problems = ledger_check.verify()
        allocated = db.session.scalar(sa.select(sa.func.count()).select_from(Allocation))
        longest = max(range(len(writer.waits)), key=writer.waits.__getitem__, default=None)
        # The longest wait ended while staging (one transaction) or while recording (a chunk).
        phase = (
            "" if longest is None else "stage" if writer.ends[longest] <= staged_at else "record"
        )
    print(
        json.dumps(
            {
                "lines": args.lines,
                "database": url.split(":")[0].split("+")[0],
                "staged": staged,
                "errors": len(errors),
                "recorded": recorded,
                "donations": donations,
                "matched": matched,
                "stage_s": round(stage_s, 3),
                "import_s": round(import_s, 3),
                "chunk": args.chunk,
                "chunks": len(chunks),
                "other_writes": len(writer.waits),
                "other_writer_longest_wait_s": round(max(writer.waits, default=0), 3),
                "longest_wait_in": phase,
                "waits_over_0_5_s": sum(wait > 0.5 for wait in writer.waits),
                "allocations": allocated,
                "ledger_ok": not problems,
            }
        )
    )


if __name__ == "__main__":
    main()
