"""Paying a batch in chunks leaves exactly what paying it one payout at a time leaves:
the same ledger legs per payout, balances, payout states and letter rows (and letter text)."""

from datetime import UTC, date, datetime

import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.models import AccountBalance, LedgerEntry, LedgerTransaction, Letter, Payout
from sponsorship.models.enums import Channel, PayoutBatchStatus, Role
from sponsorship.services.letters import text
from sponsorship.services.money import ledger_check
from sponsorship.services.payouts import bank_file
from sponsorship.services.payouts import review as batches
from sponsorship.services.payouts.build import build_batch
from sponsorship.services.payouts.payments import pay_chunk
from tests.factories import make_guardian, make_paid_pairing, make_user

PAYOUTS = 200
PAID_ON = date(2026, 9, 10)


def _programme() -> None:
    """Payouts of every shape: guardians by SMS and by post, one guardian of two children,
    caring parents by SMS, email and post."""
    shared = make_guardian(mobile=None)
    for n in range(PAYOUTS):
        if n < 2:
            pairing = make_paid_pairing(guardian=shared)
        elif n % 3 == 0:
            pairing = make_paid_pairing(guardian=make_guardian(mobile=None))
        else:
            pairing = make_paid_pairing()
        sponsor = pairing.sponsor
        if n % 4 == 1:
            sponsor.channel, sponsor.email = Channel.EMAIL, f"p{n}@example.org"
        elif n % 4 == 2:
            sponsor.channel, sponsor.address = Channel.POST, f"{n}号"
        else:
            sponsor.channel = Channel.SMS
    db.session.flush()


def _exported():
    staff, finance = make_user(Role.STAFF), make_user(Role.FINANCE)
    batch = build_batch("2026-09", date(2026, 9, 1), by=staff)
    batches.submit(batch, by=staff)
    batches.approve(batch, by=finance)
    bank_file.export(batch, "csv", by=finance)
    return batch, finance


def _state() -> dict:
    """Everything paying writes, keyed by what it is about rather than by generated ids."""
    payouts = {}
    for payout in db.session.scalars(sa.select(Payout).order_by(Payout.id)):
        txn = db.session.get(LedgerTransaction, payout.transaction_id)
        legs = db.session.execute(
            sa.select(
                LedgerEntry.account,
                LedgerEntry.amount_fen,
                LedgerEntry.pairing_id,
                LedgerEntry.sponsor_id,
            ).where(LedgerEntry.transaction_id == payout.transaction_id)
        )
        payouts[payout.id] = (
            payout.status,
            payout.paid_on,
            payout.settled_at,
            txn.kind,
            txn.memo,
            sorted(legs.tuples()),
        )
    balances = dict(
        db.session.execute(sa.select(AccountBalance.key, AccountBalance.balance_fen)).all()
    )
    letters = list(
        db.session.scalars(
            sa.select(Letter)
            .where(Letter.reference.like("payout:%"))  # not the donations' thank-you letters
            .order_by(Letter.dedupe_key)
        )
    )
    text.fill(letters)
    fields = (
        *("dedupe_key", "kind", "recipient_type", "recipient_id", "region_id", "reference"),
        *("channel", "language", "recipient_name", "to_address", "subject", "body"),
        *("template_version", "context", "status", "created_at"),
    )
    return {
        "payouts": payouts,
        "balances": balances,
        "letters": [tuple(getattr(letter, f) for f in fields) for letter in letters],
    }


def test_paying_in_chunks_equals_paying_one_by_one(frozen):
    frozen(datetime(2026, 9, 10, 2, tzinfo=UTC))
    _programme()
    batch, finance = _exported()
    batch_id = batch.id

    attempt = db.session.begin_nested()
    assert pay_chunk(batch, paid_on=PAID_ON, size=500, by=finance) == PAYOUTS
    chunked = _state()
    attempt.rollback()
    db.session.expire_all()

    batch = db.session.get(type(batch), batch_id)
    assert batch.status == PayoutBatchStatus.EXPORTED  # the chunked payment is undone
    for _ in range(PAYOUTS):  # the last one closes the batch
        assert pay_chunk(batch, paid_on=PAID_ON, size=1, by=finance) == 1
    single = _state()

    assert len(chunked["letters"]) == 2 * PAYOUTS
    assert all(letter[10] and letter[11] for letter in chunked["letters"])  # rendered text
    assert chunked == single
    assert batch.status == PayoutBatchStatus.CLOSED
    assert ledger_check.verify() == []
