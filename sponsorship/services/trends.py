"""Trends for the dashboard's charts: recruitment and money by month, pairings by town."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

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


def towns_by_region(area: Region | None) -> dict[int, Region]:
    """Map every region in `area` (None: everywhere) to its town, in one query on the regions."""
    stmt = sa.select(Region).where(Region.level.in_([RegionLevel.TOWN, RegionLevel.VILLAGE]))
    if area is not None:
        stmt = stmt.where(Region.path.startswith(area.path, autoescape=True))
    regions = list(db.session.scalars(stmt))
    towns = {r.path: r for r in regions if r.level == RegionLevel.TOWN}
    mapping = {}
    for region in regions:
        parent_path = region.path[: region.path.rstrip("/").rfind("/") + 1]
        town = region if region.level == RegionLevel.TOWN else towns.get(parent_path)
        if town is not None:
            mapping[region.id] = town
    return mapping


def roll_up(rows, towns: dict[int, Region]) -> dict[Region | None, int]:
    """Add up (region_id, n) rows already aggregated in SQL into their towns (None: no town)."""
    totals: dict[Region | None, int] = {}
    for region_id, n in rows:
        town = towns.get(region_id)
        totals[town] = totals.get(town, 0) + int(n or 0)
    return totals


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
    )
    totals = roll_up(db.session.execute(per_region), towns_by_region(area))
    points = [Point(town.name if town else "—", n) for town, n in totals.items()]
    return sorted(points, key=lambda p: (-p.value, p.label))
