"""The dashboard's figures, counted in SQL within the user's scope, by the report definitions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from sponsorship.access import scope_path
from sponsorship.clock import today
from sponsorship.extensions import db
from sponsorship.models import (
    AccountBalance,
    Child,
    Donation,
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
from sponsorship.services import measures
from sponsorship.services.measures import Period, within

#: How many of the longest-waiting children the dashboard lists.
LONGEST_WAITS = 5


@dataclass(frozen=True)
class Waiting:
    child_id: int
    masked_name: str
    group: AidGroup
    region_name: str
    days: int


@dataclass
class Dashboard:
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

    @property
    def paired(self) -> int:
        return sum(self.paired_groups.values())

    @property
    def is_empty(self) -> bool:
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


def _raised(period: Period, area: Region | None) -> int:
    return _scalar(
        measures.raised_stmt([sa.func.coalesce(sa.func.sum(Donation.amount_fen), 0)], period, area)
    )


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
    if area is None:
        rows = dict(
            db.session.execute(
                sa.select(AccountBalance.account, sa.func.sum(AccountBalance.balance_fen))
                .where(AccountBalance.account.in_([*_FUNDS, Account.PAYOUTS]))
                .group_by(AccountBalance.account)
            ).all()
        )
        held = -sum(int(rows.get(a) or 0) for a in _FUNDS)
        return held, -int(rows.get(Account.PAYOUTS) or 0)
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
    active = within(
        sa.select(group, sa.func.count())
        .select_from(Pairing)
        .join(Child, Child.id == Pairing.child_id)
        .where(Pairing.status == PairingStatus.ACTIVE)
        .group_by(group),
        Child.region_id,
        area,
    )
    found = {AidGroup(g): int(n) for g, n in db.session.execute(active)}
    board.paired_groups = {g: found.get(g, 0) for g in AidGroup}
    board.proposals = _scalar(
        within(
            sa.select(sa.func.count())
            .select_from(Pairing)
            .join(Child, Child.id == Pairing.child_id)
            .where(Pairing.status == PairingStatus.PROPOSED),
            Child.region_id,
            area,
        )
    )

    board.raised_period_fen = _raised(board.period, area)
    board.raised_year_fen = _raised(board.school_year, area)
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
