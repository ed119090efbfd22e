"""Trends for the dashboard's charts: recruitment and money by month, pairings by town."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from sponsorship.extensions import db
from sponsorship.models import Child, Donation, Pairing, Region, Sponsor
from sponsorship.models.enums import PairingStatus, RegionLevel
from sponsorship.services import measures
from sponsorship.services.measures import Period, within

#: How many months the monthly charts cover, the current one included.
MONTHS = 12


@dataclass(frozen=True)
class Point:
    label: str
    value: int


def last_months(day: date, n: int = MONTHS) -> list[Period]:
    """Return the `n` calendar months up to the one holding `day`, oldest first."""
    months = []
    year, month = day.year, day.month
    for _ in range(n):
        start = date(year, month, 1)
        after = date(year + (month == 12), month % 12 + 1, 1)
        months.append(Period(start, date.fromordinal(after.toordinal() - 1)))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def _label(period: Period) -> str:
    return f"{period.start.year % 100:02d}-{period.start.month:02d}"


def recruitment_by_month(day: date, area: Region | None) -> list[Point]:
    """Count the caring parents recruited in each month, in one query."""
    months = last_months(day)
    columns = []
    for month in months:
        first, after = month.utc_bounds
        hit = sa.and_(Sponsor.reviewed_at >= first, Sponsor.reviewed_at < after)
        columns.append(sa.func.sum(sa.case((hit, 1), else_=0)))
    span = Period(months[0].start, months[-1].end)
    row = db.session.execute(measures.recruited_stmt(columns, span, area)).one()
    return [Point(_label(m), int(v or 0)) for m, v in zip(months, row, strict=True)]


def money_by_month(day: date, area: Region | None) -> list[Point]:
    """Sum the money raised in each month (fen), in one query."""
    months = last_months(day)
    columns = [
        sa.func.sum(
            sa.case((Donation.received_on.between(m.start, m.end), Donation.amount_fen), else_=0)
        )
        for m in months
    ]
    span = Period(months[0].start, months[-1].end)
    row = db.session.execute(measures.raised_stmt(columns, span, area)).one()
    return [Point(_label(m), int(v or 0)) for m, v in zip(months, row, strict=True)]


def town_rollup(agg: sa.Subquery) -> sa.Select:
    """Select the town of each row of an aggregate keyed by region_id (None: no town)."""
    place = aliased(Region)
    town = aliased(Region)
    return (
        sa.select(town.id)
        .select_from(agg)
        .outerjoin(place, place.id == agg.c.region_id)
        .outerjoin(town, sa.and_(town.level == RegionLevel.TOWN, place.path.startswith(town.path)))
        .group_by(town.id)
    )


def pairings_by_town(area: Region | None) -> list[Point]:
    """Count the pairings in progress in each town, largest first."""
    per_region = within(
        sa.select(Child.region_id.label("region_id"), sa.func.count().label("n"))
        .select_from(Pairing)
        .join(Child, Child.id == Pairing.child_id)
        .where(Pairing.status == PairingStatus.ACTIVE)
        .group_by(Child.region_id),
        Child.region_id,
        area,
    ).subquery()
    rows = db.session.execute(town_rollup(per_region).add_columns(sa.func.sum(per_region.c.n)))
    counts = {town_id: int(n) for town_id, n in rows}
    names = dict(
        db.session.execute(sa.select(Region.id, Region.name).where(Region.id.in_(counts))).all()
    )
    points = [Point(names.get(town_id, "—"), n) for town_id, n in counts.items()]
    return sorted(points, key=lambda p: (-p.value, p.label))
