"""Benchmark: build the September draft for N pairings, mark it all paid with ledger entries and
letters queued, then render 1,000 of those letters as delivery does.

    python benchmarks/batch.py --pairings 100000 [--database-url postgresql+psycopg://...]

Prints one JSON line: {"pairings": N, "database": ..., "build_s": ..., "pay_s": ...,
"render_1000_letters_s": ..., ...}.
SQLite uses a throw-away file; a PostgreSQL database given by URL is emptied first.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from config import TestConfig
from sponsorship.app import create_app
from sponsorship.extensions import db
from sponsorship.models import (
    AccountBalance,
    Child,
    Guardian,
    LedgerEntry,
    LedgerTransaction,
    Letter,
    Pairing,
    Payout,
    Region,
    Sponsor,
    User,
)
from sponsorship.models.enums import (
    Account,
    AidType,
    Gender,
    PairingStatus,
    RegionLevel,
    Role,
    SchoolStage,
    TransactionKind,
)

FUND_FEN = 300_000
STAGES = [SchoolStage.PRIMARY, SchoolStage.JUNIOR, SchoolStage.SENIOR]


def seed(n: int) -> None:
    """Insert N funded active pairings, set-based (regions, users, guardians, children ...)."""
    county = Region(code="441323000000", name="县", level=RegionLevel.COUNTY, path="/441323000000/")
    db.session.add(county)
    db.session.flush()
    villages = []
    for t in range(12):
        code = f"44132310{t:02d}00"
        town = Region(
            code=code,
            name=f"镇{t}",
            level=RegionLevel.TOWN,
            parent_id=county.id,
            path=f"{county.path}{code}/",
        )
        db.session.add(town)
        db.session.flush()
        for v in range(10):
            vcode = f"4413231{t:02d}{v + 1:03d}"
            village = Region(
                code=vcode,
                name=f"村{t}-{v}",
                level=RegionLevel.VILLAGE,
                parent_id=town.id,
                path=f"{town.path}{vcode}/",
            )
            db.session.add(village)
            villages.append(village)
    user = User(username="bench", display_name="bench", role=Role.STAFF, password_hash="!")  # noqa: S106 - no login
    db.session.add(user)
    db.session.flush()
    now = datetime(2026, 8, 1, tzinfo=UTC)
    chunk = 20_000
    for start in range(0, n, chunk):
        ids = range(start + 1, min(n, start + chunk) + 1)
        db.session.execute(
            sa.insert(Guardian),
            [
                {
                    "id": i,
                    "name": f"监护人{i}",
                    "relation": "母亲",
                    "bank_name": "农商银行",
                    "bank_account": f"62284800{i:011d}",
                    "consent_given_on": date(2026, 8, 1),
                    "consent_collected_by_id": user.id,
                    "created_at": now,
                }
                for i in ids
            ],
        )
        db.session.execute(
            sa.insert(Child),
            [
                {
                    "id": i,
                    "name": f"陈童{i}",
                    "gender": Gender.FEMALE,
                    "birth_date": date(2015, 1, 1),
                    "region_id": villages[i % len(villages)].id,
                    "school_stage": STAGES[i % 3],
                    "grade": (4, 8, 11)[i % 3],
                    "aid_type": AidType.FOSTERING if i % 20 == 0 else AidType.EDUCATION,
                    "guardian_id": i,
                    "registered_by_id": user.id,
                    "created_at": now,
                    "updated_at": now,
                }
                for i in ids
            ],
        )
        db.session.execute(
            sa.insert(Sponsor),
            [
                {
                    "id": i,
                    "name": f"爱心{i}",
                    "mobile": f"139{i:08d}",
                    "region_id": villages[0].id,
                    "created_at": now,
                }
                for i in ids
            ],
        )
        db.session.execute(
            sa.insert(Pairing),
            [
                {
                    "id": i,
                    "sponsor_id": i,
                    "child_id": i,
                    "status": PairingStatus.ACTIVE,
                    "confirmed_at": now,
                    "created_at": now,
                }
                for i in ids
            ],
        )
    # Every pairing's fund holds enough: one opening transaction bank → restricted funds.
    txn = LedgerTransaction(kind=TransactionKind.TRANSFER, memo="benchmark opening funds")
    db.session.add(txn)
    db.session.flush()
    db.session.execute(
        sa.insert(LedgerEntry),
        [{"transaction_id": txn.id, "account": Account.BANK, "amount_fen": FUND_FEN * n}]
        + [
            {
                "transaction_id": txn.id,
                "account": Account.RESTRICTED,
                "amount_fen": -FUND_FEN,
                "pairing_id": i,
            }
            for i in range(1, n + 1)
        ],
    )
    db.session.execute(
        sa.insert(AccountBalance),
        [{"key": "bank", "account": Account.BANK, "balance_fen": FUND_FEN * n}]
        + [
            {
                "key": f"restricted:{i}",
                "account": Account.RESTRICTED,
                "pairing_id": i,
                "balance_fen": -FUND_FEN,
            }
            for i in range(1, n + 1)
        ],
    )
    db.session.commit()


def fresh_app(url: str):
    """An app on `url` with its schema just migrated (PostgreSQL's public schema emptied first).

    The other benchmarks (ledger, statements) start from here too.
    """
    from flask_migrate import upgrade

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(Config)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.exec_driver_sql("DROP SCHEMA public CASCADE")
                conn.exec_driver_sql("CREATE SCHEMA public")
        upgrade()
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pairings", type=int, default=100_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--chunk", type=int, default=2000)
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"

    app = fresh_app(url)
    with app.app_context():
        app.config["FROZEN_NOW"] = datetime(2026, 9, 1, 0, 0, tzinfo=UTC)
        seed(args.pairings)
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE")

        from sponsorship.services.money import ledger_check
        from sponsorship.services.payouts import bank_file
        from sponsorship.services.payouts import review as batches
        from sponsorship.services.payouts.build import build_batch
        from sponsorship.work.payments import pay_in_chunks

        started = time.perf_counter()
        batch = build_batch("2026-09", date(2026, 9, 1))
        db.session.commit()
        build_s = time.perf_counter() - started

        staff = User(username="s", display_name="s", role=Role.STAFF, password_hash="!")  # noqa: S106 - no login
        finance = User(username="f", display_name="f", role=Role.FINANCE, password_hash="!")  # noqa: S106 - no login
        db.session.add_all([staff, finance])
        db.session.flush()
        batches.submit(batch, by=staff)
        batches.approve(batch, by=finance)
        started = time.perf_counter()
        bank_file.export(batch, "xlsx", by=finance)
        db.session.commit()
        export_s = time.perf_counter() - started

        started = time.perf_counter()
        paid = pay_in_chunks(batch.id, paid_on=date(2026, 9, 10), by_id=finance.id, size=args.chunk)
        pay_s = time.perf_counter() - started
        payouts = db.session.scalar(sa.select(sa.func.count()).select_from(Payout))
        letters = db.session.scalar(sa.select(sa.func.count()).select_from(Letter))

        # Rendering moved from paying to delivery: 1,000 letters rendered one at a time, as
        # the delivery job and the print queue do (each read on its own, then filled).
        from sponsorship.services.letters.text import fill

        ids = db.session.scalars(sa.select(Letter.id).order_by(Letter.id).limit(1000)).all()
        db.session.expire_all()
        started = time.perf_counter()
        rendered = 0
        for letter_id in ids:
            letter = db.session.get(Letter, letter_id)
            fill([letter])
            rendered += bool(letter.body)
        render_s = time.perf_counter() - started
        started = time.perf_counter()
        problems = ledger_check.verify()
        verify_s = time.perf_counter() - started
    print(
        json.dumps(
            {
                "pairings": args.pairings,
                "database": url.split(":")[0].split("+")[0],
                "payouts": payouts,
                "paid": paid,
                "build_s": round(build_s, 3),
                "export_xlsx_s": round(export_s, 3),
                "pay_s": round(pay_s, 3),
                "letters_queued": letters,
                "render_1000_letters_s": round(render_s, 3),
                "rendered": rendered,
                "ledger_ok": not problems,
                "ledger_verify_s": round(verify_s, 3),
            }
        )
    )


if __name__ == "__main__":
    main()
