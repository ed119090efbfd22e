"""A data set built to the programme's half-year figures, with records that must not count.

Period: the first half of 2026. Inside 惠东县: 169 caring parents approved, 118,180 yuan raised,
309 children paired (218 primary, 77 middle school, 14 fostering), spread over two towns. Around
them: records before and after the period, pending and rejected, reversed, merely proposed, and a
whole other county that a 惠东县 clerk may not see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sponsorship.extensions import db
from sponsorship.models import Region
from sponsorship.models.enums import (
    AidType,
    ChildStatus,
    Gender,
    Hardship,
    PairingStatus,
    RegionLevel,
    RemainderTo,
    SchoolStage,
    SponsorStatus,
)
from sponsorship.services.money.donations import reverse_donation
from sponsorship.services.reports.measures import Period
from tests import factories as f

SHANGHAI = ZoneInfo("Asia/Shanghai")
H1 = Period(date(2026, 1, 1), date(2026, 6, 30))


def local(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI).astimezone(UTC)


@dataclass
class HalfYear:
    county: Region
    town_a: Region
    town_b: Region
    village_a: Region
    village_b: Region
    other_town: Region


def _children(village, n, clerk, guardian, **fields):
    return [
        f.make_child(village, registered_by=clerk, guardian=guardian, **fields) for _ in range(n)
    ]


def build() -> HalfYear:
    """Build the half-year data set; return its regions."""
    county = f.county()
    town_a = f.make_region("平山街道", parent=county)
    town_b = f.make_region("多祝镇", parent=county)
    village_a = f.make_region("示例村甲", level=RegionLevel.VILLAGE, parent=town_a)
    village_b = f.make_region("示例村乙", level=RegionLevel.VILLAGE, parent=town_b)
    elsewhere = f.make_region("博罗县", level=RegionLevel.COUNTY, code="441322000000")
    other_town = f.make_region("罗阳街道", parent=elsewhere)
    clerk = f.make_user()
    guardian = f.make_guardian(collector=clerk)

    # Caring parents: 100 + 69 approved in the period (the first at the first moment, the last at
    # the last minute), the rest not.
    first, last = local(2026, 1, 1, 0, 0), local(2026, 6, 30, 23, 59)
    sponsors_a = [
        f.make_sponsor(town_a, reviewed_at=first + timedelta(hours=i), gender=Gender.FEMALE)
        for i in range(100)
    ]
    sponsors_b = [
        f.make_sponsor(village_b, reviewed_at=last - timedelta(hours=i), gender=Gender.MALE)
        for i in range(69)
    ]
    f.make_sponsor(town_a, reviewed_at=local(2025, 12, 31, 23, 59))
    f.make_sponsor(town_a, reviewed_at=local(2026, 7, 1, 0, 0))
    f.make_sponsor(town_a, status=SponsorStatus.PENDING)
    f.make_sponsor(town_a, status=SponsorStatus.REJECTED, reviewed_at=local(2026, 3, 1))
    outsider = f.make_sponsor(other_town, reviewed_at=local(2026, 3, 1))

    # Money: 118,180 yuan in the period: 100,000 in town A, 8,180 in town B on the period's last
    # day, 10,000 anonymous (county-wide only).
    for i, sponsor in enumerate(sponsors_a[:20]):
        f.make_donation(sponsor, 500_000, received_on=date(2026, 1, 2) + timedelta(days=i))
    f.make_donation(sponsors_b[1], 818_000, received_on=date(2026, 6, 30))
    f.make_donation(None, 1_000_000, received_on=date(2026, 5, 5), remainder_to=RemainderTo.GENERAL)
    f.make_donation(sponsors_b[2], 7_000, received_on=date(2025, 12, 31))
    f.make_donation(sponsors_b[2], 9_000, received_on=date(2026, 7, 1))
    f.make_donation(outsider, 333_300, received_on=date(2026, 2, 2))
    reversed_in_period = f.make_donation(sponsors_a[0], 12_300, received_on=date(2026, 4, 1))
    reversed_later = f.make_donation(sponsors_a[1], 45_600, received_on=date(2026, 6, 30))
    reverse_donation(reversed_in_period, "退票")
    reverse_donation(reversed_later, "银行退回（期后冲销）")

    # Children: town A 150 primary (10 of them preschool, one paired twice) + 50 middle
    # + 10 fostering; town B 68 primary + 27 middle (7 senior) + 4 fostering.
    groups = [
        (village_a, 139, SchoolStage.PRIMARY, AidType.EDUCATION, sponsors_a),
        (village_a, 10, SchoolStage.PRESCHOOL, AidType.EDUCATION, sponsors_a),
        (village_a, 50, SchoolStage.JUNIOR, AidType.EDUCATION, sponsors_a),
        (village_a, 10, SchoolStage.JUNIOR, AidType.FOSTERING, sponsors_a),
        (village_b, 68, SchoolStage.PRIMARY, AidType.EDUCATION, sponsors_b),
        (village_b, 20, SchoolStage.JUNIOR, AidType.EDUCATION, sponsors_b),
        (village_b, 7, SchoolStage.SENIOR, AidType.EDUCATION, sponsors_b),
        (village_b, 4, SchoolStage.PRIMARY, AidType.FOSTERING, sponsors_b),
    ]
    confirmed = local(2026, 2, 1, 10)
    for village, n, stage, aid, sponsors in groups:
        kids = _children(
            village,
            n,
            clerk,
            guardian,
            school_stage=stage,
            aid_type=aid,
            status=ChildStatus.PAIRED,
            hardships=[Hardship.LEFT_BEHIND],
        )
        for i, child in enumerate(kids):
            f.make_pairing(sponsors[i % len(sponsors)], child, confirmed_at=confirmed)
    # One child paired twice in the period (first pairing ended) counts once: re-use a child.
    twice = _children(village_a, 1, clerk, guardian, status=ChildStatus.PAIRED)[0]
    ended = f.make_pairing(sponsors_a[0], twice, confirmed_at=local(2026, 1, 10))
    ended.end(date(2026, 2, 1), "搬迁")
    db.session.flush()
    f.make_pairing(sponsors_a[1], twice, confirmed_at=local(2026, 2, 2))

    # Must not count: confirmed before or after the period, proposed, ended before the period,
    # rejected, and the other county's.
    before = _children(village_a, 1, clerk, guardian, status=ChildStatus.PAIRED)[0]
    f.make_pairing(sponsors_a[2], before, confirmed_at=local(2025, 12, 31, 23, 59))
    after = _children(village_b, 1, clerk, guardian, status=ChildStatus.PAIRED)[0]
    f.make_pairing(sponsors_b[3], after, confirmed_at=local(2026, 7, 1, 0, 0))
    proposed = _children(village_b, 1, clerk, guardian)[0]
    f.make_pairing(sponsors_b[4], proposed, status=PairingStatus.PROPOSED)
    gone = _children(village_b, 1, clerk, guardian, status=ChildStatus.EXITED)[0]
    f.make_pairing(
        sponsors_b[5],
        gone,
        status=PairingStatus.ENDED,
        confirmed_at=local(2025, 9, 1),
        ended_on=date(2025, 12, 31),
    )
    far = _children(other_town, 1, clerk, guardian, status=ChildStatus.PAIRED)[0]
    f.make_pairing(outsider, far, confirmed_at=local(2026, 3, 1))
    return HalfYear(county, town_a, town_b, village_a, village_b, other_town)
