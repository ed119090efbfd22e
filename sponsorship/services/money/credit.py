"""A caring parent's credit (paid beyond what was due): use it for new instalments, or refund it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from sponsorship.errors import DomainError
from sponsorship.extensions import db
from sponsorship.models import Allocation, LedgerTransaction, Pairing, Sponsor, User
from sponsorship.models.enums import Account, TransactionKind
from sponsorship.services.core import audit
from sponsorship.services.money import ledger
from sponsorship.services.money.instalments import (
    allocate,
    open_instalments,
    pay_oldest_first,
    refresh_status,
)
from sponsorship.services.money.ledger import Leg


def apply_credit(sponsor: Sponsor, *, by: User | None = None) -> int:
    """Pay the sponsor's oldest open instalments from their credit; return the fen used."""
    credit = ledger.sponsor_credit(sponsor.id)
    if credit <= 0:
        return 0
    plan = pay_oldest_first(sponsor, credit)
    used = sum(part for _, part in plan)
    if used == 0:
        return 0
    per_pairing: dict[int, int] = {}
    for instalment, part in plan:
        pairing_id = instalment.pledge.pairing_id
        per_pairing[pairing_id] = per_pairing.get(pairing_id, 0) + part
    legs = [Leg(Account.SPONSOR_CREDIT, used, sponsor_id=sponsor.id)] + [
        Leg(Account.RESTRICTED, -fen, pairing_id=pid, sponsor_id=sponsor.id)
        for pid, fen in per_pairing.items()
    ]
    txn = ledger.post(TransactionKind.TRANSFER, legs, memo="credit → instalments", by=by)
    for instalment, part in plan:
        db.session.add(
            Allocation(
                instalment=instalment, amount_fen=part, from_credit=True, transaction_id=txn.id
            )
        )
    db.session.flush()
    audit.record("credit.applied", sponsor, detail=f"used_fen={used}", user=by)
    return used


def cover_pairing_from_credit(pairing: Pairing, wanted_fen: int, *, by: User | None = None) -> int:
    """Move up to `wanted_fen` of the caring parent's credit into one pairing's fund.

    The pairing's own open instalments are paid from it first, so her statement shows them
    paid; the rest tops up the fund (a pledge below the standard amount). Return the fen moved.
    """
    sponsor = pairing.sponsor
    fen = min(ledger.sponsor_credit(sponsor.id), wanted_fen)
    if fen <= 0:
        return 0
    owed = [i for i in open_instalments(sponsor) if i.pledge.pairing_id == pairing.id]
    plan = [
        (instalment, part)
        for instalment, part in zip(
            owed, allocate([i.amount_fen - i.paid_fen for i in owed], fen), strict=True
        )
        if part > 0
    ]
    for instalment, part in plan:
        instalment.paid_fen += part
        refresh_status(instalment)
    txn = ledger.post(
        TransactionKind.TRANSFER,
        [
            Leg(Account.SPONSOR_CREDIT, fen, sponsor_id=sponsor.id),
            Leg(Account.RESTRICTED, -fen, pairing_id=pairing.id, sponsor_id=sponsor.id),
        ],
        memo="credit → payout",
        by=by,
    )
    for instalment, part in plan:
        db.session.add(
            Allocation(
                instalment=instalment, amount_fen=part, from_credit=True, transaction_id=txn.id
            )
        )
    db.session.flush()
    audit.record("credit.applied", sponsor, detail=f"pairing={pairing.id} used_fen={fen}", user=by)
    return fen


def refund_credit(
    sponsor: Sponsor, amount_fen: int, reason: str, *, by: User | None = None
) -> LedgerTransaction:
    """Pay part of a caring parent's unused credit back to them: credit → refunds."""
    if not reason.strip():
        raise DomainError(_l("A reason is required for a refund."))
    if not isinstance(amount_fen, int) or amount_fen <= 0:
        raise DomainError(_l("The refund must be more than zero."))
    if amount_fen > ledger.sponsor_credit(sponsor.id):
        raise DomainError(
            _l("A refund cannot exceed the caring parent's credit."),
        )
    txn = ledger.post(
        TransactionKind.REFUND,
        [
            Leg(Account.SPONSOR_CREDIT, amount_fen, sponsor_id=sponsor.id),
            Leg(Account.REFUNDS, -amount_fen, sponsor_id=sponsor.id),
        ],
        memo=reason.strip(),
        by=by,
    )
    audit.record("credit.refunded", sponsor, detail=f"fen={amount_fen}: {reason.strip()}", user=by)
    return txn
