"""Benchmark the register at scale: 100,000 children, the filtered list under gunicorn, an import.

    .venv/bin/python benchmarks/children.py                       # SQLite in a temporary folder
    .venv/bin/python benchmarks/children.py --url postgresql+psycopg://postgres@127.0.0.1/bench

Fills the database (the PostgreSQL one is emptied first), serves the real app with gunicorn on
loopback, runs a bounded client at 4 concurrent connections against the filtered list page, then
uploads and confirms a 10,000-row sheet through the same server. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "benchmark password"  # noqa: S105 - a throw-away account on a throw-away database
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
TOKEN_RE = re.compile(r'name="token" type="hidden" value="([^"]+)"')


def fill(url: str, children: int) -> dict:
    """Build the schema and insert the regions, two accounts and `children` children."""
    os.environ["DATABASE_URL"] = url
    import sqlalchemy as sa
    from flask_migrate import upgrade
    from stdnum.cn import ric

    from config import Config
    from sponsorship.app import create_app
    from sponsorship.extensions import db
    from sponsorship.models import Child, ChildHardship, Guardian, Region, User
    from sponsorship.models.child import hardship_mask
    from sponsorship.models.enums import RegionLevel, Role
    from sponsorship.services.core.regions import import_regions

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(BenchConfig)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.exec_driver_sql("DROP SCHEMA public CASCADE")
                conn.exec_driver_sql("CREATE SCHEMA public")
        upgrade()
        import_regions((ROOT / "data" / "regions_demo.csv").read_text(encoding="utf-8"))
        county = db.session.scalar(sa.select(Region).where(Region.level == RegionLevel.COUNTY))
        admin = User(username="admin", display_name="admin", role=Role.ADMIN)
        staff = User(username="staff", display_name="县妇联", role=Role.STAFF, scope_region=county)
        for user in (admin, staff):
            user.set_password(PASSWORD)
            db.session.add(user)
        db.session.commit()
        villages = db.session.execute(
            sa.select(Region.id, Region.parent_id)
            .where(Region.level == RegionLevel.VILLAGE)
            .order_by(Region.code)
        ).all()
        rng = random.Random(4)
        today = date.today()
        stages = [("primary", 1, 6), ("junior", 7, 9), ("senior", 10, 12), ("preschool", 0, 0)]
        statuses = ["awaiting"] * 6 + ["paired"] * 3 + ["registered", "verified", "exited"]
        hardships = [
            "orphan", "unsupported", "single_mother", "disabled",
            "seriously_ill", "left_behind", "low_income", "other",
        ]  # fmt: skip
        started = time.perf_counter()
        batch = 5000
        for start in range(0, children, batch):
            guardians, kids, rows = [], [], []
            for i in range(start, min(children, start + batch)):
                stage, low, high = rng.choices(stages, weights=[12, 4, 2, 1])[0]
                grade = rng.randint(low, high) if low else None
                birth = date(today.year - (grade or 4) - 6, 1, 1) + timedelta(days=(i // 1000) * 3)
                order = i % 1000
                number = None
                if i % 5:
                    body = f"441323{birth:%Y%m%d}{order:03d}"
                    number = body + ric.calc_check_digit(body + "0")
                status = rng.choice(statuses)
                guardians.append(
                    {
                        "id": i + 1,
                        "name": "监护人",
                        "relation": "祖母",
                        "mobile": f"138{i:08d}",
                        "bank_name": "农商银行",
                        "bank_account": f"622848{i:013d}",
                        "consent_given_on": today - timedelta(days=30),
                        "consent_collected_by_id": admin.id,
                    }
                )
                kids.append(
                    {
                        "id": i + 1,
                        "name": f"{rng.choice('陈李黄张林刘叶吴何王')}童{i}",
                        "gender": "male" if order % 2 else "female",
                        "birth_date": birth,
                        "id_number": number,
                        "id_tail": number[-4:] if number else None,
                        "region_id": villages[i % len(villages)][0],
                        "school_stage": stage,
                        "grade": grade,
                        "aid_type": "fostering" if i % 20 == 0 else "education",
                        "guardian_id": i + 1,
                        "status": status,
                        "awaiting_since": today - timedelta(days=rng.randint(1, 700)),
                        "registered_by_id": admin.id,
                        "family_situation": "基准测试数据",
                    }
                )
                chosen = rng.sample(hardships, rng.choice([1, 1, 2]))
                kids[-1]["hardship_mask"] = hardship_mask(chosen)
                for category in chosen:
                    rows.append({"child_id": i + 1, "category": category})
            db.session.execute(sa.insert(Guardian), guardians)
            db.session.execute(sa.insert(Child), kids)
            db.session.execute(sa.insert(ChildHardship), rows)
            db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                for table in ("guardians", "children"):
                    conn.exec_driver_sql(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {children + 1})"
                    )
            # A register that has lived a while has been vacuumed: index-only scans work.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
        else:
            with db.engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE")
        towns = [t for t in {parent for _, parent in villages}]
        return {"fill_s": round(time.perf_counter() - started, 1), "town_ids": sorted(towns)}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Client:
    """A minimal HTTP client with a cookie jar: one connection per request (gunicorn sync)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        conn.close()
        return response.status, data.decode("utf-8", "replace"), response

    def csrf(self, path: str) -> str:
        return CSRF_RE.search(self.request("GET", path)[1]).group(1)

    def post_form(self, path: str, fields: dict, token_from: str):
        from urllib.parse import urlencode

        body = urlencode({"csrf_token": self.csrf(token_from), **fields}).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return self.request("POST", path, body, headers)

    def post_file(self, path: str, filename: str, content: bytes, token_from: str):
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
            f"{self.csrf(token_from)}\r\n".encode(),
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode(),
            content,
            f"\r\n--{boundary}--\r\n".encode(),
        ]
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        return self.request("POST", path, b"".join(parts), headers)


