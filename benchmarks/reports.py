"""Benchmark: the dashboard and the statistics page at county scale, through the real app.

    python benchmarks/reports.py [--database-url postgresql+psycopg://...] [--requests 30]

Bulk-inserts 100,000 children, 50,000 caring parents and 500,000 ledger entries (with pairings,
pledges, donations and letters around them) with SQLAlchemy Core, starts gunicorn on loopback
(2 workers) and times sequential GETs as a county clerk and as a town clerk. Prints one JSON line.
SQLite uses a throw-away file; a PostgreSQL database given by URL is emptied first.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import UTC, date, datetime, timedelta
from http.cookiejar import CookieJar
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from config import TestConfig  # noqa: E402
from sponsorship.app import create_app  # noqa: E402
from sponsorship.extensions import db  # noqa: E402
from sponsorship.models import (  # noqa: E402
    AccountBalance,
    Child,
    ChildHardship,
    Donation,
    Guardian,
    Instalment,
    LedgerEntry,
    LedgerTransaction,
    Letter,
    Pairing,
    Pledge,
    Region,
    Sponsor,
    User,
)
from sponsorship.models.child import hardship_mask  # noqa: E402
from sponsorship.models.enums import Hardship, Role  # noqa: E402

PASSWORD = "benchmark password 1"  # noqa: S105 - a throw-away benchmark account
TOWNS, VILLAGES = 24, 10
CHUNK = 20_000


def _insert(table, rows) -> None:
    for i in range(0, len(rows), CHUNK):
        db.session.execute(table.insert(), rows[i : i + CHUNK])


def _moment(rng: random.Random, days: int = 3 * 365) -> datetime:
    return datetime(2026, 11, 28, tzinfo=UTC) - timedelta(minutes=rng.randrange(days * 24 * 60))


def seed(children: int, sponsors: int, entries: int) -> dict:
    """Insert the data set with Core; return what the timing run needs."""
    rng = random.Random(9)
    county = Region(code="441323000000", name="惠东县", level="county", path="/441323000000/")
    db.session.add(county)
    db.session.flush()
    regions, villages = [], []
    rid = county.id
    for t in range(TOWNS):
        rid += 1
        code = f"4413231{t:02d}000"
        town_path = f"{county.path}{code}/"
        regions.append(
            dict(
                id=rid,
                code=code,
                name=f"示例镇{t}",
                level="town",
                parent_id=county.id,
                path=town_path,
            )
        )
        town_id = rid
        for v in range(VILLAGES):
            rid += 1
            vcode = f"4413231{t:02d}2{v:02d}"
            regions.append(
                dict(
                    id=rid,
                    code=vcode,
                    name=f"示例村{t}-{v}",
                    level="village",
                    parent_id=town_id,
                    path=f"{town_path}{vcode}/",
                )
            )
            villages.append(rid)
    _insert(Region.__table__, regions)
    town_one = regions[0]["id"]
    users = {}
    for name, scope in (("bench-county", county.id), ("bench-town", town_one)):
        user = User(username=name, display_name=name, role=Role.STAFF, scope_region_id=scope)
        user.set_password(PASSWORD)
        db.session.add(user)
        users[name] = user
    db.session.flush()
    clerk = users["bench-county"].id

    _insert(
        Guardian.__table__,
        [
            dict(
                id=i + 1,
                name="监护人",
                relation="祖母",
                consent_given_on=date(2025, 9, 1),
                consent_collected_by_id=clerk,
            )
            for i in range(children // 5)
        ],
    )
    statuses = (
        ["awaiting"] * 25
        + ["paired"] * 50
        + ["registered"] * 10
        + ["verified"] * 5
        + ["exited"] * 10
    )
    stages = ["preschool", "primary", "primary", "primary", "junior", "senior", "not_in_school"]
    kids, hardships = [], []
    for i in range(1, children + 1):
        status = rng.choice(statuses)
        kids.append(
            dict(
                id=i,
                name=f"陈童{i}",
                gender=rng.choice(["female", "male"]),
                birth_date=date(2012, 1, 1) + timedelta(days=rng.randrange(3000)),
                region_id=rng.choice(villages),
                school_stage=rng.choice(stages),
                grade=None,
                aid_type="fostering" if rng.random() < 0.05 else "education",
                guardian_id=rng.randrange(1, children // 5 + 1),
                status=status,
                awaiting_since=(date(2026, 11, 1) - timedelta(days=rng.randrange(900)))
                if status == "awaiting"
                else None,
                registered_by_id=clerk,
            )
        )
        categories = rng.sample(["orphan", "left_behind", "low_income", "disabled"], 2)
        categories = categories[: rng.randrange(1, 3)]
        kids[-1]["hardship_mask"] = hardship_mask(Hardship(c) for c in categories)
        hardships.extend(dict(child_id=i, category=category) for category in categories)
    _insert(Child.__table__, kids)
    _insert(ChildHardship.__table__, hardships)

    sponsor_status = ["approved"] * 80 + ["pending"] * 10 + ["rejected"] * 5 + ["withdrawn"] * 5
    parents = []
    for i in range(1, sponsors + 1):
        status = rng.choice(sponsor_status)
        created = _moment(rng)
        parents.append(
            dict(
                id=i,
                name=f"爱心{i}",
                mobile=f"139{i:08d}",
                region_id=rng.choice(villages),
                gender=rng.choice(["female", "male", None]),
                status=status,
                created_at=created,
                reviewed_at=None if status == "pending" else created + timedelta(days=3),
            )
        )
    _insert(Sponsor.__table__, parents)
    approved = [p["id"] for p in parents if p["status"] == "approved"]

    pairings, pledges, instalments = [], [], []
    for kid in kids:
        if kid["status"] not in ("paired", "exited") and not (
            kid["status"] == "awaiting" and rng.random() < 0.1
        ):
            continue
        pid = len(pairings) + 1
        status = {"paired": "active", "exited": "ended"}.get(kid["status"], "proposed")
        pairings.append(
            dict(
                id=pid,
                sponsor_id=rng.choice(approved),
                child_id=kid["id"],
                status=status,
                confirmed_at=None if status == "proposed" else _moment(rng),
                ended_on=date(2026, 9, 1) if status == "ended" else None,
            )
        )
        if status == "active":
            pledges.append(
                dict(
                    id=pid, pairing_id=pid, school_year=2026, amount_fen=120_000, frequency="yearly"
                )
            )
            overdue = rng.random() < 0.1
            instalments.append(
                dict(
                    id=pid,
                    pledge_id=pid,
                    seq=1,
                    due_on=date(2026, 10, 1),
                    amount_fen=120_000,
                    paid_fen=0 if overdue else 120_000,
                    status="overdue" if overdue else "paid",
                )
            )
    _insert(Pairing.__table__, pairings)
    _insert(Pledge.__table__, pledges)
    _insert(Instalment.__table__, instalments)
    active = [p for p in pairings if p["status"] == "active"]

    payouts = entries // 20
    gifts = (entries - 2 * payouts) // 2
    donations, txns, legs = [], [], []
    for i in range(1, gifts + 1):
        pairing = active[i % len(active)]
        amount = rng.randrange(100, 5000) * 100
        received = date(2026, 11, 28) - timedelta(days=rng.randrange(3 * 365))
        donations.append(
            dict(
                id=i,
                receipt_no=f"HD-B-{i:07d}",
                sponsor_id=pairing["sponsor_id"],
                amount_fen=amount,
                received_on=received,
                method="bank",
                remainder_to="credit",
                reversed=rng.random() < 0.01,
                reversal_reason="退票",
            )
        )
        txns.append(dict(id=i, kind="donation", donation_id=i, memo=""))
        legs.append(dict(transaction_id=i, account="bank", amount_fen=amount, pairing_id=None))
        legs.append(
            dict(
                transaction_id=i, account="restricted", amount_fen=-amount, pairing_id=pairing["id"]
            )
        )
    for j in range(1, payouts + 1):
        gift = donations[j - 1]
        tid = gifts + j
        txns.append(dict(id=tid, kind="donation", donation_id=None, memo="payout"))
        half = gift["amount_fen"] // 2
        pairing_id = active[j % len(active)]["id"]
        legs.append(
            dict(transaction_id=tid, account="restricted", amount_fen=half, pairing_id=pairing_id)
        )
        legs.append(
            dict(transaction_id=tid, account="payouts", amount_fen=-half, pairing_id=pairing_id)
        )
    _insert(Donation.__table__, donations)
    _insert(LedgerTransaction.__table__, txns)
    _insert(LedgerEntry.__table__, legs)
    entry = LedgerEntry.__table__
    db.session.execute(
        sa.insert(AccountBalance.__table__).from_select(
            ["key", "account", "pairing_id", "balance_fen"],
            sa.select(
                sa.literal("restricted:") + sa.cast(entry.c.pairing_id, sa.String),
                sa.literal("restricted"),
                entry.c.pairing_id,
                sa.func.sum(entry.c.amount_fen),
            )
            .where(entry.c.account == "restricted")
            .group_by(entry.c.pairing_id),
        )
    )
    for account in ("bank", "payouts"):
        total = db.session.scalar(
            sa.select(sa.func.sum(entry.c.amount_fen)).where(entry.c.account == account)
        )
        db.session.execute(
            sa.insert(AccountBalance.__table__).values(
                key=account, account=account, balance_fen=int(total or 0)
            )
        )
    _insert(
        Letter.__table__,
        [
            dict(
                kind="pairing_notice",
                recipient_type="sponsor",
                recipient_id=i,
                region_id=rng.choice(villages),
                reference=f"b{i}",
                dedupe_key=f"bench-{i}",
                channel="email",
                subject="s",
                body="b",
                status="failed" if i % 20 == 0 else "sent",
            )
            for i in range(1, 5001)
        ],
    )
    db.session.commit()
    return {"pairings": len(pairings), "donations": len(donations), "ledger_entries": len(legs)}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    """A cookie-keeping HTTP client that logs in through the real form."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, path: str) -> tuple[int, bytes]:
        with self.opener.open(self.base + path, timeout=60) as response:
            return response.status, response.read()

    def login(self, username: str) -> None:
        _status, page = self.get("/login")
        token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page).group(1).decode()
        data = urllib.parse.urlencode(
            {"csrf_token": token, "username": username, "password": PASSWORD}
        ).encode()
        self.opener.open(self.base + "/login", data=data, timeout=60).read()


