"""A batch's life after its draft is built: staff adjust and submit, finance approves (never the
preparer), and the batch can be cancelled until it is approved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from sponsorship.clock import utcnow
from sponsorship.errors import DomainError, Joined, Message
from sponsorship.extensions import db
from sponsorship.models import AccountBalance, Child, Pairing, Payout, PayoutBatch, User
from sponsorship.models.enums import (
    Account,
    PairingStatus,
    PayoutBatchStatus,
    PayoutDecision,
    PayoutStatus,
    Role,
)
from sponsorship.money import format_fen
from sponsorship.services.core import audit, settings
from sponsorship.services.money import ledger
from sponsorship.services.money.schedules import school_year_of


def _ensure_editable(batch: PayoutBatch) -> None:
    if not batch.editable:
        raise DomainError(_l("The batch has been submitted and can no longer change."))


def include(payout: Payout, *, general_fund: bool = False, by: User | None = None) -> None:
    """Put a held or excluded payout back in; a short one needs the general fund to cover it."""
    _ensure_editable(payout.batch)
    if not payout.bank_account:
        raise DomainError(
            _l("The guardian has no bank account on file: add one first."),
        )
    if payout.shortfall_fen and not general_fund:
        raise DomainError(
            _l("This payout is short of funds: cover it from the general fund or keep it held."),
        )
    payout.decision = PayoutDecision.INCLUDED
    payout.general_fund_cover = bool(payout.shortfall_fen) and general_fund
    payout.decision_reason = ""
    db.session.flush()
    audit.record(
        "payout.included",
        payout,
        detail=f"general_fund_cover={payout.general_fund_cover} "
        f"shortfall_fen={payout.shortfall_fen}",
        user=by,
    )


def exclude(payout: Payout, reason: str, *, by: User | None = None) -> None:
    """Leave a payout out of the batch, saying why."""
    _ensure_editable(payout.batch)
    if not reason.strip():
        raise DomainError(_l("A reason is required to exclude a payout."))
    payout.decision = PayoutDecision.EXCLUDED
    payout.general_fund_cover = False
    payout.decision_reason = reason.strip()
    db.session.flush()
    audit.record("payout.excluded", payout, detail=payout.decision_reason, user=by)


def add_child(
    batch: PayoutBatch, child: Child, *, amount_fen: int | None = None, by: User | None = None
) -> Payout:
    """Add a child by hand (a late pairing, a failed payout re-issued): once per batch."""
    _ensure_editable(batch)
    if db.session.scalar(
        sa.select(Payout.id).where(Payout.batch_id == batch.id, Payout.child_id == child.id)
    ):
        raise DomainError(_l("This child is already in the batch."))
    if _paid_this_school_year(batch, child):
        raise DomainError(_l("This child has already been paid this school year."))
    pairing = db.session.scalar(
        sa.select(Pairing)
        .where(Pairing.child_id == child.id, Pairing.status == PairingStatus.ACTIVE)
        .limit(1)
    )
    amount = amount_fen if amount_fen is not None else settings.standard_fen(child.aid_group)
    if amount <= 0:
        raise DomainError(_l("The payout amount must be more than zero."))
    held = ledger.held_for_pairing(pairing.id) if pairing else 0
    funded = min(held, amount)
    guardian = child.guardian
    town = child.region.town
    payout = Payout(
        batch=batch,
        pairing=pairing,
        child=child,
        region_id=child.region_id,
        town_id=town.id if town else None,
        aid_group=child.aid_group,
        guardian_name=guardian.name,
        bank_name=guardian.bank_name or "",
        bank_account=guardian.bank_account or "",
        amount_fen=amount,
        funded_fen=funded,
        shortfall_fen=amount - funded,
        flagged=funded < amount,
        decision=PayoutDecision.HELD
        if funded < amount or not guardian.bank_account
        else PayoutDecision.INCLUDED,
        added_by_hand=True,
        status=PayoutStatus.PROPOSED,
    )
    db.session.add(payout)
    db.session.flush()
    audit.record("payout.added", payout, detail=f"child={child.id} amount_fen={amount}", user=by)
    return payout


def _paid_this_school_year(batch: PayoutBatch, child: Child) -> bool:
    year = school_year_of(batch.cutoff_on)
    first, last = date(year, 9, 1), date(year + 1, 8, 31)
    return (
        db.session.scalar(
            sa.select(Payout.id)
            .join(PayoutBatch, PayoutBatch.id == Payout.batch_id)
            .where(
                Payout.child_id == child.id,
                Payout.status == PayoutStatus.PAID,
                PayoutBatch.cutoff_on.between(first, last),
            )
            .limit(1)
        )
        is not None
    )


def submit(batch: PayoutBatch, *, by: User) -> None:
    """Freeze the batch for finance's approval."""
    _ensure_editable(batch)
    if not _included(batch).count:
        raise DomainError(
            _l("The batch has no payout to pay: nothing to submit."),
        )
    batch.status = PayoutBatchStatus.SUBMITTED
    batch.submitted_by = by
    batch.submitted_at = utcnow()
    db.session.flush()
    audit.record("batch.submitted", batch, detail=batch.key, user=by)


