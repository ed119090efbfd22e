"""Payouts proposed by hand: a child added to a draft, or a failed payout re-issued.

A re-issue is the only way to pay a child twice in a school year's books, and only because the
first payment never reached the guardian: it references the failed payout and pays its year.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from sponsorship.errors import DomainError
from sponsorship.extensions import db
from sponsorship.models import Child, Pairing, Payout, PayoutBatch, User
from sponsorship.models.enums import PayoutDecision, PayoutStatus
from sponsorship.services.core import audit
from sponsorship.services.money import ledger
from sponsorship.services.payouts.once_a_year import paying_elsewhere
from sponsorship.services.payouts.own_credit import cover_from_own_credit


def propose_by_hand(
    batch: PayoutBatch,
    child: Child,
    pairing: Pairing | None,
    amount: int,
    *,
    school_year: int,
    reissue_of: Payout | None = None,
    by: User | None = None,
) -> Payout:
    """Add a payout of `amount` for `child` to the draft, funded as far as the pairing's fund goes.

    A short payout takes the caring parent's own credit first; what is still short is held for
    staff to cover from the general fund or leave out.
    """
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
        school_year=school_year,
        reissue_of=reissue_of,
    )
    db.session.add(payout)
    db.session.flush()
    detail = f"child={child.id} amount_fen={amount}"
    if reissue_of is not None:
        detail += f" reissues={reissue_of.id}"
    audit.record(
        "payout.reissued" if reissue_of else "payout.added", payout, detail=detail, user=by
    )
    if payout.shortfall_fen:
        cover_from_own_credit([payout.id], by=by)
        db.session.refresh(payout)
    return payout


def reissue(batch: PayoutBatch, failed: Payout, *, by: User | None = None) -> Payout:
    """Pay a payout that failed at the bank again, in a draft batch, for the same school year."""
    if not batch.editable:
        raise DomainError(_l("The batch has been submitted and can no longer change."))
    if failed.status != PayoutStatus.FAILED:
        raise DomainError(_l("Only a payout that failed at the bank can be re-issued."))
    if db.session.scalar(
        sa.select(sa.literal(True)).where(
            paying_elsewhere(failed.school_year, child_id=failed.child_id)
        )
    ):
        raise DomainError(
            _l("This child has already been paid (or re-issued) for that school year.")
        )
    if db.session.scalar(
        sa.select(Payout.id).where(Payout.batch_id == batch.id, Payout.child_id == failed.child_id)
    ):
        raise DomainError(_l("This child is already in the batch."))
    # The guardian's bank details as they are now: the failure was often an old account.
    return propose_by_hand(
        batch,
        failed.child,
        failed.pairing,
        failed.amount_fen,
        school_year=failed.school_year,
        reissue_of=failed,
        by=by,
    )
