"""A statement's lines recorded in bulk leave the rows `record_donation` leaves line by line.

The same staged lines are recorded twice from one database state (a savepoint rolled back in
between): one by one through `record_donation`, as statements were recorded before, and in
chunks through `record_chunk` (`donations_bulk.record_donations`). Donations, receipt numbers,
allocations, instalments, ledger legs, balances, audit events and letters must be the same.
Ids the database draws from sequences (PostgreSQL does not roll them back) are compared through
the donation's receipt number.
"""

import random
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from sponsorship.errors import DomainError
from sponsorship.extensions import db
from sponsorship.models import (
    AccountBalance,
    Allocation,
    AuditEvent,
    Donation,
    Instalment,
    LedgerTransaction,
    Letter,
    ReceiptSequence,
    Sponsor,
    StatementLine,
)
from sponsorship.models.enums import (
    Channel,
    DonationBatchStatus,
    DonationMethod,
    InstalmentStatus,
    PaymentFrequency,
    RemainderTo,
)
from sponsorship.services.letters import text
from sponsorship.services.money import bank_statements, donation_batches, ledger_check
from sponsorship.services.money.donations import record_donation
from tests.factories import (
    make_donation,
    make_letter_sponsor,
    make_pairing,
    make_pledge,
    make_sponsor,
    make_user,
)

NOW = datetime(2026, 11, 30, 2, tzinfo=UTC)
FIRST_DAY = date(2025, 12, 1)  # lines span two receipt years


def _sponsors() -> list[Sponsor]:
    """Caring parents of every kind a statement meets, their instalments in every state."""
    sponsors = []
    for n, frequency in enumerate(
        [PaymentFrequency.MONTHLY, PaymentFrequency.SEMESTER, PaymentFrequency.YEARLY] * 4
    ):
        channel = [Channel.POST, Channel.EMAIL, Channel.SMS][n % 3]
        # Small pledges are soon paid and the rest goes to credit; large ones stay part paid.
        sponsor = make_letter_sponsor(
            channel,
            payment_frequency=frequency,
            capacity=2,
            pledge_per_child_fen=120_000 if n % 4 < 2 else 1_200_000,
        )
        make_pledge(make_pairing(sponsor=sponsor))
        if n % 2:  # a second child, paired later: instalments of two pairings interleave
            make_pledge(
                make_pairing(sponsor=sponsor), confirmed_at=datetime(2026, 10, 10, tzinfo=UTC)
            )
        if n % 4 == 1:  # partly paid already: the oldest open instalment is half paid
            make_donation(sponsor, 7_000, received_on=date(2026, 9, 20))
        sponsors.append(sponsor)
    waived = sponsors[0].id
    for instalment in db.session.scalars(
        sa.select(Instalment).join(Instalment.pledge).where(Instalment.seq == 2)
    ):
        if instalment.pledge.pairing.sponsor_id == waived:
            instalment.status = InstalmentStatus.WAIVED
            instalment.waive_reason = "减免"
    sponsors.append(make_sponsor())  # no pledge: everything to credit
    sponsors.append(make_letter_sponsor(Channel.EMAIL, email=None))  # email without an address
    db.session.flush()
    return sponsors


def _stage(batch, lines: list[tuple[int | None, int, date]]) -> None:
    """Stage (sponsor id or None, fen, received on) lines as `stage` would have matched them."""
    db.session.execute(
        sa.insert(StatementLine),
        [
            {
                "batch_id": batch.id,
                "row": row,
                "received_on": received_on,
                "amount_fen": fen,
                "reference": f" B{row:05d} ",
                "payer": "" if row % 5 == 0 else f"付款人{row}",
                "mobile": "",
                "sponsor_id": sponsor_id,
            }
            for row, (sponsor_id, fen, received_on) in enumerate(lines, start=2)
        ],
    )


def _one_by_one(batch, by) -> None:
    """Record the staged lines as statements were recorded before: `record_donation` per line."""
    lines = db.session.scalars(
        sa.select(StatementLine)
        .where(StatementLine.batch_id == batch.id, StatementLine.donation_id.is_(None))
        .order_by(StatementLine.row)
    ).all()
    for line in lines:
        sponsor = db.session.get(Sponsor, line.sponsor_id) if line.sponsor_id else None
        donation = record_donation(
            sponsor=sponsor,
            amount_fen=line.amount_fen,
            received_on=line.received_on,
            method=DonationMethod.BANK,
            remainder_to=RemainderTo.CREDIT if sponsor else RemainderTo.GENERAL,
            bank_reference=line.reference,
            donor_name=line.payer,
            batch=batch,
            by=by,
        )
        line.donation_id = donation.id
    db.session.flush()