def funding_problems(batch: PayoutBatch) -> list[Message]:
    """Return why the funds do not cover the batch's included payouts (empty when they do)."""
    problems = []
    held = sa.func.coalesce(-AccountBalance.balance_fen, 0)
    short = db.session.execute(
        sa.select(Payout.id, Payout.funded_fen, held)
        .outerjoin(
            AccountBalance,
            sa.and_(
                AccountBalance.pairing_id == Payout.pairing_id,
                AccountBalance.account == Account.RESTRICTED.value,
            ),
        )
        .where(
            Payout.batch_id == batch.id,
            Payout.decision == PayoutDecision.INCLUDED,
            Payout.status == PayoutStatus.PROPOSED,
            Payout.funded_fen > held,
        )
        .order_by(Payout.id)
        .limit(20)
    )
    for payout_id, funded, have in short:
        problems.append(
            _l(
                "payout %(id)s needs %(needed)s, its pairing's fund holds %(held)s",
                id=payout_id,
                needed=format_fen(funded),
                held=format_fen(have),
            )
        )
    cover = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Payout.shortfall_fen), 0)).where(
            Payout.batch_id == batch.id,
            Payout.decision == PayoutDecision.INCLUDED,
            Payout.status == PayoutStatus.PROPOSED,
            Payout.general_fund_cover.is_(True),
        )
    )
    general = -ledger.balance(Account.GENERAL)
    if cover > general:
        problems.append(
            _l(
                "the general fund needs %(needed)s, it holds %(held)s",
                # PostgreSQL sums bigints as numeric: back to integer fen to format it.
                needed=format_fen(int(cover)),
                held=format_fen(general),
            )
        )
    return problems


def approve(batch: PayoutBatch, *, by: User) -> None:
    """Approve a submitted batch: finance only, not its builder or submitter, funds covering it."""
    if batch.status != PayoutBatchStatus.SUBMITTED:
        raise DomainError(_l("Only a submitted batch can be approved."))
    if by.role != Role.FINANCE:
        raise DomainError(_l("Only a finance user can approve a batch."))
    if by.id in (batch.built_by_id, batch.submitted_by_id):
        raise DomainError(
            _l("Whoever built or submitted a batch cannot approve it: ask another finance user."),
        )
    problems = funding_problems(batch)
    if problems:
        raise DomainError(
            _l("The funds do not cover the batch: %(problems)s", problems=Joined(problems[:3]))
        )
    batch.status = PayoutBatchStatus.APPROVED
    batch.approved_by = by
    batch.approved_at = utcnow()
    db.session.flush()
    audit.record("batch.approved", batch, detail=batch.key, user=by)


def cancel(batch: PayoutBatch, reason: str, *, by: User) -> None:
    """Cancel a draft or submitted batch; nothing was paid, nothing is kept pending."""
    if not batch.cancellable:
        raise DomainError(_l("Only a draft or submitted batch can be cancelled."))
    if not reason.strip():
        raise DomainError(_l("A reason is required to cancel a batch."))
    batch.status = PayoutBatchStatus.CANCELLED
    batch.cancelled_by = by
    batch.cancelled_at = utcnow()
    batch.cancel_reason = reason.strip()
    db.session.flush()
    audit.record("batch.cancelled", batch, detail=batch.cancel_reason, user=by)


def return_to_draft(batch: PayoutBatch, *, by: User) -> None:
    """Send a submitted batch back to its preparers for changes."""
    if batch.status != PayoutBatchStatus.SUBMITTED:
        raise DomainError(_l("Only a submitted batch can be sent back."))
    batch.status = PayoutBatchStatus.DRAFT
    batch.submitted_by = None
    batch.submitted_at = None
    db.session.flush()
    audit.record("batch.returned", batch, detail=batch.key, user=by)


@dataclass(frozen=True)
class Tally:
    """The number and total amount of payouts, in fen."""

    count: int
    total_fen: int


def _included(batch: PayoutBatch) -> Tally:
    row = db.session.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(Payout.amount_fen), 0)).where(
            Payout.batch_id == batch.id, Payout.decision == PayoutDecision.INCLUDED
        )
    ).one()
    return Tally(row[0], int(row[1]))
