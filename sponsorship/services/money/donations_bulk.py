"""Record many donations at once, with the effects `record_donation` has one after another.

A bank statement's chunk of lines becomes donations in a few statements instead of a dozen per
line: the receipt numbers are taken as one block per year, the donations inserted together, each
caring parent's money allocated to their open instalments oldest first in memory (in line order,
so a parent's second line sees what the first paid), the ledger posted through `post_many`, the
audit events written together and the thank-you letters queued through `queue_many` (unrendered:
their text is rendered when they are delivered, printed or shown). `tests/services/money/
test_donations_bulk.py` proves it leaves the same rows as `record_donation` line by line.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from sponsorship.bulk_sql import insert_rows, update_many
from sponsorship.clock import today, utcnow
from sponsorship.database import is_postgresql
from sponsorship.extensions import db
from sponsorship.models import (
    Allocation,
    Donation,
    DonationBatch,
    Instalment,
    Pairing,
    Pledge,
    Sponsor,
    User,
)
from sponsorship.models.enums import (
    DonationMethod,
    InstalmentStatus,
    LetterKind,
    RemainderTo,
    TransactionKind,
)
from sponsorship.models.pledge import OPEN_INSTALMENT
from sponsorship.services.core import audit
from sponsorship.services.letters.queue import Pending, queue_many
from sponsorship.services.letters.recipients import common_context, recipient_of
from sponsorship.services.money import ledger
from sponsorship.services.money.donations import (
    check_receipt,
    donation_legs,
    next_receipt_nos,
    recorded_detail,
    thanks_context,
    thanks_reference,
)
from sponsorship.services.money.instalments import allocate, grace, status_of
from sponsorship.services.money.ledger import Posting

#: The instalments that expect no more money: every state but `OPEN_INSTALMENT`.
CLOSED_INSTALMENT = tuple(status for status in InstalmentStatus if status not in OPEN_INSTALMENT)
#: Thank-you letters are queued in the language `record_donation` queues them in.
LANGUAGE = "zh"


@dataclass(frozen=True)
class Receipt:
    """Money received, as `record_donation` takes it (the sponsor None: the general fund)."""

    sponsor: Sponsor | None
    amount_fen: int
    received_on: date
    remainder_to: RemainderTo = RemainderTo.CREDIT
    bank_reference: str = ""
    donor_name: str = ""


@dataclass
class _Open:
    """One open instalment while a chunk's money is allocated in memory."""

    id: int
    pairing_id: int
    due_on: date
    amount_fen: int
    paid_fen: int


def record_donations(
    receipts: Sequence[Receipt],
    *,
    method: DonationMethod,
    batch: DonationBatch | None = None,
    by: User | None = None,
) -> list[int]:
    """Record each receipt as `record_donation` would, in order; return the donations' ids."""
    if not receipts:
        return []
    for receipt in receipts:
        check_receipt(receipt.amount_fen, receipt.received_on, batch)
    remainders = [r.remainder_to if r.sponsor else RemainderTo.GENERAL for r in receipts]
    receipt_nos = next_receipt_nos([r.received_on.year for r in receipts])
    donation_ids = _insert_donations(receipts, remainders, receipt_nos, method, batch, by)
    paid = _allocate(receipts, donation_ids)
    postings = [
        Posting(
            donation_legs(
                method,
                r.amount_fen,
                r.sponsor.id if r.sponsor else None,
                parts,
                remainder_to=remainder,
            ),
            memo=receipt_no,
            donation_id=donation_id,
        )
        for r, remainder, receipt_no, parts, donation_id in zip(
            receipts, remainders, receipt_nos, paid, donation_ids, strict=True
        )
    ]
    ledger.post_many(TransactionKind.DONATION, postings, by=by)
    audit.record_many(
        "donation.recorded",
        Donation.__tablename__,
        [
            (donation_id, recorded_detail(receipt_no, r.amount_fen, remainder))
            for donation_id, receipt_no, r, remainder in zip(
                donation_ids, receipt_nos, receipts, remainders, strict=True
            )
        ],
        user=by,
    )
    _queue_thanks(receipts, donation_ids, receipt_nos)
    db.session.expire_all()  # instalments, balances and sequences moved under the ORM
    return donation_ids


def _insert_donations(
    receipts: Sequence[Receipt],
    remainders: list[RemainderTo],
    receipt_nos: list[str],
    method: DonationMethod,
    batch: DonationBatch | None,
    by: User | None,
) -> list[int]:
    """Insert the donations in one statement; return their ids in the receipts' order."""
    now = utcnow()
    ids = _reserve_donation_ids(len(receipts))
    rows = [
        {
            "id": donation_id,
            "receipt_no": receipt_no,
            "sponsor_id": r.sponsor.id if r.sponsor else None,
            "donor_name": r.donor_name.strip() or (r.sponsor.name if r.sponsor else ""),
            "amount_fen": r.amount_fen,
            "received_on": r.received_on,
            "method": method,
            "bank_reference": r.bank_reference.strip(),
            "campaign": "",
            "note": "",
            "remainder_to": remainder,
            "batch_id": batch.id if batch else None,
            "recorded_at": now,
            "recorded_by_id": by.id if by else None,
            "reversed": False,
        }
        for donation_id, r, remainder, receipt_no in zip(
            ids, receipts, remainders, receipt_nos, strict=True
        )
    ]
    insert_rows(Donation.__table__, rows)
    return ids


