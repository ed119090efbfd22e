"""The dashboard's figures, counted in SQL within the user's scope, by the report definitions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from sponsorship.clock import today
from sponsorship.extensions import db
from sponsorship.models import (
    AccountBalance,
    Child,
    Instalment,
    LedgerEntry,
    Letter,
    Pairing,
    Pledge,
    Region,
    Sponsor,
    User,
    aid_group_of,
)
from sponsorship.models.enums import (
    Account,
    AidGroup,
    ChildStatus,
    InstalmentStatus,
    LetterStatus,
    PairingStatus,
    SponsorStatus,
)
from sponsorship.models.pairing import OPEN_STATUSES
from sponsorship.services.core.scope import scope_path
from sponsorship.services.reports import measures, trends
from sponsorship.services.reports.measures import Period, within

#: How many of the longest-waiting children the dashboard lists.
LONGEST_WAITS = 5


@dataclass(frozen=True)
class Waiting:
    """A child among the longest waits: name masked, aid group, place and days waited."""

    child_id: int
    masked_name: str
    group: AidGroup
    region_name: str
    days: int


@dataclass
class Dashboard:
    """The dashboard's figures for the half-year and the school year, within the user's area."""

    period: Period
    school_year: Period
    sponsors_pending: int = 0
    sponsors_active: int = 0
    recruited: int = 0
    children_awaiting: int = 0
    longest_waits: list[Waiting] = field(default_factory=list)
    paired_groups: dict[AidGroup, int] = field(default_factory=dict)
    children_exited: int = 0
    raised_period_fen: int = 0
    raised_year_fen: int = 0
    held_fen: int = 0
    paid_out_fen: int = 0
    overdue_fen: int = 0
    overdue_count: int = 0
    proposals: int = 0
    failed_letters: int = 0
    town_pairings: list[trends.Point] = field(default_factory=list)
    #: Money raised per day of receipt over the last months: the chart's and the totals' source.
    money_days: dict[date, int] = field(default_factory=dict)

    @property
    def paired(self) -> int:
        """Children in active pairings now, all aid groups together."""
        return sum(self.paired_groups.values())

    @property
    def is_empty(self) -> bool:
        """Whether nothing is there to show: no caring parents, children awaiting or pairings."""
        return not (self.sponsors_pending or self.sponsors_active or self.children_awaiting) and (
            not self.paired
        )


def area_of(user: User) -> Region | None:
    """Return the region that bounds the user's figures, or None for the whole programme."""
    return None if scope_path(user) is None else user.scope_region


def mask_name(name: str) -> str:
    """Keep the family name only: 陈小明 → 陈＊＊."""
    return name[:1] + "＊" * max(len(name) - 1, 1)


def _scalar(stmt: sa.Select) -> int:
    return int(db.session.scalar(stmt) or 0)


def _longest_waits(area: Region | None, day: date) -> list[Waiting]:
    stmt = (
        sa.select(Child.id, Child.name, Child.aid_type, Child.school_stage, Child.awaiting_since)
        .add_columns(Region.name)
        .join(Region, Region.id == Child.region_id)
        .where(Child.status == ChildStatus.AWAITING, Child.awaiting_since.is_not(None))
        .order_by(Child.awaiting_since, Child.id)
        .limit(LONGEST_WAITS)
    )
    return [
        Waiting(child_id, mask_name(name), aid_group_of(aid, stage), region, (day - since).days)
        for child_id, name, aid, stage, since, region in db.session.execute(
            within(stmt, Child.region_id, area)
        )
    ]


