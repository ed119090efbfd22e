"""A guardian's rights over a child's data (PIPL art. 31, 44–47): a copy, correction, erasure.

Staff produce the child's whole record as a file (audited as a reveal: it holds the unmasked
ID and bank account); corrections use the register's edit page. A guardian who withdraws
consent, or asks for the record to be erased, takes the child out of the programme the way an
exit does (the active pairing ends, future instalments are waived, open proposals go) and the
record is anonymised at once; the money records stay, without the names.
"""

from __future__ import annotations

from enum import StrEnum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from sponsorship.errors import DomainError
from sponsorship.extensions import db
from sponsorship.labels import label
from sponsorship.models import Child, Pairing, Payout, PayoutBatch, User
from sponsorship.models.enums import (
    ChildStatus,
    ExitReason,
    PayoutBatchStatus,
    PayoutDecision,
    PayoutStatus,
)
from sponsorship.services.children.register import can_reveal, ensure_can_see, exit_child
from sponsorship.services.core import audit
from sponsorship.services.data.anonymise import ERASED_CHILD_REASON, anonymise_child
from sponsorship.services.data.sponsor_requests import yuan
from sponsorship.services.payouts import review as batch_review


class ErasureGround(StrEnum):
    """Why a child's record is erased before its retention period ends."""

    CONSENT_WITHDRAWN = "consent_withdrawn"
    ERASURE_REQUESTED = "erasure_requested"


#: The exit note each ground writes, in the register's own words.
EXIT_NOTES = {
    ErasureGround.CONSENT_WITHDRAWN: "监护人撤回同意",
    ErasureGround.ERASURE_REQUESTED: "监护人要求删除个人信息",
}


def child_record(child: Child, *, by: User) -> dict:
    """Return the child's whole record for the guardian, recording the reveal."""
    if not can_reveal(by, child):
        raise DomainError(_l("Your account may not reveal a child's protected numbers."))
    audit.record("child.reveal", child, user=by, detail="personal-data request: record exported")
    guardian = child.guardian
    pairings = db.session.scalars(
        sa.select(Pairing).where(Pairing.child_id == child.id).order_by(Pairing.id)
    ).all()
    payouts = db.session.scalars(
        sa.select(Payout).where(Payout.child_id == child.id).order_by(Payout.id)
    ).all()
    return {
        "child": {
            "name": child.name,
            "gender": label(child.gender),
            "birth_date": child.birth_date,
            "id_number": child.id_number,
            "region": child.region.name,
            "address": child.address,
            "school": child.school,
            "school_stage": label(child.school_stage),
            "grade": child.grade,
            "aid_type": label(child.aid_type),
            "hardships": ", ".join(label(h) for h in child.hardships),
            "family_situation": child.family_situation,
            "status": label(child.status),
            "exit_reason": label(child.exit_reason),
            "exited_on": child.exited_on,
            "registered_at": child.created_at,
        },
        "guardian": {
            "name": guardian.name,
            "relation": guardian.relation,
            "mobile": guardian.mobile,
            "bank_name": guardian.bank_name,
            "bank_account": guardian.bank_account,
            "consent_given_on": guardian.consent_given_on,
        },
        # The caring parent is a third person: the guardian learns that a pairing existed.
        "pairings": [
            {
                "status": label(p.status),
                "confirmed_at": p.confirmed_at,
                "ended_on": p.ended_on,
            }
            for p in pairings
        ],
        "payouts": [
            {
                "batch": p.batch.key,
                "amount_yuan": yuan(p.amount_fen),
                "status": label(p.status),
                "paid_on": p.paid_on,
                "bank_account": p.bank_account,
            }
            for p in payouts
        ],
    }


def erase_child(child: Child, ground: ErasureGround, *, by: User) -> None:
    """Take the child out of the programme (as an exit) and anonymise the record now."""
    ensure_can_see(child, by)
    if child.anonymised_at is not None:
        raise DomainError(_l("This child's record has already been anonymised."))
    _withdraw_unpaid_payouts(child, by=by)
    if child.status != ChildStatus.EXITED:
        exit_child(child, ExitReason.OTHER, EXIT_NOTES[ground], by=by)
    audit.record(f"child.{ground.value}", child, user=by)
    anonymise_child(child, by=by, why=ground.value)
    db.session.flush()


#: Batches past the draft: their payouts are with finance or the bank and can no longer change.
BEYOND_DRAFT = (
    PayoutBatchStatus.SUBMITTED,
    PayoutBatchStatus.APPROVED,
    PayoutBatchStatus.EXPORTED,
)


def _withdraw_unpaid_payouts(child: Child, *, by: User) -> None:
    """Take the child's unpaid payouts out of their batches before the account is erased.

    An anonymous payout left in would reach the bank file with no name and no account. A draft's
    payout is excluded (audited as staff's exclusion is); one already with finance or the bank
    is refused whole, before anything changes: that batch must be settled or cancelled first.
    """
    unpaid = db.session.scalars(
        sa.select(Payout)
        .join(PayoutBatch, Payout.batch_id == PayoutBatch.id)
        .where(
            Payout.child_id == child.id,
            Payout.status == PayoutStatus.PROPOSED,
            Payout.decision != PayoutDecision.EXCLUDED,
        )
        .order_by(Payout.id)
    ).all()
    if any(p.batch.status in BEYOND_DRAFT for p in unpaid):
        raise DomainError(
            _l(
                "This child's payout is in a batch already submitted, approved or sent to the "
                "bank: settle or cancel the batch first, then erase the record."
            )
        )
    for payout in unpaid:
        if payout.batch.status == PayoutBatchStatus.DRAFT:
            batch_review.exclude(payout, ERASED_CHILD_REASON, by=by)
