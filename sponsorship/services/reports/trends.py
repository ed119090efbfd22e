"""Trends for the dashboard's charts: recruitment and money by month, pairings by town."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from sponsorship.clock import local_zone, localnow
from sponsorship.database import is_postgresql
from sponsorship.extensions import db
from sponsorship.models import Donation, Region, Sponsor
from sponsorship.models.enums import RegionLevel
from sponsorship.services.reports import measures
from sponsorship.services.reports.measures import Period

#: How many months the monthly charts cover, the current one included.
MONTHS = 12


@dataclass(frozen=True)
class Point:
    """One point of a chart: its label and its value."""

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


def _month_of(column, *, timestamp: bool) -> sa.ColumnElement[str]:
    """The local calendar month of a date or UTC timestamp column, as 'YYYY-MM', in SQL."""
    if is_postgresql():
        if timestamp:
            column = sa.func.timezone(local_zone().key, column)
        return sa.func.to_char(column, "YYYY-MM")
    if not timestamp:
        return sa.func.strftime("%Y-%m", column)
    # SQLite keeps naive UTC: shift by the zone's offset (Asia/Shanghai keeps no summer time).
    minutes = int(localnow().utcoffset().total_seconds() // 60)
    return sa.func.strftime("%Y-%m", column, f"{minutes:+d} minutes")


def _by_month(day: date, stmt_for, column, value, *, timestamp: bool) -> list[Point]:
    months = last_months(day)
    month = _month_of(column, timestamp=timestamp)
    span = Period(months[0].start, months[-1].end)
    found = dict(db.session.execute(stmt_for([month, value], span).group_by(month)).all())
    return [Point(_label(m), int(found.get(f"{m.start:%Y-%m}") or 0)) for m in months]


def recruitment_by_month(day: date, area: Region | None) -> list[Point]:
    """Count the caring parents recruited in each of the last months, grouped in SQL."""
    return _by_month(
        day,
        lambda columns, span: measures.recruited_stmt(columns, span, area),
        Sponsor.reviewed_at,
        sa.func.count(),
        timestamp=True,
    )


def money_by_day(span: Period, area: Region | None) -> dict[date, int]:
    """Sum the money raised (fen) per day of receipt within `span`, grouped in SQL."""
    stmt = measures.raised_stmt(
        [Donation.received_on, sa.func.sum(Donation.amount_fen)], span, area
    ).group_by(Donation.received_on)
    return {received_on: int(fen or 0) for received_on, fen in db.session.execute(stmt)}


def money_by_month(day: date, days: dict[date, int]) -> list[Point]:
    """Add the days' sums up into the last months."""
    totals: dict[tuple[int, int], int] = {}
    for received_on, fen in days.items():
        key = (received_on.year, received_on.month)
        totals[key] = totals.get(key, 0) + fen
    return [
        Point(_label(m), totals.get((m.start.year, m.start.month), 0)) for m in last_months(day)
    ]


def total_in(period: Period, days: dict[date, int]) -> int:
    """Add up the days' sums that fall in `period`."""
    return sum(fen for day, fen in days.items() if period.start <= day <= period.end)


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


def by_town(rows, towns: dict[int, Region]) -> list[Point]:
    """Add (region_id, n) rows up by town, largest first."""
    totals = roll_up(rows, towns)
    points = [Point(town.name if town else "—", n) for town, n in totals.items() if n]
    return sorted(points, key=lambda p: (-p.value, p.label))
