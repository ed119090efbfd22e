"""Which payout batches a user may act on as a whole: only those lying wholly in their area.

A batch-level action (build the periodic batch, submit, send back, approve, cancel, export the
bank file, mark paid from a result file) touches every payout in the batch. A user scoped to a
town may take it only when every payout pays a child of that town; on a county-wide batch they
see their town's payouts and totals, and do their town's payout-level work (include, exclude,
add a child, mark one payout failed), while a colleague responsible for the whole county takes
the batch-level steps. An empty batch (an ad-hoc one just opened) belongs to the area of whoever
opened it, and to the county. A batch paying no one of a town's area, and not opened in it, is
not shown to that town's users at all.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from sponsorship.errors import DomainError
from sponsorship.extensions import db
from sponsorship.models import Payout, PayoutBatch, User
from sponsorship.services.core.scope import reaches_everything, region_ids_in_scope


def _clauses(user: User) -> tuple[sa.ColumnElement[bool], sa.ColumnElement[bool]]:
    """Return (a payout of the batch lies in the user's area, one lies outside it, or the batch
    was opened by someone of the user's area) as SQL conditions on `PayoutBatch`."""
    subtree = region_ids_in_scope(user)
    payouts = sa.select(Payout.id).where(Payout.batch_id == PayoutBatch.id)
    inside = payouts.where(Payout.region_id.in_(subtree)).exists()
    outside = payouts.where(Payout.region_id.not_in(subtree)).exists()
    # The opener's own area: an ad-hoc batch opened by a town's clerk is that town's until it
    # holds payouts, and their colleagues of the town see it too.
    opened_here = PayoutBatch.built_by_id.in_(
        sa.select(User.id).where(User.scope_region_id.in_(subtree))
    )
    return sa.or_(inside, opened_here), outside


def seen_by(user: User) -> sa.ColumnElement[bool]:
    """The batches the user may see: every batch for a user of the whole programme; for a user
    of part of it, those paying someone of their area or opened in it. Another town's ad-hoc
    batch, its note and its key stay out of sight."""
    if reaches_everything(user):
        return sa.true()
    return _clauses(user)[0]


def within(user: User) -> sa.ColumnElement[bool]:
    """The batches lying wholly in the user's area (see the module's rule), as a condition."""
    if reaches_everything(user):
        return sa.true()
    ours, outside = _clauses(user)
    return sa.and_(ours, ~outside)


def batch_seen_by(batch: PayoutBatch, user: User) -> bool:
    """Tell whether the user may see the batch at all (see `seen_by`)."""
    return _holds(batch, seen_by(user))


def batch_within(batch: PayoutBatch, user: User) -> bool:
    """Tell whether every payout of the batch lies in the user's area (see the module's rule)."""
    return _holds(batch, within(user))


def _holds(batch: PayoutBatch, condition: sa.ColumnElement[bool]) -> bool:
    found = sa.select(PayoutBatch.id).where(PayoutBatch.id == batch.id, condition)
    return db.session.scalar(found) is not None


def ensure_batch_within(batch: PayoutBatch, user: User | None) -> None:
    """Refuse a batch-level action by a user whose area does not hold the whole batch."""
    if user is not None and not batch_within(batch, user):
        raise DomainError(
            _l(
                "This batch also pays children outside your area: a colleague responsible for "
                "the whole county takes this step."
            )
        )


def ensure_may_build_periodic(user: User | None) -> None:
    """Refuse building the county's periodic batch to a user scoped to part of it."""
    if user is not None and not reaches_everything(user):
        raise DomainError(
            _l(
                "The September batch pays the whole county: a colleague responsible for the "
                "whole county builds it. You can open an ad-hoc batch for your area."
            )
        )