def _money_held(area: Region | None) -> tuple[int, int]:
    """Return (held in the funds, paid out) for the area, as positive fen."""
    if area is None or measures.subtree_ids(area) is None:
        rows = dict(
            db.session.execute(
                sa.select(AccountBalance.account, sa.func.sum(AccountBalance.balance_fen))
                .where(AccountBalance.account.in_([*_FUNDS, Account.PAYOUTS]))
                .group_by(AccountBalance.account)
            ).all()
        )
        held = -sum(int(rows.get(a) or 0) for a in _FUNDS)
        # The programme's payouts: campaigns' handouts leave through the same account, and are
        # the campaigns' own figures (as a town's figure, through its pairings, leaves them out).
        handouts = _scalar(
            sa.select(sa.func.sum(LedgerEntry.amount_fen)).where(
                LedgerEntry.account == Account.PAYOUTS, LedgerEntry.campaign_id.is_not(None)
            )
        )
        return held, -(int(rows.get(Account.PAYOUTS) or 0) - handouts)
    restricted = within(
        sa.select(sa.func.sum(AccountBalance.balance_fen))
        .join(Pairing, Pairing.id == AccountBalance.pairing_id)
        .join(Child, Child.id == Pairing.child_id)
        .where(AccountBalance.account == Account.RESTRICTED),
        Child.region_id,
        area,
    )
    credit = within(
        sa.select(sa.func.sum(AccountBalance.balance_fen))
        .join(Sponsor, Sponsor.id == AccountBalance.sponsor_id)
        .where(AccountBalance.account == Account.SPONSOR_CREDIT),
        Sponsor.region_id,
        area,
    )
    general = 0
    if measures.county_wide(area):
        general = _scalar(
            sa.select(sa.func.sum(AccountBalance.balance_fen)).where(
                AccountBalance.account == Account.GENERAL
            )
        )
    paid = within(
        sa.select(sa.func.sum(LedgerEntry.amount_fen))
        .join(Pairing, Pairing.id == LedgerEntry.pairing_id)
        .join(Child, Child.id == Pairing.child_id)
        .where(LedgerEntry.account == Account.PAYOUTS),
        Child.region_id,
        area,
    )
    return -(_scalar(restricted) + _scalar(credit) + general), -_scalar(paid)


_FUNDS = (Account.RESTRICTED, Account.GENERAL, Account.SPONSOR_CREDIT)


def dashboard_for(user: User) -> Dashboard:
    """Gather the dashboard's figures for what the user may see."""
    day = today()
    area = area_of(user)
    board = Dashboard(
        period=measures.half_year_of(day), school_year=measures.school_year_period(day)
    )

    sponsors = dict(
        db.session.execute(
            within(
                sa.select(Sponsor.status, sa.func.count()).group_by(Sponsor.status),
                Sponsor.region_id,
                area,
            )
        ).all()
    )
    board.sponsors_pending = int(sponsors.get(SponsorStatus.PENDING, 0))
    board.sponsors_active = int(sponsors.get(SponsorStatus.APPROVED, 0))
    board.recruited = _scalar(measures.recruited_stmt([sa.func.count()], board.period, area))

    children = dict(
        db.session.execute(
            within(
                sa.select(Child.status, sa.func.count()).group_by(Child.status),
                Child.region_id,
                area,
            )
        ).all()
    )
    board.children_awaiting = int(children.get(ChildStatus.AWAITING, 0))
    board.children_exited = int(children.get(ChildStatus.EXITED, 0))
    board.longest_waits = _longest_waits(area, day)
    group = measures.group_case()
    pairings = db.session.execute(
        within(
            sa.select(Pairing.status, Child.region_id, group, sa.func.count())
            .select_from(Pairing)
            .join(Child, Child.id == Pairing.child_id)
            .where(Pairing.status.in_(OPEN_STATUSES))
            .group_by(Pairing.status, Child.region_id, group),
            Child.region_id,
            area,
        )
    ).all()
    active = [row for row in pairings if row[0] == PairingStatus.ACTIVE]
    board.paired_groups = {
        g: sum(int(n) for *_key, grp, n in active if grp == g.value) for g in AidGroup
    }
    board.proposals = sum(int(n) for status, *_key, n in pairings if status != PairingStatus.ACTIVE)
    board.town_pairings = trends.by_town(
        [(region_id, n) for _status, region_id, _grp, n in active], trends.towns_by_region(area)
    )

    # One pass over the donations, by day, serves the two totals and the monthly chart.
    span = Period(
        min(board.school_year.start, trends.last_months(day)[0].start),
        max(board.school_year.end, board.period.end),
    )
    board.money_days = trends.money_by_day(span, area)
    board.raised_period_fen = trends.total_in(board.period, board.money_days)
    board.raised_year_fen = trends.total_in(board.school_year, board.money_days)
    board.held_fen, board.paid_out_fen = _money_held(area)
    overdue = within(
        sa.select(sa.func.count(), sa.func.sum(Instalment.amount_fen - Instalment.paid_fen))
        .join(Pledge, Pledge.id == Instalment.pledge_id)
        .join(Pairing, Pairing.id == Pledge.pairing_id)
        .join(Child, Child.id == Pairing.child_id)
        .where(Instalment.status == InstalmentStatus.OVERDUE),
        Child.region_id,
        area,
    )
    n, fen = db.session.execute(overdue).one()
    board.overdue_count, board.overdue_fen = int(n or 0), int(fen or 0)
    board.failed_letters = _scalar(
        within(
            sa.select(sa.func.count())
            .select_from(Letter)
            .where(Letter.status == LetterStatus.FAILED),
            Letter.region_id,
            area,
        )
    )
    return board
