"""Record money received, allocate it to instalments oldest first, and reverse it."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from sponsorship.bulk_sql import insert_ignoring_conflicts
from sponsorship.clock import today, utcnow
from sponsorship.errors import DomainError
from sponsorship.extensions import db
from sponsorship.models import (
    Allocation,
    Campaign,
    Donation,
    DonationBatch,
    LedgerTransaction,
    ReceiptSequence,
    Sponsor,
    User,
)
from sponsorship.models.enums import (
    Account,
    DonationBatchStatus,
    DonationMethod,
    RemainderTo,
    TransactionKind,
)
from sponsorship.money import check_amount, format_fen
from sponsorship.services.core import audit
from sponsorship.services.letters.queue import LetterKind, queue_letter
from sponsorship.services.money import ledger, promised
from sponsorship.services.money.instalments import pay_oldest_first, refresh_status
from sponsorship.services.money.ledger import Leg
from sponsorship.services.money.unwinding import unwinding_legs


def next_receipt_no(year: int) -> str:
    """Issue the next receipt number of `year`: HD-2026-000123, gapless per year.

    The year's counter row is first made to exist (INSERT … ON CONFLICT DO NOTHING), then moved
    by an UPDATE: two clerks opening a new receipt year at once both get a number, where an
    update-else-insert let one of them fail on the primary key.
    """
    db.session.execute(
        insert_ignoring_conflicts(ReceiptSequence.__table__, "year"), [{"year": year, "last": 0}]
    )
    bumped = db.session.execute(
        sa.update(ReceiptSequence)
        .where(ReceiptSequence.year == year)
        .values(last=ReceiptSequence.last + 1)
        .returning(ReceiptSequence.last)
    ).scalar_one()
    return f"HD-{year}-{bumped:06d}"


def next_receipt_nos(years: list[int]) -> list[str]:
    """Issue the next receipt numbers, one per year given in order, each year's counter moved once.

    Bulk recording's `next_receipt_no`: the same numbers, gapless per year, as many calls would.
    """
    wanted: dict[int, int] = defaultdict(int)
    for year in years:
        wanted[year] += 1
    first: dict[int, int] = {}
    for year in sorted(wanted):  # counters in one order, so two bulk imports cannot deadlock
        db.session.execute(
            insert_ignoring_conflicts(ReceiptSequence.__table__, "year"),
            [{"year": year, "last": 0}],
        )
        last = db.session.execute(
            sa.update(ReceiptSequence)
            .where(ReceiptSequence.year == year)
            .values(last=ReceiptSequence.last + wanted[year])
            .returning(ReceiptSequence.last)
            .execution_options(synchronize_session=False)
        ).scalar_one()
        first[year] = last - wanted[year] + 1
    numbers = []
    for year in years:
        numbers.append(f"HD-{year}-{first[year]:06d}")
        first[year] += 1
    return numbers


def record_donation(
    *,
    sponsor: Sponsor | None,
    amount_fen: int,
    received_on: date,
    method: DonationMethod,
    remainder_to: RemainderTo = RemainderTo.CREDIT,
    bank_reference: str = "",
    campaign: str = "",
    donor_name: str = "",
    note: str = "",
    batch: DonationBatch | None = None,
    by: User | None = None,
    for_campaign: Campaign | None = None,
) -> Donation:
    """Record money received: pay the sponsor's oldest instalments, the rest as chosen.

    A gift earmarked to a campaign (`for_campaign`) goes wholly to the campaign's fund, from a
    caring parent, a named donor or anonymously; it pays no instalments.
    """
    check_receipt(amount_fen, received_on, batch, for_campaign)
    if for_campaign is not None:
        remainder_to = RemainderTo.CAMPAIGN
    elif remainder_to == RemainderTo.CAMPAIGN:
        raise DomainError(_l("Choose the campaign the gift is for."))
    elif sponsor is None:
        remainder_to = RemainderTo.GENERAL
    donation = Donation(
        receipt_no=next_receipt_no(received_on.year),
        sponsor=sponsor,
        donor_name=donor_name.strip() or (sponsor.name if sponsor else ""),
        amount_fen=amount_fen,
        received_on=received_on,
        method=method,
        bank_reference=bank_reference.strip(),
        campaign=campaign.strip(),
        note=note.strip(),
        remainder_to=remainder_to,
        campaign_id=for_campaign.id if for_campaign else None,
        batch=batch,
        recorded_by=by,
    )
    db.session.add(donation)
    db.session.flush()

    paid = []
    paying = sponsor is not None and for_campaign is None
    for instalment, part in pay_oldest_first(sponsor, amount_fen) if paying else []:
        db.session.add(Allocation(donation=donation, instalment=instalment, amount_fen=part))
        paid.append((instalment.pledge.pairing_id, part))
    legs = donation_legs(
        method,
        amount_fen,
        sponsor.id if sponsor else None,
        paid,
        remainder_to=remainder_to,
        campaign_id=for_campaign.id if for_campaign else None,
    )
    ledger.post(TransactionKind.DONATION, legs, donation=donation, memo=donation.receipt_no, by=by)
    audit.record(
        "donation.recorded",
        donation,
        detail=recorded_detail(donation.receipt_no, amount_fen, remainder_to),
        user=by,
    )
    if sponsor is not None:
        queue_letter(
            LetterKind.DONATION_THANKS,
            sponsor,
            thanks_reference(donation.id),
            **thanks_context(donation.receipt_no, amount_fen, received_on),
        )
    return donation


def check_receipt(
    amount_fen: int,
    received_on: date,
    batch: DonationBatch | None,
    campaign: Campaign | None = None,
) -> None:
    """Refuse money that cannot be recorded: not whole fen, not positive, too much, in the future,
    to a closed campaign, or into a closed batch or another campaign's batch."""
    check_amount(amount_fen)
    if received_on > today():
        raise DomainError(_l("The date received cannot be in the future."))
    if campaign is not None and not campaign.is_open:
        raise DomainError(_l("This campaign is closed; nothing more can be added or changed."))
    if batch is not None and batch.campaign_id != (campaign.id if campaign else None):
        raise DomainError(_l("This batch is for another campaign's gifts."))
    if batch is not None and batch.status != DonationBatchStatus.OPEN:
        raise DomainError(_l("This batch is closed; nothing more can be entered in it."))


