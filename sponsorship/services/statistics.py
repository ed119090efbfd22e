"""Statistics for a period and an area: the headline figures, their breakdowns, the paragraph."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.models import Child, ChildHardship, Donation, Region, Sponsor
from sponsorship.models.enums import AidGroup, Gender, Hardship
from sponsorship.services import measures
from sponsorship.services.measures import Period
from sponsorship.services.trends import roll_up, towns_by_region


@dataclass(frozen=True)
class TownRow:
    town: Region | None
    recruited: int = 0
    raised_fen: int = 0
    groups: dict[AidGroup, int] = field(default_factory=dict)

    @property
    def paired(self) -> int:
        return sum(self.groups.values())


@dataclass(frozen=True)
class Statistics:
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


def _groups(rows) -> dict[AidGroup, int]:
    found = {AidGroup(group): int(n) for group, n in rows}
    return {g: found.get(g, 0) for g in AidGroup}


def _town_rows(period: Period, area: Region | None) -> list[TownRow]:
    """Count per region in SQL, then add the few hundred region rows up into their towns."""
    towns = towns_by_region(area)
    recruited = roll_up(
        db.session.execute(
            measures.recruited_stmt([Sponsor.region_id, sa.func.count()], period, area).group_by(
                Sponsor.region_id
            )
        ),
        towns,
    )
    raised = roll_up(
        db.session.execute(
            measures.raised_stmt(
                [Sponsor.region_id, sa.func.sum(Donation.amount_fen)], period, area
            ).group_by(Sponsor.region_id)
        ),
        towns,
    )
    group = measures.group_case()
    paired = db.session.execute(
        measures.paired_stmt([Child.region_id, group, sa.func.count()], period, area).group_by(
            Child.region_id, group
        )
    ).all()
    by_group = {
        g: roll_up([(region_id, n) for region_id, grp, n in paired if grp == g.value], towns)
        for g in AidGroup
    }
    keys = set(recruited) | set(raised) | {t for counts in by_group.values() for t in counts}
    rows = [
        TownRow(
            town=town,
            recruited=recruited.get(town, 0),
            raised_fen=raised.get(town, 0),
            groups={g: by_group[g].get(town, 0) for g in AidGroup},
        )
        for town in keys
    ]
    return sorted(rows, key=lambda r: (r.town is None, r.town.code if r.town else ""))


def statistics_for(period: Period, area: Region | None) -> Statistics:
    """Count what the programme did in `period` within `area` (None: the whole programme)."""
    recruited = db.session.scalar(measures.recruited_stmt([sa.func.count()], period, area))
    raised = db.session.scalar(
        measures.raised_stmt([sa.func.coalesce(sa.func.sum(Donation.amount_fen), 0)], period, area)
    )
    group = measures.group_case()
    groups = db.session.execute(
        measures.paired_stmt([group, sa.func.count()], period, area).group_by(group)
    ).all()
    hardships = db.session.execute(
        measures.paired_stmt([ChildHardship.category, sa.func.count()], period, area)
        .join(ChildHardship, ChildHardship.child_id == Child.id)
        .group_by(ChildHardship.category)
    ).all()
    child_genders = db.session.execute(
        measures.paired_stmt([Child.gender, sa.func.count()], period, area).group_by(Child.gender)
    ).all()
    sponsor_genders = db.session.execute(
        measures.recruited_stmt([Sponsor.gender, sa.func.count()], period, area).group_by(
            Sponsor.gender
        )
    ).all()
    found_hardships = dict(hardships)
    found_child_genders = dict(child_genders)
    return Statistics(
        period=period,
        area=area,
        recruited=int(recruited or 0),
        raised_fen=int(raised or 0),
        groups=_groups(groups),
        towns=_town_rows(period, area),
        hardships={h: int(found_hardships.get(h, 0)) for h in Hardship},
        child_genders={g: int(found_child_genders.get(g, 0)) for g in Gender},
        sponsor_genders={g: int(n) for g, n in sponsor_genders},
    )
