"""The dashboard's figures, counted in SQL within the user's scope."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from sponsorship.access import in_scope
from sponsorship.extensions import db
from sponsorship.models import Child, Pairing, Sponsor, User
from sponsorship.models.enums import ChildStatus, PairingStatus, SponsorStatus


@dataclass
class Summary:
    sponsors: dict[SponsorStatus, int] = field(default_factory=dict)
    children: dict[ChildStatus, int] = field(default_factory=dict)
    active_pairings: int = 0

    @property
    def is_empty(self) -> bool:
        return not any(self.sponsors.values()) and not any(self.children.values())


def summary_for(user: User) -> Summary:
    """Count caring parents, children and pairings that the user may see."""
    sponsors = db.session.execute(
        in_scope(
            sa.select(Sponsor.status, sa.func.count()).group_by(Sponsor.status),
            Sponsor.region_id,
            user,
        )
    ).all()
    children = db.session.execute(
        in_scope(
            sa.select(Child.status, sa.func.count()).group_by(Child.status), Child.region_id, user
        )
    ).all()
    active = db.session.scalar(
        in_scope(
            sa.select(sa.func.count())
            .select_from(Pairing)
            .join(Child, Pairing.child_id == Child.id)
            .where(Pairing.status == PairingStatus.ACTIVE),
            Child.region_id,
            user,
        )
    )
    return Summary(
        sponsors={s: 0 for s in SponsorStatus} | dict(sponsors),
        children={s: 0 for s in ChildStatus} | dict(children),
        active_pairings=active or 0,
    )
