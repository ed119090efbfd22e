"""A batch's life after its draft is built: staff adjust and submit, finance approves (never the
preparer), and the batch can be cancelled until it is approved."""

from __future__ import annotations

from dataclasses import dataclass

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
from sponsorship.services.core import audit
from sponsorship.services.money import ledger
from sponsorship.services.money.reach import ensure_may_draw_on_general_fund
from sponsorship.services.money.schedules import school_year_of
from sponsorship.services.payouts import campaign_payouts
from sponsorship.services.payouts.amounts import amount_for
from sponsorship.services.payouts.by_hand import propose_by_hand
from sponsorship.services.payouts.once_a_year import ensure_not_paying_elsewhere
from sponsorship.services.payouts.own_credit import cover_from_own_credit


def _ensure_editable(batch: PayoutBatch) -> None:
    if not batch.editable:
        raise DomainError(_l("The batch has been submitted and can no longer change."))


def include(payout: Payout, *, general_fund: bool = False, by: User | None = None) -> None:
    """Put a held or excluded payout back in; a short one needs the general fund to cover it."""
    _ensure_editable(payout.batch)
    if payout.beneficiary_id is not None:
        return _include_beneficiary(payout, by=by)
    ensure_not_paying_elsewhere(payout.child_id, payout.school_year, but=payout.id)
    if payout.shortfall_fen and not payout.general_fund_cover:
        # The caring parent's own credit before the general fund (it may have come since the build).
        cover_from_own_credit([payout.id], by=by)
        db.session.refresh(payout)
    if not payout.bank_account:
        raise DomainError(
            _l("The guardian has no bank account on file: add one first."),
        )
    if payout.shortfall_fen:
        # First: a town's user is offered no general fund, so is told why, not to tick it.
        ensure_may_draw_on_general_fund(by)
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


def _include_beneficiary(payout: Payout, *, by: User | None) -> None:
    """Put a campaign beneficiary's payout back in: the campaign's fund pays it in full."""
    if not payout.bank_account:
        raise DomainError(_l("No bank account is on file for this person: add one first."))
    if payout.decision != PayoutDecision.INCLUDED:
        campaign_payouts.taken_back(payout, by=by)
    payout.decision = PayoutDecision.INCLUDED
    payout.decision_reason = ""
    db.session.flush()
    audit.record("payout.included", payout, detail="campaign handout", user=by)


def exclude(payout: Payout, reason: str, *, by: User | None = None) -> None:
    """Leave a payout out of the batch, saying why."""
    _ensure_editable(payout.batch)
    if not reason.strip():
        raise DomainError(_l("A reason is required to exclude a payout."))
    if payout.decision == PayoutDecision.EXCLUDED:
        # A second press or a stale page: already left out. Doing it again would hand a
        # campaign beneficiary back to the list while another batch pays them.
        return
    payout.decision = PayoutDecision.EXCLUDED
    payout.general_fund_cover = False
    payout.decision_reason = reason.strip()
    db.session.flush()
    campaign_payouts.left_out(payout, by=by)
    audit.record("payout.excluded", payout, detail=payout.decision_reason, user=by)


def add_child(
    batch: PayoutBatch, child: Child, *, amount_fen: int | None = None, by: User | None = None
) -> Payout:
    """Add a child by hand (a late pairing): once per batch, once per school year.

    Without an amount the child gets the build's rule (`amounts.amount_for`). A child whose
    payout failed at the bank this school year is re-issued: the new payout references it.
    """
    _ensure_editable(batch)
    if campaign_payouts.is_campaign_batch(batch):
        raise DomainError(
            _l("This batch pays a campaign's handout: add people on the campaign's page.")
        )
    if db.session.scalar(
        sa.select(Payout.id).where(Payout.batch_id == batch.id, Payout.child_id == child.id)
    ):
        raise DomainError(_l("This child is already in the batch."))
    year = school_year_of(batch.cutoff_on)
    ensure_not_paying_elsewhere(child.id, year)
    pairing = db.session.scalar(
        sa.select(Pairing)
        .where(Pairing.child_id == child.id, Pairing.status == PairingStatus.ACTIVE)
        .limit(1)
    )
    # A child whose payout failed at the bank is paid again: the new payout references it.
    failed = db.session.scalar(
        sa.select(Payout)
        .where(
            Payout.child_id == child.id,
            Payout.school_year == year,
            Payout.status == PayoutStatus.FAILED,
        )
        .order_by(Payout.id.desc())
        .limit(1)
    )
    if amount_fen is not None:
        amount = amount_fen
    elif failed is not None:
        amount = failed.amount_fen
    else:
        amount = amount_for(child, pairing, year)
    if amount <= 0:
        raise DomainError(_l("The payout amount must be more than zero."))
    return propose_by_hand(
        batch, child, pairing, amount, school_year=year, reissue_of=failed, by=by
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
    if campaign_payouts.is_campaign_batch(batch):
        return campaign_payouts.funding_problems(batch)
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
    # Its payouts no longer hold their children's school year: another batch may pay them.
    db.session.execute(
        sa.update(Payout)
        .where(Payout.batch_id == batch.id, Payout.status == PayoutStatus.PROPOSED)
        .values(status=PayoutStatus.CANCELLED)
        .execution_options(synchronize_session=False)
    )
    campaign_payouts.cancelled(batch, by=by)
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
