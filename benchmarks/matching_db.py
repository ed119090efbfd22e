"""Benchmark matching end to end: database → engine → saved proposals; print one JSON line.

    python benchmarks/matching_db.py --children 20000 --sponsors 10000 [--database-url URL]

Loads the synthetic instance of benchmarks/matching.py into a fresh database (a temporary SQLite
file by default; with --database-url the schema there is DROPPED and rebuilt: use a scratch
database), then times `run_matching` for the whole programme and its commit.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import sqlalchemy as sa
from flask_migrate import upgrade
from matching import instance

from config import Config
from sponsorship.app import create_app
from sponsorship.extensions import db
from sponsorship.models import Child, ChildHardship, Guardian, Pairing, Region, Sponsor, User
from sponsorship.services.pairing.matching import run_matching

TODAY = date(2026, 11, 29)
_STAGE = {"primary": ("primary", "education"), "middle": ("junior", "education")}


def load(n_children: int, n_sponsors: int) -> None:
    """Insert regions, a clerk, guardians, children and caring parents in bulk."""
    sponsors, children = instance(n_children, n_sponsors)
    regions: dict[str, int] = {}
    rows = []

    def region(code: str, level: str, parent: str | None, zone: str | None) -> None:
        if code in regions:
            return
        regions[code] = len(regions) + 1
        parent_path = by_code[parent]["path"] if parent else "/"
        rows.append(
            dict(
                id=regions[code],
                code=code,
                name=code,
                level=level,
                parent_id=regions.get(parent) if parent else None,
                zone=zone,
                path=f"{parent_path}{code}/",
            )
        )

    zones = ["coastal", "riverside", "mountain"]
    paths = {r.region for r in sponsors} | {c.region for c in children}
    by_code: dict[str, dict] = {}
    for county, zone, town, village in sorted(paths):
        for code, level, parent, z in (
            (county, "county", None, None),
            (town, "town", county, zones[int(zone[-1])]),
            (village, "village", town, zones[int(zone[-1])]),
        ):
            if code not in regions:
                region(code, level, parent, z)
                by_code[code] = rows[-1]
    db.session.execute(sa.insert(Region), rows)
    db.session.execute(
        sa.insert(User),
        [dict(id=1, username="clerk", display_name="clerk", role="staff", password_hash="!")],  # noqa: S106
    )
    db.session.execute(
        sa.insert(Guardian),
        [
            dict(
                id=c.id,
                name="监护人",
                relation="祖母",
                consent_given_on=TODAY,
                consent_collected_by_id=1,
            )
            for c in children
        ],
    )
    db.session.execute(
        sa.insert(Child),
        [
            dict(
                id=c.id,
                name=f"陈童{c.id}",
                gender=c.gender,
                birth_date=date(2015, 1, 1),
                region_id=regions[c.region[3]],
                school_stage=_STAGE.get(c.aid_group, ("primary", "fostering"))[0],
                aid_type=_STAGE.get(c.aid_group, ("primary", "fostering"))[1],
                guardian_id=c.id,
                status="awaiting",
                awaiting_since=TODAY - timedelta(days=c.waiting_days),
                registered_by_id=1,
            )
            for c in children
        ],
    )
    hardships = [dict(child_id=c.id, category=h) for c in children for h in c.hardships]
    if hardships:
        db.session.execute(sa.insert(ChildHardship), hardships)
    db.session.execute(
        sa.insert(Sponsor),
        [
            dict(
                id=s.id,
                name=f"爱心{s.id}",
                mobile=f"139{s.id:08d}",
                region_id=regions[s.region[3]],
                capacity=s.capacity,
                aid_preference=s.aid_preference,
                distance=s.distance,
                child_gender=s.child_gender,
                status="approved",
                pledge_per_child_fen=100_000,
            )
            for s in sponsors
        ],
    )
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=20_000)
    parser.add_argument("--sponsors", type=int, default=10_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = url
        FROZEN_NOW = datetime(2026, 11, 29, 2, 0, tzinfo=UTC)

    app = create_app(BenchConfig)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.exec_driver_sql("DROP SCHEMA public CASCADE")
                conn.exec_driver_sql("CREATE SCHEMA public")
        upgrade()
        load(args.children, args.sponsors)
        started, cpu_started = time.perf_counter(), time.process_time()
        summary = run_matching(None)
        db.session.commit()
        seconds = time.perf_counter() - started
        cpu_seconds = time.process_time() - cpu_started
        saved = db.session.scalar(sa.select(sa.func.count()).select_from(Pairing))
    print(
        json.dumps(
            {
                "database": url.split(":", 1)[0],
                "children": summary.children,
                "sponsors": summary.sponsors,
                "end_to_end_seconds": round(seconds, 3),
                # This process's CPU time: what the run costs when other work shares the machine
                # (the database server's own time, on PostgreSQL, is not in it).
                "end_to_end_cpu_seconds": round(cpu_seconds, 3),
                "proposals_saved": saved,
                "unmatched": summary.unmatched,
            }
        )
    )


if __name__ == "__main__":
    main()