def _in_bulk(batch, by, size: int) -> None:
    while bank_statements.record_chunk(batch, size=size, by=by):
        pass


def _snapshot(since: dict) -> dict:
    """Everything the recording changed, with sequence-drawn ids replaced by receipt numbers."""
    db.session.expire_all()
    receipt = dict(db.session.execute(sa.select(Donation.id, Donation.receipt_no)).all())

    def ref(value: str) -> str:
        # "donation:17" (a letter's reference, inside its dedupe key) names the donation.
        head, sep, tail = value.rpartition("donation:")
        return f"{head}{sep}{receipt[int(tail)]}" if sep else value

    new = {name: column > since[name] for name, column in _IDS.items()}
    donations = db.session.execute(
        sa.select(
            Donation.receipt_no,
            Donation.sponsor_id,
            Donation.donor_name,
            Donation.amount_fen,
            Donation.received_on,
            Donation.method,
            Donation.bank_reference,
            Donation.campaign,
            Donation.note,
            Donation.remainder_to,
            Donation.batch_id,
            Donation.recorded_at,
            Donation.recorded_by_id,
            Donation.reversed,
        )
        .where(new["donations"])
        .order_by(Donation.receipt_no)
    ).all()
    lines = [
        (row, receipt[donation_id])
        for row, donation_id in db.session.execute(
            sa.select(StatementLine.row, StatementLine.donation_id).order_by(StatementLine.row)
        )
    ]
    allocations = [
        (receipt[a.donation_id], a.instalment_id, a.amount_fen, a.from_credit, a.undone)
        for a in db.session.scalars(
            sa.select(Allocation).where(new["allocations"]).order_by(Allocation.id)
        )
    ]
    instalments = db.session.execute(
        sa.select(Instalment.id, Instalment.paid_fen, Instalment.status).order_by(Instalment.id)
    ).all()
    transactions = [
        (
            t.kind,
            t.memo,
            receipt[t.donation_id],
            t.reverses_id,
            t.created_at,
            t.created_by_id,
            [(e.account, e.amount_fen, e.pairing_id, e.sponsor_id) for e in t.entries],
        )
        for t in db.session.scalars(
            sa.select(LedgerTransaction)
            .where(new["ledger_transactions"])
            .order_by(LedgerTransaction.id)
        )
    ]
    balances = dict(
        db.session.execute(sa.select(AccountBalance.key, AccountBalance.balance_fen)).all()
    )
    sequences = db.session.execute(sa.select(ReceiptSequence.year, ReceiptSequence.last)).all()
    events = [
        (e.action, e.object_type, receipt[int(e.object_id)], e.detail, e.user_id, e.ip)
        for e in db.session.scalars(
            sa.select(AuditEvent)
            .where(new["audit_events"], AuditEvent.action == "donation.recorded")
            .order_by(AuditEvent.id)
        )
    ]
    letters = db.session.scalars(sa.select(Letter).where(new["letters"]).order_by(Letter.id)).all()
    text.fill(letters)  # bulk letters are rendered when shown; one-by-one ones were stored so
    letter_rows = sorted(
        (
            (
                letter.kind,
                letter.recipient_type,
                letter.recipient_id,
                letter.region_id,
                ref(letter.reference),
                ref(letter.dedupe_key),
                letter.channel,
                letter.language,
                letter.recipient_name,
                letter.to_address,
                letter.template_version,
                repr(text.decode(letter.context)),
                letter.status,
                letter.attempts,
                letter.created_at,
                letter.subject,
                letter.body,
            )
            for letter in letters
        ),
        key=lambda row: row[5],
    )
    return {
        "donations": donations,
        "lines": lines,
        "allocations": allocations,
        "instalments": instalments,
        "transactions": transactions,
        "balances": balances,
        "sequences": sorted(sequences),
        "events": events,
        "letters": letter_rows,
    }


_IDS = {
    "donations": Donation.id,
    "allocations": Allocation.id,
    "ledger_transactions": LedgerTransaction.id,
    "audit_events": AuditEvent.id,
    "letters": Letter.id,
}


def _compare(batch, by, size: int) -> tuple[dict, dict]:
    """Record the staged lines one by one, roll back, record them in bulk; return both states."""
    since = {
        name: db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(column), 0)))
        for name, column in _IDS.items()
    }
    savepoint = db.session.begin_nested()
    _one_by_one(batch, by)
    assert ledger_check.verify() == []
    before = _snapshot(since)
    letter_audits = _count_events(since, "letter.queued")
    savepoint.rollback()
    db.session.expire_all()

    savepoint = db.session.begin_nested()
    _in_bulk(batch, by, size)
    assert ledger_check.verify() == []
    after = _snapshot(since)
    # Queued in bulk, a chunk's letters are audited as one event, not one per letter.
    assert _count_events(since, "letter.queued") == 0
    assert _count_events(since, "letter.queued_bulk") == _chunks_with_letters(batch, size)
    savepoint.rollback()
    db.session.expire_all()
    assert letter_audits == len(before["letters"])
    return before, after


