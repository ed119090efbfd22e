"""One payout per child per school year: the test every path that includes a payout asks.

The database has the last word (`uq_payouts_child_year_paying`); these let a service refuse with
a message people understand before the constraint would.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from sponsorship.errors import DomainError
from sponsorship.extensions import db
from sponsorship.models import Child, Payout
from sponsorship.models.enums import PayoutDecision, PayoutStatus

#: The statuses of an included payout that hold the child's school year.
PAYING_STATUSES = (PayoutStatus.PROPOSED, PayoutStatus.PAID)


def paying_elsewhere(school_year: int, *, child_id=Child.id, but: int | None = None) -> sa.Exists:
    """Whether the child already has a payout (other than `but`) paid or included for the year."""
    stmt = sa.select(Payout.id).where(
        Payout.child_id == child_id,
        Payout.school_year == school_year,
        Payout.decision == PayoutDecision.INCLUDED,
        Payout.status.in_(PAYING_STATUSES),
    )
    if but is not None:
        stmt = stmt.where(Payout.id != but)
    return stmt.exists()


def paying_child_ids(school_year: int) -> list[tuple[int]]:
    """Return (child id,) of every child already paid, or included in a batch, for the year."""
    return [
        (child_id,)
        for child_id in db.session.scalars(
            sa.select(Payout.child_id)
            .where(
                Payout.child_id.is_not(None),
                Payout.school_year == school_year,
                Payout.decision == PayoutDecision.INCLUDED,
                Payout.status.in_(PAYING_STATUSES),
            )
            .distinct()
        )
    ]


def is_paying_elsewhere(child_id: int, school_year: int, *, but: int | None = None) -> bool:
    """Tell whether the child is already paid, or included in a batch, for the school year."""
    return bool(
        db.session.scalar(sa.select(paying_elsewhere(school_year, child_id=child_id, but=but)))
    )


def ensure_not_paying_elsewhere(child_id: int, school_year: int, *, but: int | None = None) -> None:
    """Refuse when the child is already paid, or included in a batch, for the school year."""
    if is_paying_elsewhere(child_id, school_year, but=but):
        raise DomainError(
            _l(
                "This child has already been paid (or is included in another batch) this school "
                "year: only a payout that failed at the bank can be re-issued."
            )
        )