def _time(client: Client, path: str, n: int) -> dict:
    for _ in range(3):
        status, _body = client.get(path)
        assert status == 200, (path, status)
    times = []
    for _ in range(n):
        start = time.perf_counter()
        client.get(path)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
        "max_ms": round(times[-1], 1),
    }


def _wait_until_up(base: str, server: subprocess.Popen) -> None:
    for _ in range(200):
        if server.poll() is not None:
            raise SystemExit("gunicorn exited early")
        try:
            urllib.request.urlopen(base + "/login", timeout=2).read()  # noqa: S310 - loopback http
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--sponsors", type=int, default=50_000)
    parser.add_argument("--ledger-entries", type=int, default=500_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--reuse", action="store_true", help="time an already seeded --database-url again"
    )
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='reports-bench-')}/bench.db"

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(Config)
    started = time.perf_counter()
    with app.app_context():
        from flask_migrate import upgrade

        if db.engine.dialect.name == "postgresql" and not args.reuse:
            with db.engine.begin() as conn:
                conn.exec_driver_sql("DROP SCHEMA public CASCADE")
                conn.exec_driver_sql("CREATE SCHEMA public")
        if args.reuse:
            counts = {"ledger_entries": db.session.scalar(sa.select(sa.func.count(LedgerEntry.id)))}
        else:
            upgrade()
            counts = seed(args.children, args.sponsors, args.ledger_entries)
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("ANALYZE")
        else:
            with db.engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE")
        dialect = db.engine.dialect.name
    seed_s = round(time.perf_counter() - started, 1)

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY="benchmark-only-secret")  # noqa: S106
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-w",
            str(args.workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        _wait_until_up(base, server)
        results = {}
        for who in ("bench-county", "bench-town"):
            client = Client(base)
            client.login(who)
            scope = who.removeprefix("bench-")
            results[f"dashboard_{scope}"] = _time(client, "/dashboard", args.requests)
            results[f"statistics_{scope}"] = _time(client, "/reports/statistics", args.requests)
            results[f"statistics_year_{scope}"] = _time(
                client, "/reports/statistics?start=2025-09-01&end=2026-08-31", args.requests
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
    worst = max(r["p50_ms"] for r in results.values())
    print(
        json.dumps(
            {
                "benchmark": "reports",
                "database": dialect,
                "children": args.children,
                "sponsors": args.sponsors,
                **counts,
                "server": f"gunicorn -w {args.workers} (loopback, sequential client)",
                "requests_each": args.requests,
                "seed_s": seed_s,
                **results,
                "worst_p50_ms": worst,
                "p50_within_200ms": worst <= 200,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
