"""A mail server that accepts connections and never answers does not hold up the post."""

from __future__ import annotations

import socket
import threading
from datetime import UTC, datetime

import pytest

from sponsorship.extensions import db
from sponsorship.jobs.letters import deliver_pending
from sponsorship.models import Letter
from sponsorship.models.enums import Channel, LetterKind, LetterStatus
from sponsorship.services.letters.queue import queue_letter
from tests import factories
from tests.conftest import count

NOW = datetime(2026, 9, 1, 2, 0, tzinfo=UTC)


class SilentServer:
    """A TCP server on loopback that takes every connection and never says a word."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.port = self.sock.getsockname()[1]
        self.connections: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:  # closed: the test is over
                return
            self.connections.append(conn)  # held open, unanswered

    def close(self):
        self.sock.close()
        for conn in self.connections:
            conn.close()


class KeptSms:
    """An SMS gateway that answers at once and keeps what it was given."""

    sent: list[str] = []

    def __init__(self, config):
        self.config = config

    def send(self, mobile, text, *, reference):
        KeptSms.sent.append(reference)


@pytest.fixture
def silent_smtp(app, monkeypatch):
    server = SilentServer()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", server.port)
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
    monkeypatch.setitem(app.config, "MAIL_USE_SSL", False)
    monkeypatch.setitem(app.config, "SMS_SENDER", f"{__name__}:KeptSms")
    KeptSms.sent = []
    try:
        yield server
    finally:
        server.close()


def _queue(channel: Channel, n: int) -> list[Letter]:
    letters = []
    for _ in range(n):
        sponsor = factories.make_letter_sponsor(channel=channel)
        letters.append(queue_letter(LetterKind.APPROVAL, sponsor, f"sponsor:{sponsor.id}"))
    return letters


def test_text_messages_go_out_while_the_mail_server_is_silent(
    app, frozen, silent_smtp, monkeypatch
):
    frozen(NOW)
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 2)
    emails = _queue(Channel.EMAIL, 3)  # queued first: the oldest letters are emails
    texts = _queue(Channel.SMS, 3)
    db.session.commit()

    outcome = deliver_pending(budget=30)

    assert sorted(KeptSms.sent) == sorted(letter.dedupe_key for letter in texts)
    assert outcome["sent"] == 3 and outcome["retry"] == 1 and outcome["backed_off"] == 1
    # One email met the silence; the server was then left alone, not tried twice more.
    assert len(silent_smtp.connections) == 1
    for letter in emails:
        db.session.refresh(letter)
    tried, *waiting = emails
    assert tried.status == LetterStatus.QUEUED and tried.attempts == 1
    assert tried.next_attempt_at is not None and "no answer from 127.0.0.1" in tried.last_error
    assert [(w.status, w.attempts, w.last_error) for w in waiting] == [
        (LetterStatus.QUEUED, 0, None)
    ] * 2
    assert count(Letter, Letter.status == LetterStatus.SENT) == 3


def test_a_silent_server_cannot_keep_the_run_past_its_budget(app, frozen, silent_smtp, monkeypatch):
    frozen(NOW)
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 600)  # the budget, not this, must end it
    monkeypatch.setitem(app.config, "LETTER_DELIVERY_BUDGET", 2)
    [letter] = _queue(Channel.EMAIL, 1)
    db.session.commit()

    outcome = deliver_pending()

    db.session.refresh(letter)
    assert outcome["retry"] == 1 and letter.status == LetterStatus.QUEUED
    waited = float(letter.last_error.rsplit("within ", 1)[1].split()[0])
    assert 0 < waited <= 2  # the wait granted to the server came out of the run's budget


def test_a_run_with_its_budget_spent_claims_nothing(app, frozen, silent_smtp):
    frozen(NOW)
    [letter] = _queue(Channel.SMS, 1)
    db.session.commit()

    outcome = deliver_pending(budget=0)

    db.session.refresh(letter)
    assert outcome["out_of_time"] == 1 and outcome["sent"] == 0
    assert letter.status == LetterStatus.QUEUED and letter.attempts == 0 and KeptSms.sent == []
