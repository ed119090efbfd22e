"""Statistics for a period and an area: the headline figures, their breakdowns, the paragraph."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.models import Child, ChildHardship, Donation, Region, Sponsor
from sponsorship.models.enums import AidGroup, Gender, Hardship
from sponsorship.services.reports import measures
from sponsorship.services.reports.measures import Period
from sponsorship.services.reports.trends import towns_by_region


@dataclass(frozen=True)
class TownRow:
    """One town's line of the statistics: recruited, raised, and paired per aid group."""

    town: Region | None
    recruited: int = 0
    raised_fen: int = 0
    groups: dict[AidGroup, int] = field(default_factory=dict)

    @property
    def paired(self) -> int:
        """The town's children paired in the period, all aid groups together."""
        return sum(self.groups.values())


@dataclass(frozen=True)
class Statistics:
    """The statistics of a period and area: the headline figures and their breakdowns."""

    period: Period
    area: Region | None
    recruited: int
    raised_fen: int
    groups: dict[AidGroup, int]
    towns: list[TownRow]
    hardships: dict[Hardship, int]
    child_genders: dict[Gender, int]
    sponsor_genders: dict[Gender | None, int]

    @property
    def paired(self) -> int:
        """Children paired in the period, all aid groups together."""
        return sum(self.groups.values())

    @property
    def paragraph_zh(self) -> str:
        """The summary in the programme's own wording, ready to paste into the work summary."""
        g = self.groups
        return (
            f'目前，招募"爱心父母"{self.recruited}名，募捐资金{yuan_text(self.raised_fen)}元，'
            f"结对帮扶困境儿童{self.paired}名（其中：小学生{g[AidGroup.PRIMARY]}名、"
            f"中学生{g[AidGroup.MIDDLE]}名、助养{g[AidGroup.FOSTERING]}名）"
        )

    @property
    def paragraph_en(self) -> str:
        """The same summary in English."""
        g = self.groups
        return (
            f"So far, {self.recruited:,} caring parents have been recruited, "
            f"{yuan_text(self.raised_fen, grouped=True)} yuan has been raised and "
            f"{self.paired:,} children in difficulty have been paired with a sponsor "
            f"(of whom {g[AidGroup.PRIMARY]:,} primary pupils, {g[AidGroup.MIDDLE]:,} "
            f"middle-school pupils and {g[AidGroup.FOSTERING]:,} in fostering support)."
        )


def yuan_text(fen: int, *, grouped: bool = False) -> str:
    """Whole yuan when there are no fen (118180), else two decimals (118180.50)."""
    yuan, cents = divmod(fen, 100)
    whole = f"{yuan:,}" if grouped else str(yuan)
    return whole if cents == 0 else f"{whole}.{cents:02d}"


def _sum_by(rows, key) -> dict:
    totals: dict = {}
    for row in rows:
        k = key(row)
        totals[k] = totals.get(k, 0) + int(row[-1] or 0)
    return totals


def statistics_for(period: Period, area: Region | None) -> Statistics:
    """Count what the programme did in `period` within `area` (None: the whole programme).

    Four aggregate queries, each grouped by region and one more column; the few hundred rows they
    return are added up by town, group and gender here.
    """
    towns = towns_by_region(area)
    sponsors = db.session.execute(
        measures.recruited_stmt(
            [Sponsor.region_id, Sponsor.gender, sa.func.count()], period, area
        ).group_by(Sponsor.region_id, Sponsor.gender)
    ).all()
    # Sum per caring parent first (from the covering index), then look up each one's region.
    per_sponsor = (
        measures.raised_stmt(
            [
                Donation.sponsor_id.label("sponsor_id"),
                sa.func.sum(Donation.amount_fen).label("fen"),
            ],
            period,
            area,
        )
        .group_by(Donation.sponsor_id)
        .subquery()
    )
    money = db.session.execute(
        sa.select(Sponsor.region_id, sa.func.sum(per_sponsor.c.fen))
        .select_from(per_sponsor)
        .outerjoin(Sponsor, Sponsor.id == per_sponsor.c.sponsor_id)
        .group_by(Sponsor.region_id)
    ).all()
    group = measures.group_case()
    children = db.session.execute(
        measures.paired_stmt(
            [Child.region_id, group, Child.gender, sa.func.count()], period, area
        ).group_by(Child.region_id, group, Child.gender)
    ).all()
    hardships = dict(
        db.session.execute(
            sa.select(ChildHardship.category, sa.func.count())
            .where(ChildHardship.child_id.in_(measures.paired_child_ids(period, area)))
            .group_by(ChildHardship.category)
        ).all()
    )
    groups = _sum_by(children, lambda r: AidGroup(r[1]))
    child_genders = _sum_by(children, lambda r: r[2])
    recruited_by_town = _sum_by(sponsors, lambda r: towns.get(r[0]))
    raised_by_town = _sum_by(money, lambda r: towns.get(r[0]))
    paired_by_town = {
        g: _sum_by([r for r in children if r[1] == g.value], lambda r: towns.get(r[0]))
        for g in AidGroup
    }
    keys = set(recruited_by_town) | set(raised_by_town)
    keys |= {town for counts in paired_by_town.values() for town in counts}
    rows = [
        TownRow(
            town=town,
            recruited=recruited_by_town.get(town, 0),
            raised_fen=raised_by_town.get(town, 0),
            groups={g: paired_by_town[g].get(town, 0) for g in AidGroup},
        )
        for town in keys
    ]
    return Statistics(
        period=period,
        area=area,
        recruited=sum(int(n) for *_key, n in sponsors),
        raised_fen=sum(int(n or 0) for _region, n in money),
        groups={g: groups.get(g, 0) for g in AidGroup},
        towns=sorted(rows, key=lambda r: (r.town is None, r.town.code if r.town else "")),
        hardships={h: int(hardships.get(h, 0)) for h in Hardship},
        child_genders={g: child_genders.get(g, 0) for g in Gender},
        sponsor_genders=_sum_by(sponsors, lambda r: r[1]),
    )
