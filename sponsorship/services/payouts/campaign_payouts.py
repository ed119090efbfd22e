"""A campaign's bank handout inside the payout machinery: what differs from a child's aid.

A campaign batch (`PayoutBatch.campaign_id`) holds one payout per beneficiary
(`Payout.beneficiary_id`, no child, no pairing, no aid group) and goes the September batch's
way: submit, approval by a second person, bank file, paid or failed. What differs is here:
- the money comes from the campaign's fund: CAMPAIGN(c) +a, PAYOUTS −a (kind PAYOUT), refused
  with a clear message when the fund holds less than the payouts;
- the beneficiary follows its payout: IN_BATCH while proposed, PAID or FAILED from the bank,
  PENDING again when the batch is cancelled or the payout left out;
- no letters: a campaign's beneficiaries are told in person (sponsors have nothing to hear).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from sponsorship.bulk_sql import update_many
from sponsorship.clock import utcnow
from sponsorship.errors import DomainError, Message
from sponsorship.extensions import db
from sponsorship.models import Campaign, CampaignBeneficiary, Payout, PayoutBatch, User
from sponsorship.models.enums import (
    Account,
    HandoutStatus,
    PayoutDecision,
    PayoutStatus,
    TransactionKind,
)
from sponsorship.models.payout import payment_reference
from sponsorship.money import format_fen
from sponsorship.services.core import audit
from sponsorship.services.money import ledger, promised
from sponsorship.services.money.ledger import Leg, Posting


def is_campaign_batch(batch: PayoutBatch) -> bool:
    """Tell whether the batch pays a campaign's beneficiaries (not children's aid)."""
    return batch.campaign_id is not None


def held(campaign_id: int) -> int:
    """Return the money the campaign's fund holds, as a positive amount."""
    return -ledger.balance(Account.CAMPAIGN, campaign_id=campaign_id)


def _waiting_total(batch: PayoutBatch) -> int:
    return int(
        db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(Payout.amount_fen), 0)).where(
                Payout.batch_id == batch.id,
                Payout.decision == PayoutDecision.INCLUDED,
                Payout.status == PayoutStatus.PROPOSED,
            )
        )
    )


def short_of_funds(campaign_id: int, needed: int, *, paying: bool = False) -> Message:
    """Say that the campaign's fund holds less than is to be handed out.

    Before paying, only the money no approved bank batch is promised counts; while a batch
    pays, its own promise is the money it takes, so the whole fund counts.
    """
    available = held(campaign_id) if paying else promised.campaign_free(campaign_id)
    return _l(
        "The campaign's fund holds %(held)s but %(needed)s is to be handed out: grant money "
        "to the campaign or record its donations first.",
        held=format_fen(available),
        needed=format_fen(needed),
    )


def funding_problems(batch: PayoutBatch) -> list[Message]:
    """Return why the campaign's fund does not cover the batch's waiting payouts (or nothing)."""
    needed = _waiting_total(batch)
    # Only money no other approved batch of the campaign is promised (this one is not yet).
    if needed > promised.campaign_free(batch.campaign_id):
        return [short_of_funds(batch.campaign_id, needed)]
    return []


