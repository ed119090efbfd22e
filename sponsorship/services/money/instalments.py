"""Instalments: what a caring parent still owes, paid oldest first, and each one's status.

Donations and credit both pay instalments through `pay_oldest_first`; they and pledges import
this module, and it imports none of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import sqlalchemy as sa

from sponsorship.clock import today
from sponsorship.extensions import db
from sponsorship.models import Instalment, Pairing, Pledge, Sponsor
from sponsorship.models.enums import InstalmentStatus
from sponsorship.models.pledge import OPEN_INSTALMENT
from sponsorship.services.core import settings


def allocate(owed: Sequence[int], amount_fen: int) -> list[int]:
    """Split `amount_fen` over debts in the order given: each is paid in full before the next."""
    parts = []
    left = amount_fen
    for debt in owed:
        part = min(left, debt)
        parts.append(part)
        left -= part
    return parts


def open_instalments(sponsor: Sponsor) -> list[Instalment]:
    """Return the sponsor's instalments still owed, oldest due first, locked for payment."""
    return list(
        db.session.scalars(
            sa.select(Instalment)
            .join(Instalment.pledge)
            .join(Pledge.pairing)
            .where(
                Pairing.sponsor_id == sponsor.id,
                Instalment.status.in_(OPEN_INSTALMENT),
                Instalment.paid_fen < Instalment.amount_fen,
            )
            .order_by(Instalment.due_on, Instalment.id)
            .with_for_update()
        )
    )


def pay_oldest_first(sponsor: Sponsor, amount_fen: int) -> list[tuple[Instalment, int]]:
    """Pay up to `amount_fen` into the sponsor's oldest open instalments; return what each got."""
    instalments = open_instalments(sponsor)
    parts = allocate([i.amount_fen - i.paid_fen for i in instalments], amount_fen)
    plan = [(i, part) for i, part in zip(instalments, parts, strict=True) if part > 0]
    for instalment, part in plan:
        instalment.paid_fen += part
        refresh_status(instalment)
    return plan


def grace() -> timedelta:
    """Return how long after its due date an unpaid instalment turns overdue."""
    return timedelta(days=int(settings.get("instalment.grace_days")))


def refresh_status(instalment: Instalment, *, on: date | None = None) -> None:
    """Set an instalment's status from what is paid and its due date (waived stays waived)."""
    if instalment.status == InstalmentStatus.WAIVED:
        return
    instalment.status = status_of(
        instalment.paid_fen, instalment.amount_fen, instalment.due_on, on or today(), grace()
    )


def status_of(
    paid_fen: int, amount_fen: int, due_on: date, on: date, grace: timedelta
) -> InstalmentStatus:
    """Return the status of an instalment that is not waived, from what is paid and when due."""
    if paid_fen >= amount_fen:
        return InstalmentStatus.PAID
    if due_on + grace < on:
        return InstalmentStatus.OVERDUE
    return InstalmentStatus.DUE
