"""Verify many children at once, and put them on the waiting list, as a county works: in bulk.

The four-eyes rule of single verification holds for every child: a registrar's own entries are
refused and listed by name, the others proceed in the same unit of work.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from sponsorship.extensions import db
from sponsorship.models import Child, Region, User
from sponsorship.models.enums import ChildStatus
from sponsorship.services.children.register import open_for_sponsors, verify_child
from sponsorship.services.core.scope import in_scope

#: The most children one page of the bulk screen offers; a county's whole register fits.
MAX_LISTED = 2000
#: Statuses the bulk screen works on: to verify, and verified but not yet waiting.
BULK_STATUSES = (ChildStatus.REGISTERED, ChildStatus.VERIFIED)


@dataclass
class BulkOutcome:
    """What a bulk action did: children moved on, and those refused with the reason."""

    verified: list[Child] = field(default_factory=list)
    awaiting: list[Child] = field(default_factory=list)
    #: Registered by the acting user: another person must verify them.
    own: list[Child] = field(default_factory=list)
    #: Already past the step asked for (someone else was quicker), or exited meanwhile.
    skipped: list[Child] = field(default_factory=list)


def children_to_verify(user: User, town: Region | None = None) -> list[Child]:
    """Return the registered and verified children in the user's area, oldest entry first."""
    stmt = in_scope(sa.select(Child).where(Child.status.in_(BULK_STATUSES)), Child.region_id, user)
    if town is not None:
        subtree = sa.select(Region.id).where(Region.path.startswith(town.path, autoescape=True))
        stmt = stmt.where(Child.region_id.in_(subtree))
    stmt = stmt.options(joinedload(Child.region).joinedload(Region.parent))
    return list(db.session.scalars(stmt.order_by(Child.created_at, Child.id).limit(MAX_LISTED)))


def chosen_children(user: User, ids: Iterable[int]) -> list[Child]:
    """Load the ticked children that lie in the user's area; others are silently left out."""
    wanted = sorted(set(ids))
    found: list[Child] = []
    for start in range(0, len(wanted), 500):
        stmt = in_scope(
            sa.select(Child).where(Child.id.in_(wanted[start : start + 500])),
            Child.region_id,
            user,
        )
        found.extend(db.session.scalars(stmt.options(joinedload(Child.region))))
    return sorted(found, key=lambda child: child.id)


def bulk_verify(children: Iterable[Child], *, by: User, and_open: bool = False) -> BulkOutcome:
    """Verify the registered children (not the user's own); with `and_open`, list them as waiting.

    Children already verified are put on the waiting list too when `and_open` is asked.
    """
    outcome = BulkOutcome()
    for child in children:
        if child.status == ChildStatus.REGISTERED:
            if child.registered_by_id == by.id:
                outcome.own.append(child)
                continue
            verify_child(child, by=by)
            outcome.verified.append(child)
        elif not (and_open and child.status == ChildStatus.VERIFIED):
            outcome.skipped.append(child)
            continue
        if and_open:
            open_for_sponsors(child, by=by)
            outcome.awaiting.append(child)
    db.session.flush()
    return outcome
