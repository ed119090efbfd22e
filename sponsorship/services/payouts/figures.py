"""A batch's figures: counts and totals by decision, by group and by town."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.models import Payout, PayoutBatch, Region, User
from sponsorship.models.enums import PayoutDecision, PayoutStatus
from sponsorship.services.core.scope import in_scope


@dataclass(frozen=True)
class Line:
    """One row of a batch's totals: what it is about, and its included/held/excluded figures."""

    label: object
    included: int
    included_fen: int
    held: int
    held_fen: int
    excluded: int
    paid: int
    failed: int


def _tally(batch: PayoutBatch, column, user: User | None = None) -> list[Line]:
    def n(cond):
        return sa.func.sum(sa.case((cond, 1), else_=0))

    def fen(cond):
        return sa.func.sum(sa.case((cond, Payout.amount_fen), else_=0))

    included = Payout.decision == PayoutDecision.INCLUDED
    held = Payout.decision == PayoutDecision.HELD
    stmt = (
        sa.select(
            column,
            n(included),
            fen(included),
            n(held),
            fen(held),
            n(Payout.decision == PayoutDecision.EXCLUDED),
            n(Payout.status == PayoutStatus.PAID),
            n(Payout.status == PayoutStatus.FAILED),
        )
        .where(Payout.batch_id == batch.id)
        .group_by(column)
        .order_by(column)
    )
    if user is not None:
        stmt = in_scope(stmt, Payout.region_id, user)
    rows = db.session.execute(stmt)
    return [Line(r[0], *(int(v or 0) for v in r[1:])) for r in rows]


def by_group(batch: PayoutBatch, user: User | None = None) -> list[Line]:
    """Return the batch's figures per report group (小学生, 中学生, 助养), in the user's area."""
    return _tally(batch, Payout.aid_group, user)


def by_town(batch: PayoutBatch, user: User | None = None) -> list[Line]:
    """Return the batch's figures per town, named, in the user's area."""
    lines = _tally(batch, Payout.town_id, user)
    names = dict(
        db.session.execute(
            sa.select(Region.id, Region.name).where(Region.id.in_([x.label for x in lines]))
        ).all()
    )
    return [Line(names.get(x.label, "—"), *list(x.__dict__.values())[1:]) for x in lines]


def totals(batch: PayoutBatch, user: User | None = None) -> Line:
    """Return the batch's figures over all its payouts (those in the user's area, if given)."""
    lines = _tally(batch, sa.literal("all"), user)
    return lines[0] if lines else Line("all", 0, 0, 0, 0, 0, 0, 0)