def pay(batch: PayoutBatch, ids: Sequence[int], *, paid_on: date, by: User | None = None) -> None:
    """Mark the chunk's payouts paid, each with its transaction from the campaign's fund, and
    their beneficiaries PAID; refuse (nothing changed) when the fund holds too little."""
    campaign_id = batch.campaign_id
    rows = db.session.execute(
        sa.select(Payout.id, Payout.beneficiary_id, Payout.amount_fen)
        .where(Payout.id.in_(list(ids)))
        .order_by(Payout.id)
    ).all()
    total = sum(row.amount_fen for row in rows)
    if total > held(campaign_id):
        raise DomainError(short_of_funds(campaign_id, total, paying=True))
    flipped = db.session.execute(
        sa.update(Payout)
        .where(Payout.id.in_(list(ids)), Payout.status == PayoutStatus.PROPOSED)
        .values(status=PayoutStatus.PAID, paid_on=paid_on, settled_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if flipped.rowcount != len(rows):
        raise RuntimeError("payouts changed under the chunk; rolling it back")
    postings = [
        Posting(
            [
                Leg(Account.CAMPAIGN, row.amount_fen, campaign_id=campaign_id),
                Leg(Account.PAYOUTS, -row.amount_fen, campaign_id=campaign_id),
            ],
            memo=f"handout {payment_reference(batch.key, row.id)}",
        )
        for row in rows
    ]
    try:
        txn_ids = ledger.post_many(TransactionKind.PAYOUT, postings, by=by)
    except IntegrityError as error:
        # A cash handout took the money between the check and the posting: the database
        # refused to overdraw the fund. The chunk is rolled back and says why.
        raise DomainError(short_of_funds(campaign_id, total, paying=True)) from error
    update_many(
        Payout.__table__.c.id,
        "transaction_id",
        [(row.id, t) for t, row in zip(txn_ids, rows, strict=True)],
    )
    _set_status([row.beneficiary_id for row in rows], HandoutStatus.PAID, by=by)
    audit.record(
        "batch.paid_chunk", batch, detail=f"handouts={len(rows)} total_fen={total}", user=by
    )


def record_viewed(batch: PayoutBatch, rows: int, *, by: User | None = None) -> None:
    """Record that a campaign batch's page showed its people, as their lists are recorded."""
    campaign = db.session.get(Campaign, batch.campaign_id)
    audit.record(
        "campaign.beneficiaries_viewed", campaign, detail=f"batch {batch.key} rows={rows}", user=by
    )


def failed(payout: Payout, *, by: User | None = None) -> None:
    """Mark the beneficiary of a payout the bank returned FAILED, with the bank's reason."""
    if payout.beneficiary_id is None:
        return
    _set_status([payout.beneficiary_id], HandoutStatus.FAILED, note=payout.failure_reason, by=by)


def left_out(payout: Payout, *, by: User | None = None) -> None:
    """Give an excluded payout's beneficiary back to the campaign's list (PENDING).

    Only a person still waiting in this batch: one handed out, failed or put in another batch
    since keeps their state.
    """
    if payout.beneficiary_id is None:
        return
    person = db.session.get(CampaignBeneficiary, payout.beneficiary_id)
    if person.status == HandoutStatus.IN_BATCH:
        _set_status([person.id], HandoutStatus.PENDING, by=by)


def taken_back(payout: Payout, *, by: User | None = None) -> None:
    """Hold the beneficiary again for an included payout; refuse if it was handed out since."""
    if payout.beneficiary_id is None:
        return
    person = db.session.get(CampaignBeneficiary, payout.beneficiary_id)
    if person.status != HandoutStatus.PENDING:
        raise DomainError(
            _l(
                "%(name)s is no longer waiting for a handout: leave this payout out.",
                name=person.name,
            )
        )
    _set_status([person.id], HandoutStatus.IN_BATCH, by=by)


def cancelled(batch: PayoutBatch, *, by: User | None = None) -> None:
    """Give the beneficiaries of a cancelled campaign batch back to the campaign (PENDING)."""
    if not is_campaign_batch(batch):
        return
    ids = db.session.scalars(
        sa.select(Payout.beneficiary_id).where(
            Payout.batch_id == batch.id,
            Payout.beneficiary_id.is_not(None),
            # An excluded payout's beneficiary was given back already (and may be elsewhere).
            Payout.decision == PayoutDecision.INCLUDED,
        )
    ).all()
    stmt = (
        sa.update(CampaignBeneficiary)
        .where(
            CampaignBeneficiary.id.in_(ids),
            CampaignBeneficiary.status == HandoutStatus.IN_BATCH,
        )
        .values(status=HandoutStatus.PENDING, status_recorded_by_id=by.id if by else None)
    )
    db.session.execute(stmt)


def _set_status(
    ids: Sequence[int], status: HandoutStatus, *, note: str | None = None, by: User | None
) -> None:
    values: dict = {"status": status, "status_recorded_by_id": by.id if by else None}
    if note is not None:
        values["status_note"] = note
    db.session.execute(
        sa.update(CampaignBeneficiary).where(CampaignBeneficiary.id.in_(list(ids))).values(**values)
    )


def payee_of(payout: Payout) -> str:
    """Name whom a payout pays, for messages: the child, or the campaign's beneficiary."""
    if payout.child is not None:
        return payout.child.name
    return payout.beneficiary.name if payout.beneficiary is not None else payout.guardian_name
