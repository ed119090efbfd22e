"""The report definitions, in one place: what counts as recruited, raised and paired in a period.

Every report (dashboard, statistics page, export) builds its figures from these filters, so the
same period and area always give the same numbers.

- Recruited caring parents: sponsors now approved whose approval (``reviewed_at``) falls in the
  period. Sign-up date does not count: 招募 means volunteers the federation accepted. A sponsor who
  has since withdrawn is not counted (withdrawal replaces the review date).
- Raised: donations received (``received_on``) in the period, both ends included, that are not
  reversed. A reversal always removes the donation, even one made after the period ended: reports
  show the money as it stands today, so a re-run of a past period gives the corrected figure.
  Donations without a caring parent (anonymous, general fund) have no town: they count only in
  county-wide figures.
- Children paired: distinct children with a pairing confirmed in the period that is still active,
  or ended on or after the period's first day, grouped by the child's current record: 小学生 =
  education aid at preschool or primary stage, 中学生 = education aid at junior or senior middle
  stage, 助养 = fostering aid at any stage.
- Area: a town (its villages included) or the whole county; staff see only their own scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from sponsorship.clock import local_zone, today
from sponsorship.extensions import db
from sponsorship.models import Child, Donation, Pairing, Region, Sponsor
from sponsorship.models.enums import (
    AidGroup,
    AidType,
    PairingStatus,
    RegionLevel,
    SchoolStage,
    SponsorStatus,
)


@dataclass(frozen=True)
class Period:
    """A range of local dates, both ends included."""

    start: date
    end: date

    @property
    def utc_bounds(self) -> tuple[datetime, datetime]:
        """Return [first moment, first moment after) of the period as aware UTC."""
        zone = local_zone()
        first = datetime.combine(self.start, time.min, zone).astimezone(UTC)
        after = datetime.combine(self.end + timedelta(days=1), time.min, zone).astimezone(UTC)
        return first, after


def half_year_of(day: date) -> Period:
    """Return the half-year (January–June or July–December) that `day` lies in."""
    if day.month <= 6:
        return Period(date(day.year, 1, 1), date(day.year, 6, 30))
    return Period(date(day.year, 7, 1), date(day.year, 12, 31))


def current_half_year() -> Period:
    """Return the half-year that today lies in, the statistics' default period."""
    return half_year_of(today())


def school_year_period(day: date) -> Period:
    """Return the school year (1 September – 31 August) that `day` lies in."""
    year = day.year if day.month >= 9 else day.year - 1
    return Period(date(year, 9, 1), date(year + 1, 8, 31))


def subtree_ids(area: Region) -> list[int] | None:
    """Return the ids of the regions in `area`'s subtree, or None for a county holding them all.

    Resolving the few hundred regions first keeps the big queries free of a LIKE subquery, and
    lets a county-wide query skip the filter altogether (a town always filters: records without
    a region never belong to a town).
    """
    rows = db.session.execute(sa.select(Region.id, Region.path)).all()
    ids = [region_id for region_id, path in rows if path.startswith(area.path)]
    return None if len(ids) == len(rows) and county_wide(area) else ids


def within(stmt: sa.Select, region_id_column, area: Region | None) -> sa.Select:
    """Narrow `stmt` to rows whose region lies in `area` (None: no bound)."""
    if area is None:
        return stmt
    ids = subtree_ids(area)
    return stmt if ids is None else stmt.where(region_id_column.in_(ids))


def county_wide(area: Region | None) -> bool:
    """Tell whether figures for `area` include records that belong to no town."""
    return area is None or area.level not in (RegionLevel.TOWN, RegionLevel.VILLAGE)


def recruited(period: Period) -> sa.ColumnElement[bool]:
    """Sponsors approved in the period."""
    first, after = period.utc_bounds
    return sa.and_(
        Sponsor.status == SponsorStatus.APPROVED,
        Sponsor.reviewed_at >= first,
        Sponsor.reviewed_at < after,
    )


def recruited_stmt(columns, period: Period, area: Region | None) -> sa.Select:
    """Select `columns` over the sponsors recruited in the period within `area`."""
    stmt = sa.select(*columns).select_from(Sponsor).where(recruited(period))
    return within(stmt, Sponsor.region_id, area)


def raised(period: Period) -> sa.ColumnElement[bool]:
    """Donations to the programme received in the period and not reversed.

    Gifts earmarked to a campaign (「姐妹情深10元捐」) are the campaign's: its own paragraph
    reports them, and counting them here too would report them twice.
    """
    return sa.and_(
        Donation.received_on >= period.start,
        Donation.received_on <= period.end,
        Donation.reversed.is_(False),
        Donation.campaign_id.is_(None),
    )


def raised_stmt(columns, period: Period, area: Region | None) -> sa.Select:
    """Select `columns` over the donations raised in the period within `area`."""
    stmt = sa.select(*columns).select_from(Donation).where(raised(period))
    ids = None if area is None else subtree_ids(area)
    if ids is None:
        return stmt
    # Through the caring parents of the area: a town's few thousand, not every donation's parent.
    in_area = Donation.sponsor_id.in_(sa.select(Sponsor.id).where(Sponsor.region_id.in_(ids)))
    if county_wide(area):
        in_area = sa.or_(in_area, Donation.sponsor_id.is_(None))
    return stmt.where(in_area)


def paired(period: Period) -> sa.ColumnElement[bool]:
    """Pairings confirmed in the period, still active or ended on or after its first day."""
    first, after = period.utc_bounds
    return sa.and_(
        Pairing.confirmed_at >= first,
        Pairing.confirmed_at < after,
        sa.or_(
            Pairing.status == PairingStatus.ACTIVE,
            sa.and_(Pairing.status == PairingStatus.ENDED, Pairing.ended_on >= period.start),
        ),
    )


def group_case() -> sa.Case:
    """The report group of a child, in SQL: the same rule as `aid_group_of`."""
    return sa.case(
        (Child.aid_type == AidType.FOSTERING, AidGroup.FOSTERING.value),
        (
            Child.school_stage.in_([SchoolStage.JUNIOR, SchoolStage.SENIOR]),
            AidGroup.MIDDLE.value,
        ),
        else_=AidGroup.PRIMARY.value,
    )


def paired_child_ids(period: Period, area: Region | None) -> sa.Select:
    """Select the ids of the children paired in the period within `area` (IN counts each once)."""
    stmt = sa.select(Pairing.child_id).where(paired(period))
    ids = None if area is None else subtree_ids(area)
    if ids is None:
        return stmt
    return stmt.join(Child, Child.id == Pairing.child_id).where(Child.region_id.in_(ids))


def paired_stmt(columns, period: Period, area: Region | None) -> sa.Select:
    """Select `columns` over the children paired in the period within `area`, each child once."""
    return (
        sa.select(*columns).select_from(Child).where(Child.id.in_(paired_child_ids(period, area)))
    )