def _reserve_donation_ids(count: int) -> list[int]:
    """Take `count` donation ids for one multi-row INSERT (as the ledger takes transaction ids).

    An INSERT … RETURNING of many rows in order costs psycopg two to three times a plain
    executemany. PostgreSQL draws the ids from the table's sequence; SQLite, with one writer
    at a time, numbers them on from the largest, as it would itself.
    """
    if is_postgresql():
        return list(
            db.session.scalars(
                sa.text(
                    "SELECT nextval(pg_get_serial_sequence('donations', 'id')) "
                    "FROM generate_series(1, :n)"
                ),
                {"n": count},
            )
        )
    start = db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(Donation.id), 0)))
    return list(range(start + 1, start + 1 + count))


def _allocate(receipts: Sequence[Receipt], donation_ids: list[int]) -> list[list[tuple[int, int]]]:
    """Pay each caring parent's open instalments oldest first, receipt after receipt.

    Returns, per receipt, the (pairing id, part) it paid. The instalments of every parent in
    the chunk are read (and locked) by one query; what a receipt pays is what `pay_oldest_first`
    would pay after the receipts before it.
    """
    owed = _open_instalments({r.sponsor.id for r in receipts if r.sponsor})
    allocations, paid, touched = [], [], {}
    for receipt, donation_id in zip(receipts, donation_ids, strict=True):
        parts_paid: list[tuple[int, int]] = []
        if receipt.sponsor is not None:
            open_now = [i for i in owed.get(receipt.sponsor.id, []) if i.paid_fen < i.amount_fen]
            parts = allocate([i.amount_fen - i.paid_fen for i in open_now], receipt.amount_fen)
            for instalment, part in zip(open_now, parts, strict=True):
                if part <= 0:
                    continue
                instalment.paid_fen += part
                touched[instalment.id] = instalment
                allocations.append(
                    {
                        "donation_id": donation_id,
                        "instalment_id": instalment.id,
                        "amount_fen": part,
                        "from_credit": False,
                        "undone": False,
                    }
                )
                parts_paid.append((instalment.pairing_id, part))
        paid.append(parts_paid)
    if allocations:
        insert_rows(Allocation.__table__, allocations)
        _save_instalments(list(touched.values()))
    return paid


def _open_instalments(sponsor_ids: set[int]) -> dict[int, list[_Open]]:
    """Read the open instalments of the sponsors, oldest due first, as `open_instalments` does."""
    if not sponsor_ids:
        return {}
    rows = db.session.execute(
        sa.select(
            Pairing.sponsor_id,
            Instalment.id,
            Pledge.pairing_id,
            Instalment.due_on,
            Instalment.amount_fen,
            Instalment.paid_fen,
        )
        .join(Instalment.pledge)
        .join(Pledge.pairing)
        .where(
            Pairing.sponsor_id.in_(sorted(sponsor_ids)),
            # Said as "none of the closed states" (the same rows): SQLite would otherwise walk
            # every open instalment by the status index instead of these parents' pairings.
            Instalment.status.not_in(CLOSED_INSTALMENT),
            Instalment.paid_fen < Instalment.amount_fen,
        )
        .order_by(Pairing.sponsor_id, Instalment.due_on, Instalment.id)
        .with_for_update(of=Instalment)
    ).all()
    owed: dict[int, list[_Open]] = defaultdict(list)
    for sponsor_id, *values in rows:
        owed[sponsor_id].append(_Open(*values))
    return owed


def _save_instalments(instalments: list[_Open]) -> None:
    """Write the instalments' new paid amounts and statuses (`refresh_status`'s rule)."""
    instalments.sort(key=lambda i: i.id)
    table = Instalment.__table__
    update_many(table.c.id, "paid_fen", [(i.id, i.paid_fen) for i in instalments])
    on, after = today(), grace()
    by_status = defaultdict(list)
    for i in instalments:
        by_status[status_of(i.paid_fen, i.amount_fen, i.due_on, on, after)].append(i.id)
    for status, ids in sorted(by_status.items(), key=lambda item: str(item[0])):
        db.session.execute(sa.update(table).where(table.c.id.in_(ids)).values(status=status))


def _queue_thanks(
    receipts: Sequence[Receipt], donation_ids: list[int], receipt_nos: list[str]
) -> None:
    """Queue a thank-you letter per caring parent's donation, the one `record_donation` queues."""
    # What `queue_letter` stores: `common_context` (the same for every letter of the chunk but
    # the name), then the letter's data, which is plain already (numbers, text and a date pass
    # through `plain_context` unchanged).
    common = common_context("", LANGUAGE)
    recipients = {}
    letters = []
    for r, donation_id, receipt_no in zip(receipts, donation_ids, receipt_nos, strict=True):
        if r.sponsor is None:
            continue
        if r.sponsor.id not in recipients:
            recipients[r.sponsor.id] = recipient_of(r.sponsor, LetterKind.DONATION_THANKS)
        who = recipients[r.sponsor.id]
        context = {
            **common,
            "name": who.name,
            **thanks_context(receipt_no, r.amount_fen, r.received_on),
        }
        letters.append(
            Pending(
                LetterKind.DONATION_THANKS, who, thanks_reference(donation_id), LANGUAGE, context
            )
        )
    if letters:
        queue_many(letters, about=f"donation thank-you letters for {len(letters)} donations")
