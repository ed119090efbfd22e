"""Run the matcher over the database: load who is free, propose, replace the old proposals."""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from sponsorship import matching
from sponsorship.clock import today, utcnow
from sponsorship.errors import ConflictError, DomainError
from sponsorship.extensions import db
from sponsorship.matching import ChildRecord, SponsorRecord, Weights
from sponsorship.models import Child, ChildHardship, Pairing, Region, Setting, Sponsor, User
from sponsorship.models.child import aid_group_of
from sponsorship.models.enums import ChildStatus, PairingStatus, RegionLevel, SponsorStatus
from sponsorship.models.pairing import CLOSED_STATUSES as CLOSED
from sponsorship.models.pairing import OPEN_STATUSES as OPEN
from sponsorship.services.core import audit


@dataclass(frozen=True)
class RunSummary:
    """What one run of matching did."""

    children: int
    sponsors: int
    proposed: int
    unmatched: int
    seconds: float


#: Why the exact matcher refuses some weights (`Weights.flow_problem`), for the admin to fix.
_REFUSALS = {
    "distance": _l(
        "The matching weights must not fall as distance grows (same village ≤ same town ≤ "
        "same zone ≤ same county); correct the matching.* settings and run matching again."
    ),
    "too_large": _l(
        "The matching weights are too large to compute exactly; lower the matching.* settings "
        "(matching.unmatched_base, the hardship points) and run matching again."
    ),
    "extra_slot": _l(
        "The matching weight for each further child of one caring parent (matching.extra_slot) "
        "must not be negative; correct it and run matching again."
    ),
}


def weights() -> Weights:
    """Return the matcher's weights, with the admin's `matching.*` settings applied."""
    rows = db.session.execute(
        sa.select(Setting.key, Setting.value).where(Setting.key.startswith("matching."))
    ).all()
    return matching.weights_from({key: value for key, value in rows})


def usable_weights() -> Weights:
    """Return the weights, refusing any the exact matcher cannot honour: never a wrong optimum."""
    current = weights()
    problem = current.flow_problem()
    if problem:
        raise DomainError(_REFUSALS[problem])
    return current


class RegionPaths:
    """Region paths as the matcher wants them: (county, zone, town, village) codes."""

    def __init__(self) -> None:
        rows = db.session.execute(
            sa.select(Region.id, Region.code, Region.level, Region.parent_id, Region.zone)
        ).all()
        self._rows = {row.id: row for row in rows}
        self._paths: dict[int, tuple[str, str, str, str]] = {}

    def __call__(self, region_id: int) -> tuple[str, str, str, str]:
        """Return the path of a region (memoised)."""
        path = self._paths.get(region_id)
        if path is None:
            found: dict[str, str] = {}
            zone = ""
            node = self._rows.get(region_id)
            while node is not None:
                found.setdefault(str(node.level), node.code)
                zone = zone or (str(node.zone) if node.zone else "")
                node = self._rows.get(node.parent_id)
            path = (
                found.get(RegionLevel.COUNTY, ""),
                zone,
                found.get(RegionLevel.TOWN, ""),
                found.get(RegionLevel.VILLAGE, ""),
            )
            self._paths[region_id] = path
        return path


def _subtree(region: Region | None):
    """Return a subquery of region ids under `region` (None: every region)."""
    stmt = sa.select(Region.id)
    if region is not None:
        stmt = stmt.where(Region.path.startswith(region.path, autoescape=True))
    return stmt


def _county_of(region: Region | None) -> Region | None:
    if region is None or region.level in (RegionLevel.PROVINCE, RegionLevel.CITY):
        return None
    return region.ancestor_at(RegionLevel.COUNTY)


def load_children(scope: Region | None, paths: RegionPaths, on: date) -> list[ChildRecord]:
    """Return the children awaiting a caring parent within `scope`."""
    awaiting = (
        Child.status == ChildStatus.AWAITING,
        Child.region_id.in_(_subtree(scope)),
        # A child still holding an open pairing (inconsistent data) is not offered again.
        Child.id.not_in(sa.select(Pairing.child_id).where(Pairing.status.in_(OPEN))),
    )
    rows = db.session.execute(
        sa.select(
            Child.id,
            Child.region_id,
            Child.aid_type,
            Child.school_stage,
            Child.gender,
            Child.awaiting_since,
        ).where(*awaiting)
    ).all()
    # Waiting counts from registration where the awaiting date is missing (rare: old rows only).
    registered = dict(
        db.session.execute(
            sa.select(Child.id, Child.created_at).where(*awaiting, Child.awaiting_since.is_(None))
        ).all()
    )
    hardships: dict[int, list[str]] = {}
    for child_id, category in db.session.execute(
        sa.select(ChildHardship.child_id, ChildHardship.category)
        .join(Child, Child.id == ChildHardship.child_id)
        .where(Child.status == ChildStatus.AWAITING, Child.region_id.in_(_subtree(scope)))
    ):
        hardships.setdefault(child_id, []).append(str(category))
    group = functools.cache(lambda aid_type, stage: str(aid_group_of(aid_type, stage)))
    return [
        ChildRecord(
            id=row.id,
            region=paths(row.region_id),
            aid_group=group(row.aid_type, row.school_stage),
            gender=str(row.gender),
            waiting_days=(on - (row.awaiting_since or registered[row.id].date())).days,
            hardships=tuple(sorted(hardships.get(row.id, ()))),
        )
        for row in rows
    ]