def donation_legs(
    method: DonationMethod,
    amount_fen: int,
    sponsor_id: int | None,
    paid: list[tuple[int, int]],
    *,
    remainder_to: RemainderTo,
    campaign_id: int | None = None,
) -> list[Leg]:
    """Return a donation's ledger legs: money in, each (pairing, part) paid, the rest as chosen
    (a gift earmarked to a campaign: all of it to the campaign's fund)."""
    receipt_account = Account.CASH if method == DonationMethod.CASH else Account.BANK
    legs = [Leg(receipt_account, amount_fen, sponsor_id=sponsor_id)]
    if campaign_id is not None:
        return [*legs, Leg(Account.CAMPAIGN, -amount_fen, campaign_id=campaign_id)]
    left = amount_fen
    for pairing_id, part in paid:
        legs.append(Leg(Account.RESTRICTED, -part, pairing_id=pairing_id, sponsor_id=sponsor_id))
        left -= part
    if left:
        if remainder_to == RemainderTo.CREDIT:
            legs.append(Leg(Account.SPONSOR_CREDIT, -left, sponsor_id=sponsor_id))
        else:
            legs.append(Leg(Account.GENERAL, -left, sponsor_id=sponsor_id))
    return _merge(legs)


def thanks_reference(donation_id: int) -> str:
    """Return the reference that makes a donation's thank-you letter unique."""
    return f"donation:{donation_id}"


def recorded_detail(receipt_no: str, amount_fen: int, remainder_to: RemainderTo) -> str:
    """Return the detail of a donation's "donation.recorded" audit event."""
    return f"{receipt_no} amount_fen={amount_fen} remainder={remainder_to}"


def thanks_context(receipt_no: str, amount_fen: int, received_on: date) -> dict:
    """Return the data of a donation's thank-you letter (DONATION_THANKS)."""
    return {"amount_fen": amount_fen, "receipt_no": receipt_no, "received_on": received_on}


def _merge(legs: list[Leg]) -> list[Leg]:
    """Combine legs on the same balance (two instalments of one pairing make one leg)."""
    merged: dict[tuple, int] = {}
    for leg in legs:
        key = (leg.account, leg.pairing_id, leg.sponsor_id, leg.campaign_id)
        merged[key] = merged.get(key, 0) + leg.amount_fen
    return [
        Leg(account, fen, pairing, sponsor, campaign)
        for (account, pairing, sponsor, campaign), fen in merged.items()
    ]


def reverse_donation(
    donation: Donation, reason: str, *, by: User | None = None
) -> LedgerTransaction:
    """Reverse a donation with a reason: a mirror ledger transaction, allocations undone.

    Credit from it that since paid another instalment of the same caring parent is taken back
    in the same transaction (`unwinding`); only money paid out or refunded refuses it.
    """
    if not reason.strip():
        raise DomainError(_l("A reason is required to reverse a donation."))
    if donation.reversed:
        raise DomainError(_l("This donation has already been reversed."))
    if (
        donation.campaign_id is not None
        and promised.campaign_free(donation.campaign_id) < donation.amount_fen
    ):
        raise DomainError(
            _l(
                "The campaign's fund no longer holds this gift's %(amount)s (it has been "
                "handed out or handed on): it cannot be reversed.",
                amount=format_fen(donation.amount_fen),
            )
        )
    original = db.session.scalar(
        sa.select(LedgerTransaction).where(
            LedgerTransaction.donation_id == donation.id,
            LedgerTransaction.kind == TransactionKind.DONATION,
        )
    )
    unwound = unwinding_legs(original.entries, donation.sponsor_id)
    for allocation in donation.allocations:
        if allocation.undone:
            continue
        allocation.undone = True
        allocation.instalment.paid_fen -= allocation.amount_fen
        refresh_status(allocation.instalment)
    donation.reversed = True
    donation.reversal_reason = reason.strip()
    donation.reversed_at = utcnow()
    donation.reversed_by = by
    db.session.flush()
    mirror = [
        Leg(e.account, -e.amount_fen, e.pairing_id, e.sponsor_id, e.campaign_id)
        for e in original.entries
    ]
    # One transaction: the donation's mirror and the credit taken back from the instalments.
    txn = ledger.post(
        TransactionKind.REVERSAL,
        _merge(mirror + unwound),
        donation=donation,
        reverses=original,
        memo=f"{donation.receipt_no} {reason.strip()}",
        by=by,
    )
    audit.record(
        "donation.reversed", donation, detail=f"{donation.receipt_no}: {reason.strip()}", user=by
    )
    return txn
