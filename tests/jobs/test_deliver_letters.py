"""Delivery against a real SMTP server on loopback: headers, UTF-8, retries, failures, once."""

import email
import socket
import threading
from datetime import UTC, datetime, timedelta
from email import policy

import pytest
from aiosmtpd.controller import Controller

from sponsorship.extensions import db
from sponsorship.jobs.letters import deliver_pending
from sponsorship.jobs.registry import registry
from sponsorship.letters.channels import PermanentDeliveryError
from sponsorship.letters.sms import LoggingSmsSender, load_sender
from sponsorship.models import Letter
from sponsorship.models.enums import Channel, LetterKind, LetterStatus
from sponsorship.services.letters import delivery
from sponsorship.services.letters.queue import queue_letter
from sponsorship.work.job_runs import Outcome, run_job
from tests import factories
from tests.conftest import count

NOW = datetime(2026, 9, 1, 2, 0, tzinfo=UTC)


class Mailbox:
    """An aiosmtpd handler that keeps what it receives, or answers with queued error replies."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.replies: list[str] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        with self.lock:
            if self.replies:
                return self.replies.pop(0)
            parsed = email.message_from_bytes(envelope.content, policy=policy.default)
            parsed.envelope_to = list(envelope.rcpt_tos)
            self.messages.append(parsed)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp(app):
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    saved = {k: app.config[k] for k in ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USE_SSL")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    app.config.update(MAIL_USE_TLS=False, MAIL_USE_SSL=False)
    try:
        yield mailbox
    finally:
        controller.stop()
        app.config.update(saved)


def email_letter(reference="donation:7", **fields) -> Letter:
    sponsor = factories.make_letter_sponsor(channel=Channel.EMAIL, **fields)
    return queue_letter(
        LetterKind.DONATION_THANKS, sponsor, reference, amount_fen=88_800, receipt_no="HD-0007"
    )


def test_the_email_arrives_with_the_right_headers_and_a_utf8_body(smtp, app, frozen):
    frozen(NOW)
    letter = email_letter()
    db.session.commit()
    assert deliver_pending()["sent"] == 1
    [message] = smtp.messages
    assert message["To"] == letter.to_address
    assert message["From"] == app.config["MAIL_DEFAULT_SENDER"]
    assert message["Subject"] == "感谢信：已收到您的捐款 ¥888.00"
    assert message["Message-ID"].startswith(f"<letter-{letter.id}.")
    assert message.get_content_charset() == "utf-8"
    assert "收据编号 HD-0007" in message.get_content()
    db.session.refresh(letter)
    assert letter.status == LetterStatus.SENT and letter.sent_at == NOW
    assert letter.attempts == 1 and letter.claim_token is None


def test_a_4xx_reply_is_retried_with_backoff(smtp, frozen):
    frozen(NOW)
    letter = email_letter()
    db.session.commit()
    smtp.replies.append("451 4.3.0 Mailbox busy, try again later")
    assert deliver_pending()["retry"] == 1
    db.session.refresh(letter)
    assert letter.status == LetterStatus.QUEUED
    assert letter.last_error == "451 4.3.0 Mailbox busy, try again later"
    assert letter.next_attempt_at == NOW + delivery.BACKOFF[0]
    assert deliver_pending()["sent"] == 0  # not due yet
    frozen(NOW + delivery.BACKOFF[0])
    assert deliver_pending()["sent"] == 1
    db.session.refresh(letter)
    assert letter.status == LetterStatus.SENT and letter.attempts == 2
    assert len(smtp.messages) == 1


def test_a_5xx_reply_fails_the_letter_with_the_servers_message(smtp, frozen):
    frozen(NOW)
    letter = email_letter()
    db.session.commit()
    smtp.replies.append("554 5.7.1 Message rejected as spam")
    assert deliver_pending()["failed"] == 1
    db.session.refresh(letter)
    assert letter.status == LetterStatus.FAILED
    assert letter.last_error == "554 5.7.1 Message rejected as spam"
    frozen(NOW + timedelta(days=1))
    assert deliver_pending()["sent"] == 0 and smtp.messages == []


def test_temporary_failures_give_up_after_the_last_attempt(smtp, frozen):
    moment = NOW
    frozen(moment)
    letter = email_letter()
    db.session.commit()
    smtp.replies.extend(["421 4.4.2 Timeout"] * delivery.MAX_ATTEMPTS)
    for _ in range(delivery.MAX_ATTEMPTS):
        deliver_pending()
        moment += timedelta(days=1)
        frozen(moment)
    db.session.refresh(letter)
    assert letter.status == LetterStatus.FAILED and letter.attempts == delivery.MAX_ATTEMPTS
    assert "421 4.4.2 Timeout" in letter.last_error


def test_an_unreachable_server_is_a_temporary_failure(app, frozen):
    frozen(NOW)
    letter = email_letter()
    db.session.commit()
    saved = app.config["MAIL_PORT"], app.config["MAIL_SERVER"]
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=_free_port())
    try:
        assert deliver_pending()["retry"] == 1
    finally:
        app.config["MAIL_PORT"], app.config["MAIL_SERVER"] = saved
    db.session.refresh(letter)
    assert letter.status == LetterStatus.QUEUED and letter.last_error


def test_a_crash_between_send_and_mark_does_not_lose_the_letter(smtp, frozen, monkeypatch):
    frozen(NOW)
    letter = email_letter()
    db.session.commit()

    def crash(*args, **kwargs):
        raise SystemExit("worker killed")

    monkeypatch.setattr(delivery, "record_sent", crash)
    with pytest.raises(SystemExit):
        deliver_pending()
    monkeypatch.undo()
    db.session.rollback()
    db.session.refresh(letter)
    assert letter.status == LetterStatus.SENDING and len(smtp.messages) == 1
    # Another worker soon after leaves the claim alone ...
    frozen(NOW + timedelta(minutes=1))
    assert deliver_pending()["sent"] == 0
    # ... until it is stale; then the letter is sent again rather than lost.
    frozen(NOW + delivery.CLAIM_TIMEOUT + timedelta(minutes=1))
    outcome = deliver_pending()
    assert outcome["recovered"] == 1 and outcome["sent"] == 1
    db.session.refresh(letter)
    assert letter.status == LetterStatus.SENT
    assert [m["Message-ID"] for m in smtp.messages] == [smtp.messages[0]["Message-ID"]] * 2


def test_postal_letters_wait_for_the_print_queue(smtp, frozen):
    frozen(NOW)
    sponsor = factories.make_letter_sponsor(channel=Channel.POST)
    letter = queue_letter(LetterKind.APPEAL, sponsor, "appeal:2026")
    db.session.commit()
    deliver_pending()
    assert letter.status == LetterStatus.QUEUED and smtp.messages == []


class RecordingSms:
    """An SMS provider is one class: this one keeps the messages, or refuses a number."""

    sent: list = []

    def __init__(self, config):
        self.config = config

    def send(self, mobile, text, *, reference):
        if mobile.endswith("0000"):
            raise PermanentDeliveryError("invalid number")
        RecordingSms.sent.append((mobile, text, reference))


def test_sms_goes_through_the_configured_adapter(app, frozen):
    frozen(NOW)
    RecordingSms.sent = []
    sponsor = factories.make_letter_sponsor(channel=Channel.SMS)
    letter = queue_letter(LetterKind.APPROVAL, sponsor, f"sponsor:{sponsor.id}")
    bad = factories.make_letter_sponsor(channel=Channel.SMS, mobile="13900000000")
    refused = queue_letter(LetterKind.APPROVAL, bad, f"sponsor:{bad.id}")
    db.session.commit()
    saved = app.config["SMS_SENDER"]
    app.config["SMS_SENDER"] = f"{__name__}:RecordingSms"
    try:
        outcome = deliver_pending()
    finally:
        app.config["SMS_SENDER"] = saved
    assert outcome["sent"] == 1 and outcome["failed"] == 1
    [(mobile, text, reference)] = RecordingSms.sent
    assert mobile == sponsor.mobile and "欢迎您成为爱心父母" in text
    assert reference == letter.dedupe_key
    db.session.refresh(refused)
    assert refused.status == LetterStatus.FAILED and refused.last_error == "invalid number"


def test_the_default_sms_adapter_only_logs_that_a_message_went(app, caplog):
    sender = load_sender(app.config)
    assert isinstance(sender, LoggingSmsSender)
    with caplog.at_level("INFO"):
        sender.send("13912345678", "测试短信", reference="x")
    assert [r.getMessage() for r in caplog.records if "SMS" in r.getMessage()] == [
        "SMS to *******5678: 4 characters"
    ]


def test_the_minutely_job_is_registered_and_runs_once_per_minute(smtp, frozen):
    frozen(NOW)
    email_letter()
    db.session.commit()
    spec = registry()["deliver_letters"]
    assert run_job(spec) == Outcome.SUCCEEDED
    assert run_job(spec) == Outcome.SKIPPED
    assert len(smtp.messages) == 1


@pytest.mark.commits
def test_two_concurrent_delivery_runs_send_each_letter_once(app, smtp):
    letters = [email_letter(reference=f"donation:{n}") for n in range(6)]
    db.session.commit()
    ids = [letter.id for letter in letters]
    # Reading the ids began a transaction, and on SQLite every transaction holds the write lock:
    # end it before the workers start, as a request ends its own.
    db.session.rollback()
    barrier = threading.Barrier(2)
    errors = []

    def worker():
        try:
            with app.app_context():
                barrier.wait()
                deliver_pending()
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    message_ids = [m["Message-ID"] for m in smtp.messages]
    assert len(message_ids) == len(ids) == len(set(message_ids))
    assert count(Letter, Letter.status == LetterStatus.SENT) == len(ids)


def test_an_unexpected_error_is_retried_then_given_up(app, frozen):
    moment = NOW
    frozen(moment)
    sponsor = factories.make_letter_sponsor(channel=Channel.SMS)
    letter = queue_letter(LetterKind.APPROVAL, sponsor, "x")
    db.session.commit()
    saved = app.config["SMS_SENDER"]
    app.config["SMS_SENDER"] = "sponsorship.letters.sms:NoSuchSender"
    try:
        for _ in range(delivery.MAX_ATTEMPTS):
            deliver_pending()
            moment += timedelta(days=1)
            frozen(moment)
    finally:
        app.config["SMS_SENDER"] = saved
    db.session.refresh(letter)
    assert letter.status == LetterStatus.FAILED and "AttributeError" in letter.last_error


def test_a_letter_that_kills_every_worker_is_failed_not_retried_forever(smtp, frozen):
    frozen(NOW)
    letter = email_letter()
    letter.status = LetterStatus.SENDING
    letter.attempts = delivery.MAX_ATTEMPTS
    letter.claim_token = "dead"
    letter.claimed_at = NOW - delivery.CLAIM_TIMEOUT - timedelta(minutes=1)
    db.session.commit()
    deliver_pending()
    db.session.refresh(letter)
    assert letter.status == LetterStatus.FAILED and smtp.messages == []