def measure_list(client: Client, paths: list[str], total: int, concurrency: int) -> dict:
    """Request the list pages `total` times from `concurrency` threads; return latency figures."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    counter = iter(range(total))

    def worker() -> None:
        nonlocal errors
        while True:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            started = time.perf_counter()
            status, _, _ = client.request("GET", paths[n % len(paths)])
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                errors += status != 200

    for _ in range(10):  # warm every worker's caches
        client.request("GET", paths[0])
    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    latencies.sort()
    return {
        "list_p50_ms": round(statistics.median(latencies) * 1000, 1),
        "list_p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 1),
        "list_rps": round(len(latencies) / wall, 1),
        "list_requests": len(latencies),
        "list_errors": errors,
    }


def import_sheet(client: Client, rows: int) -> dict:
    """Upload a sheet of new children, read the preview, confirm; time both steps."""
    from tests.sheets import make_sheet, sheet_row

    rng = random.Random(9)
    from stdnum.cn import ric

    with open(ROOT / "data" / "regions_demo.csv", encoding="utf-8") as handle:
        lines = [line.strip().split(",") for line in handle][1:]
    names = {code: name for code, name, *_ in lines}
    villages = [
        (names[parent], name) for code, name, level, parent, _ in lines if level == "village"
    ]
    sheet = []
    for i in range(rows):
        birth = date(2014, 1, 1) + timedelta(days=i // 500)
        # Another county's area code: these children are all new to the register.
        body = f"441302{birth:%Y%m%d}{(i % 500) * 2:03d}"
        town, village = villages[i % len(villages)]
        sheet.append(
            sheet_row(
                town,
                village,
                姓名=f"导入童{i}",
                身份证号=body + ric.calc_check_digit(body + "0"),
                出生日期="",
                性别="",
                学段="小学",
                年级=rng.randint(1, 6),
            )
        )
    content = make_sheet(sheet)
    started = time.perf_counter()
    status, page, _ = client.post_file(
        "/children/import/", "bench.xlsx", content, "/children/import/"
    )
    preview = time.perf_counter() - started
    match = TOKEN_RE.search(page)
    if status != 200 or match is None:
        raise SystemExit(f"import preview failed ({status}): {page[:2000]}")
    started = time.perf_counter()
    status, _, response = client.post_form(
        "/children/import/confirm", {"token": match.group(1)}, "/children/"
    )
    confirm = time.perf_counter() - started
    if status != 302 or response.getheader("Location", "").endswith("/import/"):
        raise SystemExit(f"import confirm failed ({status})")
    return {
        "import_rows": rows,
        "import_preview_s": round(preview, 2),
        "import_confirm_s": round(confirm, 2),
        "import_s": round(preview + confirm, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="database URL (default: SQLite in a temporary folder)")
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--import-rows", type=int, default=10_000)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="children-bench-")
    url = args.url or f"sqlite:///{folder}/bench.db"
    filled = fill(url, args.children)
    port = free_port()
    env = dict(
        os.environ,
        DATABASE_URL=url,
        SECRET_KEY=secrets.token_urlsafe(48),
        SPONSORSHIP_ENV="development",
        LOGIN_RATE_LIMIT="100 per minute",
    )
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            f"--workers={args.workers}",
            f"--bind=127.0.0.1:{port}",
            "--timeout=120",
            "--log-level=warning",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        client = Client(port)
        for _ in range(100):
            try:
                client.request("GET", "/login")
                break
            except OSError:
                time.sleep(0.1)
        status, _, _ = client.post_form(
            "/login", {"username": "staff", "password": PASSWORD}, "/login"
        )
        if status != 302:
            raise SystemExit(f"login failed ({status})")
        towns = filled["town_ids"]
        paths = [
            f"/children/?town={towns[0]}&status=awaiting&stage=primary&sort=name",
            f"/children/?town={towns[3]}&hardship=orphan&sort=waiting&dir=asc",
            "/children/?status=awaiting&waited=180&aid_type=education&page=5",
            "/children/?q=0123",
            f"/children/?town={towns[5]}&stage=junior&sort=birth_date&dir=desc&page=2",
            "/children/?hardship=left_behind&status=awaiting&sort=village",
        ]
        # Other work on the machine shares its cores: say how busy it was, for honest reading.
        load_before = os.getloadavg()[0]
        figures = measure_list(client, paths, args.requests, args.concurrency)
        if args.import_rows:
            figures |= import_sheet(client, args.import_rows)
    finally:
        server.terminate()
        server.wait(timeout=30)
    dialect = url.split(":", 1)[0].split("+", 1)[0]
    print(
        json.dumps(
            {
                "benchmark": "children",
                "database": dialect,
                "children": args.children,
                "workers": args.workers,
                "concurrency": args.concurrency,
                "fill_s": filled["fill_s"],
                "cpus": os.cpu_count(),
                "loadavg_1m_before_list": round(load_before, 2),
                **figures,
                "targets": {"list_p50_ms": 20, "list_p99_ms": 100, "import_s": 15},
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
