"""Benchmark: `flask ledger verify` (ledger_check.verify) over a ledger of N entries.

    python benchmarks/ledger.py --entries 1000000 [--database-url postgresql+psycopg://...]

Seeds 100,000 funded pairings (as benchmarks/batch.py does), then transactions of two legs
(bank → a pairing's fund, or bank → a sponsor's credit) up to N entries, with their running
balances, and times one full verify. Prints one JSON line.
SQLite uses a throw-away file; a PostgreSQL database given by URL is emptied first.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from batch import fresh_app, seed

from sponsorship.extensions import db
from sponsorship.models import AccountBalance, LedgerEntry, LedgerTransaction
from sponsorship.models.enums import Account, TransactionKind
from sponsorship.services.money import ledger_check

CHUNK = 50_000


def add_transactions(pairings: int, entries: int) -> None:
    """Post two-leg transactions until the ledger holds `entries` legs, balances kept true."""
    now = datetime(2026, 9, 1, tzinfo=UTC)
    existing = db.session.scalar(sa.select(sa.func.count()).select_from(LedgerEntry))
    wanted = max(0, (entries - existing) // 2)
    first = db.session.scalar(sa.select(sa.func.max(LedgerTransaction.id))) + 1
    moved: dict[str, tuple[Account, int | None, int | None, int]] = {}
    for start in range(0, wanted, CHUNK):
        ids = range(first + start, first + min(wanted, start + CHUNK))
        txns, legs = [], []
        for txn_id in ids:
            amount = 100 + txn_id % 900
            txns.append(
                {"id": txn_id, "kind": TransactionKind.DONATION, "memo": "", "created_at": now}
            )
            if txn_id % 4:
                pairing = txn_id % pairings + 1
                leg = (Account.RESTRICTED, pairing, None, f"restricted:{pairing}")
            else:
                sponsor = txn_id % pairings + 1
                leg = (Account.SPONSOR_CREDIT, None, sponsor, f"sponsor_credit:{sponsor}")
            account, pairing_id, sponsor_id, key = leg
            legs.append({"transaction_id": txn_id, "account": Account.BANK, "amount_fen": amount})
            legs.append(
                {
                    "transaction_id": txn_id,
                    "account": account,
                    "amount_fen": -amount,
                    "pairing_id": pairing_id,
                    "sponsor_id": sponsor_id,
                }
            )
            for k, a, p, s, fen in (
                ("bank", Account.BANK, None, None, amount),
                (key, account, pairing_id, sponsor_id, -amount),
            ):
                total = moved.get(k, (a, p, s, 0))[3]
                moved[k] = (a, p, s, total + fen)
        db.session.execute(sa.insert(LedgerTransaction), txns)
        db.session.execute(sa.insert(LedgerEntry), [{"created_at": now, **leg} for leg in legs])
    stored = dict(
        db.session.execute(sa.select(AccountBalance.key, AccountBalance.balance_fen)).all()
    )
    new = [
        {"key": k, "account": a, "pairing_id": p, "sponsor_id": s, "balance_fen": fen}
        for k, (a, p, s, fen) in moved.items()
        if k not in stored
    ]
    if new:
        db.session.execute(sa.insert(AccountBalance), new)
    table = AccountBalance.__table__
    db.session.execute(
        sa.update(table)
        .where(table.c.key == sa.bindparam("k"))
        .values(balance_fen=sa.bindparam("fen")),
        [{"k": k, "fen": stored[k] + fen} for k, (_a, _p, _s, fen) in moved.items() if k in stored],
    )
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--pairings", type=int, default=100_000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/ledger.db"

    app = fresh_app(url)
    with app.app_context():
        app.config["FROZEN_NOW"] = datetime(2026, 9, 1, 0, 0, tzinfo=UTC)
        seed(args.pairings)
        add_transactions(args.pairings, args.entries)
        if db.engine.dialect.name == "postgresql":
            # VACUUM refuses to run in a transaction block: autocommit for this one statement.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
        entries = db.session.scalar(sa.select(sa.func.count()).select_from(LedgerEntry))
        started = time.perf_counter()
        problems = ledger_check.verify()
        verify_s = time.perf_counter() - started
    print(
        json.dumps(
            {
                "entries": entries,
                "database": url.split(":")[0].split("+")[0],
                "verify_s": round(verify_s, 3),
                "problems": len(problems),
            }
        )
    )


if __name__ == "__main__":
    main()
