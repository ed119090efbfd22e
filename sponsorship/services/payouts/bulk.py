"""Held payouts decided in bulk: several chosen, or every one a filter shows, included with the
general fund's cover or excluded with one reason.

Each payout is decided as it would be alone (`review.include` / `review.exclude`, each audited);
one that cannot be included (no bank account, paid elsewhere this year) is left as it was and
named in the answer. Only payouts in the user's region are touched, whatever ids were sent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from sponsorship.errors import DomainError, Message
from sponsorship.extensions import db
from sponsorship.models import Payout, PayoutBatch, User
from sponsorship.models.enums import PayoutDecision, PayoutStatus
from sponsorship.services.core.scope import in_scope
from sponsorship.services.payouts import campaign_payouts, review

#: The batch page's filters: what "every payout shown" means for each.
SHOWN = {
    "all": None,
    "flagged": Payout.flagged.is_(True),
    "held": Payout.decision == PayoutDecision.HELD,
    "excluded": Payout.decision == PayoutDecision.EXCLUDED,
    "failed": Payout.status == PayoutStatus.FAILED,
}
INCLUDE, EXCLUDE = "include", "exclude"


@dataclass
class Decided:
    """How many payouts a bulk decision changed, and why the others were left as they were."""

    changed: int = 0
    refused: list[Message] = field(default_factory=list)


def chosen(
    batch: PayoutBatch, user: User, *, ids: Iterable[int] | None = None, shown: str | None = None
) -> sa.Select:
    """Select the payouts a bulk decision is about: the ids given, or all the filter shows."""
    stmt = sa.select(Payout).where(Payout.batch_id == batch.id)
    if ids is not None:
        stmt = stmt.where(Payout.id.in_(list(ids)))
    elif shown in SHOWN:
        if SHOWN[shown] is not None:
            stmt = stmt.where(SHOWN[shown])
    else:
        raise DomainError(_l("Choose the payouts to decide."))
    return in_scope(stmt, Payout.region_id, user).order_by(Payout.id)


def decide(
    batch: PayoutBatch,
    action: str,
    *,
    by: User,
    ids: Iterable[int] | None = None,
    shown: str | None = None,
    general_fund: bool = False,
    reason: str = "",
) -> Decided:
    """Include (with the general fund's cover if asked) or exclude (with `reason`) many payouts."""
    if not batch.editable:
        raise DomainError(_l("The batch has been submitted and can no longer change."))
    if action == EXCLUDE and not reason.strip():
        raise DomainError(_l("A reason is required to exclude a payout."))
    if action not in (INCLUDE, EXCLUDE):
        raise DomainError(_l("Choose whether to include or exclude them."))
    wanted = PayoutDecision.INCLUDED if action == INCLUDE else PayoutDecision.EXCLUDED
    payouts = [
        p
        for p in db.session.scalars(chosen(batch, by, ids=ids, shown=shown))
        if p.decision != wanted
    ]
    if not payouts:
        raise DomainError(_l("None of the chosen payouts needs this decision."))
    decided = Decided()
    for payout in payouts:
        try:
            with db.session.begin_nested():
                if action == INCLUDE:
                    review.include(payout, general_fund=general_fund, by=by)
                else:
                    review.exclude(payout, reason, by=by)
        except DomainError as refused:
            db.session.refresh(payout)
            decided.refused.append(
                _l(
                    "%(child)s: %(why)s",
                    child=campaign_payouts.payee_of(payout),
                    why=refused.message,
                )
            )
            continue
        decided.changed += 1
    return decided
