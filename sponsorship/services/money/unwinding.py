"""What reversing a donation takes back: its own legs, and the credit that only moved inside the
caring parent's own funds since.

A donation's surplus waits as credit; the credit may since have paid another of her children's
instalments. Nothing left the programme, so the reversal takes that money back from the
instalment (which becomes unpaid again, its allocation kept as undone) in the same ledger
transaction. Only money that truly left, paid out to a guardian or refunded, makes a donation
impossible to reverse.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from sponsorship.errors import DomainError
from sponsorship.extensions import db
from sponsorship.models import Allocation, Instalment, LedgerEntry, Pairing, Pledge
from sponsorship.models.enums import Account
from sponsorship.services.money import ledger
from sponsorship.services.money.instalments import refresh_status
from sponsorship.services.money.ledger import Leg

MONEY_LEFT = _l(
    "Part of this donation has already been paid out to a guardian or refunded: "
    "it cannot be reversed."
)


def unwinding_legs(entries: Sequence[LedgerEntry], sponsor_id: int | None) -> list[Leg]:
    """Return the legs that take credit back from instalments it paid, undoing those payments.

    `entries` are the donation's ledger legs. Raise when a fund no longer holds what the
    donation put in it and no internal move explains the gap.
    """
    needed: dict[tuple, int] = {}
    for entry in entries:
        if entry.account in ledger.FUND_ACCOUNTS and entry.amount_fen < 0:
            key = _key(entry.account, entry.pairing_id, entry.sponsor_id)
            needed[key] = needed.get(key, 0) - entry.amount_fen
    spare: dict[int, int] = {}  # what each pairing's fund holds beyond the donation's own part
    short_credit = 0
    for (account, pairing_id, owner), fen in needed.items():
        held = -ledger.balance(account, pairing_id=pairing_id, sponsor_id=owner)
        if account == Account.SPONSOR_CREDIT:
            short_credit = max(fen - held, 0)
        elif held < fen:
            raise DomainError(MONEY_LEFT)
        elif account == Account.RESTRICTED:
            spare[pairing_id] = held - fen
    if not short_credit:
        return []
    plan: list[tuple[Allocation, int, int]] = []
    for allocation, pairing_id in _credit_allocations_newest_first(sponsor_id):
        if pairing_id not in spare:
            spare[pairing_id] = ledger.held_for_pairing(pairing_id)
        take = min(allocation.amount_fen, short_credit, spare[pairing_id])
        if take <= 0:
            continue
        plan.append((allocation, pairing_id, take))
        spare[pairing_id] -= take
        short_credit -= take
        if not short_credit:
            break
    if short_credit:
        # Decided before anything changes: a refusal leaves every instalment as it was.
        raise DomainError(MONEY_LEFT)
    legs: list[Leg] = []
    for allocation, pairing_id, take in plan:
        _undo(allocation, take)
        legs += [
            Leg(Account.RESTRICTED, take, pairing_id=pairing_id, sponsor_id=sponsor_id),
            Leg(Account.SPONSOR_CREDIT, -take, sponsor_id=sponsor_id),
        ]
    return legs


def _key(account: Account, pairing_id: int | None, sponsor_id: int | None) -> tuple:
    """The balance a leg moves: restricted per pairing, credit per sponsor, general as one."""
    if account == Account.RESTRICTED:
        return (account, pairing_id, None)
    if account == Account.SPONSOR_CREDIT:
        return (account, None, sponsor_id)
    return (account, None, None)


def _credit_allocations_newest_first(sponsor_id: int | None):
    """The caring parent's live payments from credit, the latest first, with their pairings."""
    if sponsor_id is None:
        return []
    return db.session.execute(
        sa.select(Allocation, Pledge.pairing_id)
        .join(Instalment, Instalment.id == Allocation.instalment_id)
        .join(Pledge, Pledge.id == Instalment.pledge_id)
        .join(Pairing, Pairing.id == Pledge.pairing_id)
        .where(
            Pairing.sponsor_id == sponsor_id,
            Allocation.from_credit.is_(True),
            Allocation.undone.is_(False),
        )
        .order_by(Allocation.id.desc())
    ).all()


def _undo(allocation: Allocation, fen: int) -> None:
    """Undo `fen` of a payment from credit: the allocation kept as undone, any rest re-made."""
    allocation.undone = True
    if allocation.amount_fen > fen:
        db.session.add(
            Allocation(
                instalment_id=allocation.instalment_id,
                amount_fen=allocation.amount_fen - fen,
                from_credit=True,
                transaction_id=allocation.transaction_id,
            )
        )
    instalment = allocation.instalment
    instalment.paid_fen -= fen
    refresh_status(instalment)
    db.session.flush()