def _chunks_with_letters(batch, size: int) -> int:
    """How many chunks of `size` lines hold a caring parent's line (and so queue letters)."""
    sponsors = db.session.scalars(
        sa.select(StatementLine.sponsor_id)
        .where(StatementLine.batch_id == batch.id)
        .order_by(StatementLine.row)
    ).all()
    return sum(
        any(s is not None for s in sponsors[i : i + size]) for i in range(0, len(sponsors), size)
    )


def _count_events(since: dict, action: str) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).where(
            AuditEvent.id > since["audit_events"], AuditEvent.action == action
        )
    )


def _assert_same(before: dict, after: dict) -> None:
    for part in before:
        assert after[part] == before[part], part


def test_a_statement_in_bulk_leaves_what_line_by_line_recording_leaves(frozen):
    frozen(NOW)
    sponsors = _sponsors()
    clerk = make_user()
    batch = donation_batches.open_batch("工行11月", expected_count=0, expected_total_fen=0)
    rng = random.Random(15)
    lines = []
    for n in range(300):
        sponsor = None if n % 7 == 3 else rng.choice(sponsors)
        fen = rng.choice([rng.randint(1, 20_000), rng.randint(20_000, 150_000), 10_000, 60_000])
        received_on = FIRST_DAY + timedelta(days=rng.randint(0, (NOW.date() - FIRST_DAY).days))
        lines.append((sponsor.id if sponsor else None, fen, received_on))
    # One caring parent's lines back to back: a chunk pays their instalments several times over.
    lines[40:46] = [(sponsors[1].id, 25_000, date(2026, 11, 2 + k)) for k in range(6)]
    _stage(batch, lines)

    before, after = _compare(batch, clerk, size=64)

    _assert_same(before, after)
    # The mix the test is about really happened.
    assert len(before["donations"]) == 300
    assert {row.remainder_to for row in before["donations"]} == {
        RemainderTo.CREDIT,
        RemainderTo.GENERAL,
    }
    assert len({year for year, _last in before["sequences"]}) == 2
    paid = {receipt for receipt, *_rest in before["allocations"]}
    assert 0 < len(paid) < 300
    pairings_paid = {
        (receipt, leg[2])
        for _kind, _memo, receipt, *_mid, legs in before["transactions"]
        for leg in legs
        if leg[2] is not None
    }
    assert len(pairings_paid) > len(paid)  # some donations paid instalments of two pairings
    statuses = {status for _id, _paid, status in before["instalments"]}
    assert {InstalmentStatus.PAID, InstalmentStatus.WAIVED} <= statuses
    assert any(paid_fen > 0 for _id, paid_fen, status in before["instalments"] if status != "paid")
    credit = {key for key, fen in before["balances"].items() if key.startswith("sponsor_credit")}
    assert len(credit) > 2  # more than the parents who pledged nothing
    assert {row[6] for row in before["letters"]} == {Channel.POST, Channel.EMAIL, Channel.SMS}


amount = st.one_of(st.integers(1, 200_000), st.sampled_from([10_000, 30_000, 60_000]))


@hypothesis_settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    picks=st.lists(
        st.tuples(st.one_of(st.none(), st.integers(0, 13)), amount, st.integers(0, 364)),
        min_size=1,
        max_size=40,
    ),
    size=st.integers(1, 12),
)
def test_any_lines_in_any_chunks_are_recorded_as_line_by_line(frozen, picks, size):
    frozen(NOW)
    savepoint = db.session.begin_nested()  # each example starts from an empty database
    try:
        sponsors = _sponsors()
        batch = donation_batches.open_batch("农商行", expected_count=0, expected_total_fen=0)
        _stage(
            batch,
            [
                (
                    None if pick is None else sponsors[pick].id,
                    fen,
                    NOW.date() - timedelta(days=days),
                )
                for pick, fen, days in picks
            ],
        )
        before, after = _compare(batch, None, size=size)
        _assert_same(before, after)
    finally:
        savepoint.rollback()


def test_a_closed_batch_records_nothing_in_bulk(frozen):
    frozen(NOW)
    batch = donation_batches.open_batch("工行", expected_count=0, expected_total_fen=0)
    _stage(batch, [(None, 1_000, date(2026, 11, 1))])
    batch.status = DonationBatchStatus.CLOSED
    with pytest.raises(DomainError):
        bank_statements.record_chunk(batch)