def load_sponsors(scope: Region | None, paths: RegionPaths) -> list[SponsorRecord]:
    """Return approved caring parents of the scope's county with free places left."""
    taken = dict(
        db.session.execute(
            sa.select(Pairing.sponsor_id, sa.func.count())
            .where(Pairing.status.in_(OPEN))
            .group_by(Pairing.sponsor_id)
        ).all()
    )
    rows = db.session.execute(
        sa.select(
            Sponsor.id,
            Sponsor.region_id,
            Sponsor.capacity,
            Sponsor.aid_preference,
            Sponsor.distance,
            Sponsor.child_gender,
        ).where(
            Sponsor.status == SponsorStatus.APPROVED,
            Sponsor.region_id.in_(_subtree(_county_of(scope))),
        )
    ).all()
    return [
        SponsorRecord(
            id=row.id,
            region=paths(row.region_id),
            capacity=row.capacity - taken.get(row.id, 0),
            aid_preference=str(row.aid_preference),
            distance=str(row.distance),
            child_gender=str(row.child_gender) if row.child_gender else None,
        )
        for row in rows
        if row.capacity > taken.get(row.id, 0)
    ]


def closed_pairs(scope: Region | None) -> set[tuple[int, int]]:
    """Return (sponsor id, child id) of pairs rejected or ended before, for children in scope."""
    rows = db.session.execute(
        sa.select(Pairing.sponsor_id, Pairing.child_id)
        .join(Child, Child.id == Pairing.child_id)
        .where(Pairing.status.in_(CLOSED), Child.region_id.in_(_subtree(scope)))
    ).all()
    return {(s, c) for s, c in rows}


def clear_proposals(scope: Region | None) -> int:
    """Delete the unconfirmed proposals for children in `scope`; return how many."""
    in_scope = sa.select(Child.id).where(Child.region_id.in_(_subtree(scope)))
    result = db.session.execute(
        sa.delete(Pairing)
        .where(Pairing.status == PairingStatus.PROPOSED, Pairing.child_id.in_(in_scope))
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def run_matching(scope: Region | None, *, by: User | None = None) -> RunSummary:
    """Replace the proposals for children in `scope` with the matcher's new ones."""
    started = time.perf_counter()
    chosen = usable_weights()
    clear_proposals(scope)
    paths = RegionPaths()
    children = load_children(scope, paths, today())
    sponsors = load_sponsors(scope, paths)
    try:
        result = matching.match(sponsors, children, weights=chosen, rejected=closed_pairs(scope))
    except matching.CostsTooLargeError as error:
        raise DomainError(_REFUSALS["too_large"]) from error
    now = utcnow()
    rows = [
        dict(
            sponsor_id=p.sponsor_id,
            child_id=p.child_id,
            status=PairingStatus.PROPOSED,
            score=p.cost,
            reason=p.reason_zh,  # bounded parts: it fits (tests/matching/test_reasons.py)
            created_at=now,
        )
        for p in result.proposals
    ]
    try:
        if rows:
            # The table, not the entity: a plain executemany, several times faster than the ORM's
            # bulk insert for twenty thousand rows; the columns' defaults apply all the same.
            db.session.execute(sa.insert(Pairing.__table__), rows)
        db.session.flush()
    except IntegrityError as error:
        raise ConflictError(
            _l("Someone else is running matching for the same children; refresh and try again."),
        ) from error
    summary = RunSummary(
        children=len(children),
        sponsors=len(sponsors),
        proposed=len(rows),
        unmatched=len(result.unmatched),
        seconds=round(time.perf_counter() - started, 3),
    )
    audit.record(
        "matching.run",
        scope,
        user=by,
        object_type="regions",
        detail=f"children={summary.children} sponsors={summary.sponsors} "
        f"proposed={summary.proposed} unmatched={summary.unmatched}",
    )
    return summary
