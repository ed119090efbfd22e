"""Which payout batches a user may act on as a whole: only those lying wholly in their area.

A batch-level action (build the periodic batch, submit, send back, approve, cancel, export the
bank file, mark paid from a result file) touches every payout in the batch. A user scoped to a
town may take it only when every payout pays a child of that town; on a county-wide batch they
see their town's payouts and totals, and do their town's payout-level work (include, exclude,
add a child, mark one payout failed), while a colleague responsible for the whole county takes
the batch-level steps. An empty batch (an ad-hoc one just opened) belongs to whoever opened it
and to the county.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from sponsorship.errors import DomainError
from sponsorship.extensions import db
from sponsorship.models import Payout, PayoutBatch, User
from sponsorship.services.core.scope import reaches_everything, region_ids_in_scope


def batch_within(batch: PayoutBatch, user: User) -> bool:
    """Tell whether every payout of the batch lies in the user's area (see the module's rule)."""
    if reaches_everything(user):
        return True
    subtree = region_ids_in_scope(user)
    inside, outside = db.session.execute(
        sa.select(
            sa.func.count().filter(Payout.region_id.in_(subtree)),
            sa.func.count().filter(Payout.region_id.not_in(subtree)),
        ).where(Payout.batch_id == batch.id)
    ).one()
    if outside:
        return False
    return bool(inside) or batch.built_by_id == user.id


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
