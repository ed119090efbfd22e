"""A county office's busy day on one database: the scheduler's jobs run in another process while
people log in, sign up, record donations and print letters, and nobody meets an error.

On SQLite this is what BEGIN IMMEDIATE (database.py) is for: a request that reads and then writes
while the scheduler writes would otherwise fail with "database is locked".
"""

from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.models import AuditEvent, Donation, JobRun, Sponsor
from sponsorship.models.enums import Channel, LetterKind, Role
from sponsorship.services.letters.queue import queue_letter
from tests import factories
from tests.conftest import RequestClient, count, csrf_token
from tests.views.test_donations import donation_form
from tests.views.test_signup import form_data

ROOT = Path(__file__).resolve().parents[2]
#: Seconds the busy day lasts; the issue asks for a minute, the suite's default keeps it quick.
SECONDS = float(os.environ.get("BUSY_DAY_SECONDS", "20"))
#: Two donations recorded at the same moment, this many times.
DONATION_RACES = 50


class Ref:
    """Something with an id, as the form helpers want, without holding a database row."""

    def __init__(self, id_: int):
        self.id = id_


def _client(app):
    app.test_client_class = RequestClient
    return app.test_client()


def _login(client, username: str) -> None:
    token = csrf_token(client)
    response = client.post(
        "/login", data={"csrf_token": token, "username": username, "password": factories.PASSWORD}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


class Day:
    """The people's threads: each repeats its task until the day ends, noting every failure."""

    def __init__(self, seconds: float):
        self.deadline = time.monotonic() + seconds
        self.errors: list[str] = []
        self.done: dict[str, int] = {}
        self.lock = threading.Lock()

    def run(self, name: str, task: Callable[[int], tuple[int, int, str]]) -> threading.Thread:
        """Start a thread that calls task(n) until the deadline; task returns (got, want, page)."""

        def loop():
            for n in itertools.count():
                if time.monotonic() >= self.deadline:
                    break
                try:
                    got, want, page = task(n)
                except Exception as error:  # reported by the assertion, with its name
                    with self.lock:
                        self.errors.append(f"{name} #{n}: {type(error).__name__}: {error}")
                    break
                with self.lock:
                    self.done[name] = self.done.get(name, 0) + 1
                    if got != want:
                        self.errors.append(f"{name} #{n}: {got} (wanted {want}) {page[:300]}")

        thread = threading.Thread(target=loop, name=name)
        thread.start()
        return thread


@pytest.fixture
def generous_limits(app, monkeypatch):
    """The day is about the database: the rate limits are tested on their own."""
    for key in ("LOGIN_RATE_LIMIT", "PUBLIC_FORM_RATE_LIMIT"):
        monkeypatch.setitem(app.config, key, "100000 per hour")
    for key in (
        "LOGIN_ACCOUNT_RATE_LIMIT",
        "SIGNUP_ADDRESS_RATE_LIMIT",
        "SIGNUP_PERSON_RATE_LIMIT",
    ):
        if key in app.config:
            monkeypatch.setitem(app.config, key, "100000 per hour")


@pytest.mark.commits
def test_a_busy_day_with_the_scheduler_running_has_no_errors(app, generous_limits):
    staff = factories.make_user(Role.STAFF)
    finance = factories.make_user(Role.FINANCE)
    village = factories.make_village()
    payer = factories.make_sponsor()
    for _ in range(3):  # work for the scheduler: pledges falling due, letters to send
        factories.make_pledge()
        sponsor = factories.make_letter_sponsor(channel=Channel.SMS)
        queue_letter(LetterKind.APPROVAL, sponsor, f"sponsor:{sponsor.id}")
    printed = [factories.make_letter_sponsor(channel=Channel.POST) for _ in range(2)]
    letters = [queue_letter(LetterKind.APPEAL, s, f"sponsor:{s.id}") for s in printed]
    db.session.commit()
    staff_name, finance_name, village_id = staff.username, finance.username, village.id
    payer_id, pdf_ids = payer.id, ",".join(str(letter.id) for letter in letters)
    db.session.remove()  # this thread's reads end here: on SQLite they would hold the lock
    url = db.engine.url.render_as_string(hide_password=False)
    scheduler = subprocess.Popen(
        [sys.executable, "-m", "tests.concurrency.scheduler_loop_worker", url, str(SECONDS)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    day = Day(SECONDS)
    clerk, cashier, printer = _client(app), _client(app), _client(app)
    _login(cashier, finance_name)
    _login(printer, staff_name)

    def log_in(n):
        client = _client(app)
        response = client.post(
            "/login",
            data={
                "csrf_token": csrf_token(client),
                "username": staff_name,
                "password": factories.PASSWORD,
            },
        )
        return response.status_code, 302, response.get_data(as_text=True)

    def sign_up(n):
        data = form_data(Ref(village_id), mobile=f"137{n:08d}", name=f"报名{n}")
        data["csrf_token"] = csrf_token(clerk, "/signup")
        response = clerk.post("/signup", data=data)
        return response.status_code, 302, response.get_data(as_text=True)

    def record_donation(n):
        data = donation_form(Ref(payer_id), f"{n + 1}.00")
        data["csrf_token"] = csrf_token(cashier, "/donations/new")
        response = cashier.post("/donations/new", data=data)
        return response.status_code, 302, response.get_data(as_text=True)

    def print_letters(n):
        response = printer.get(f"/letters/print.pdf?ids={pdf_ids}")
        ok = response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
        return response.status_code if ok else -2, 200, "" if ok else response.get_data()[:300]

    threads = [
        day.run("login", log_in),
        day.run("signup", sign_up),
        day.run("donation", record_donation),
        day.run("print", print_letters),
    ]
    for thread in threads:
        thread.join(timeout=SECONDS + 120)
    out, err = scheduler.communicate(timeout=SECONDS + 120)
    assert scheduler.returncode == 0, err[-3000:]
    jobs = json.loads(out.strip().splitlines()[-1])

    assert day.errors == []
    assert jobs["bad"] == [], jobs
    assert "database is locked" not in err
    # Everyone got something done, and it is all there.
    assert min(day.done.get(name, 0) for name in ("login", "signup", "donation", "print")) >= 1
    assert jobs["rounds"] >= 1 and "deliver_letters" in jobs["jobs"], jobs
    assert count(Sponsor, Sponsor.name.like("报名%")) == day.done["signup"]
    assert count(Donation, Donation.sponsor_id == payer_id) == day.done["donation"]
    logins = count(AuditEvent, AuditEvent.action == "auth.login")
    assert logins == day.done["login"] + 2
    assert count(JobRun) >= 1


@pytest.mark.commits
def test_two_donations_recorded_at_the_same_moment_both_land(app, dialect):
    finance = factories.make_user(Role.FINANCE)
    payer = factories.make_sponsor()
    warm_up = 0
    if dialect == "postgresql":
        # The year's first receipt number is a race of its own on PostgreSQL (two INSERTs of the
        # year's sequence row): issue 14's to fix; here the year's sequence exists already.
        warm_up = 100
        factories.make_donation(payer, warm_up)
    db.session.commit()
    finance_name, payer_id = finance.username, payer.id
    db.session.remove()
    cashiers = [_client(app) for _ in range(2)]
    for cashier in cashiers:
        _login(cashier, finance_name)
    tokens = [csrf_token(cashier, "/donations/new") for cashier in cashiers]
    barrier = threading.Barrier(2)
    answers: list[tuple[int, str]] = []

    def record(cashier, token, amount):
        barrier.wait()
        data = {**donation_form(Ref(payer_id), amount), "csrf_token": token}
        response = cashier.post("/donations/new", data=data)
        answers.append((response.status_code, response.get_data(as_text=True)[:300]))

    for attempt in range(DONATION_RACES):
        pair = [
            threading.Thread(target=record, args=(c, t, f"{attempt + 1}.{i}0"))
            for i, (c, t) in enumerate(zip(cashiers, tokens, strict=True))
        ]
        for thread in pair:
            thread.start()
        for thread in pair:
            thread.join(timeout=60)
    refused = [a for a in answers if a[0] != 302]
    assert refused == []
    assert len(answers) == 2 * DONATION_RACES
    total = db.session.scalar(
        sa.select(sa.func.sum(Donation.amount_fen)).where(Donation.sponsor_id == payer_id)
    )
    assert total == warm_up + sum((a + 1) * 100 * 2 + 10 for a in range(DONATION_RACES))
    receipts = db.session.scalars(sa.select(Donation.receipt_no)).all()
    assert len(set(receipts)) == len(receipts) == 2 * DONATION_RACES + (1 if warm_up else 0)
    assert not any(re.search("locked", page) for _, page in answers)
