"""Demo data: the Huidong towns, and fictional caring parents, children and pairings."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa
from stdnum.cn import ric

from sponsorship.clock import today, utcnow
from sponsorship.demo_money import load_money
from sponsorship.extensions import db
from sponsorship.models import Child, Guardian, Pairing, Region, Sponsor, User
from sponsorship.models.enums import (
    AidPreference,
    AidType,
    ChildStatus,
    Distance,
    ExitReason,
    Gender,
    Hardship,
    PairingStatus,
    PaymentFrequency,
    RegionLevel,
    SchoolStage,
    SponsorStatus,
)
from sponsorship.services.core.regions import import_regions
from sponsorship.services.letters.queue import LetterKind, queue_letter

REGIONS_CSV = Path(__file__).resolve().parent.parent / "data" / "regions_demo.csv"
#: Demo names are built from these and marked 「演示」 in the records, so nobody takes them as real.
SURNAMES = "陈李黄张林刘叶吴何王"
GIVEN = [
    "小雨",
    "子轩",
    "欣怡",
    "浩然",
    "梓涵",
    "俊杰",
    "诗琪",
    "宇航",
    "佳怡",
    "志强",
    "晓彤",
    "嘉豪",
]


def has_demo_data() -> bool:
    """Tell whether any region exists yet, the sign that the database is not empty."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Region)) > 0


def load(collector: User, *, children: int = 60, sponsors: int = 30, seed: int = 7) -> dict:
    """Load the demo regions and fictional records; `collector` is recorded as consent taker."""
    rng = random.Random(seed)
    import_regions(REGIONS_CSV.read_text(encoding="utf-8"))
    villages = db.session.scalars(
        sa.select(Region).where(Region.level == RegionLevel.VILLAGE).order_by(Region.code)
    ).all()
    made_sponsors = [_sponsor(rng, i, villages) for i in range(sponsors)]
    made_children = [_child(rng, i, villages, collector) for i in range(children)]
    db.session.add_all(made_sponsors + made_children)
    db.session.flush()
    pairs = 0
    for sponsor, child in zip(made_sponsors[: sponsors // 2], made_children, strict=False):
        pairing = Pairing(
            sponsor=sponsor,
            child=child,
            status=PairingStatus.ACTIVE,
            reason="演示结对",
            confirmed_by=collector,
            confirmed_at=utcnow(),
        )
        db.session.add(pairing)
        child.status = ChildStatus.PAIRED
        child.exit_reason = child.exit_note = child.exited_on = None
        child.awaiting_since = child.awaiting_since or today() - timedelta(days=30)
        pairs += 1
        db.session.flush()
        # The pairing notices wait in the print queue, so the letters screens are not empty.
        queue_letter(LetterKind.PAIRING_NOTICE, sponsor, f"pairing:{pairing.id}", child=child)
    db.session.flush()
    money = load_money(rng, collector)
    return {
        "villages": len(villages),
        "sponsors": sponsors,
        "children": children,
        "pairings": pairs,
        **money,
    }


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _sponsor(rng: random.Random, i: int, villages: list[Region]) -> Sponsor:
    status = SponsorStatus.APPROVED if i % 5 else SponsorStatus.PENDING
    return Sponsor(
        name=_name(rng),
        gender=rng.choice(list(Gender)),
        mobile=f"1390000{i:04d}",
        address="演示地址",
        region=rng.choice(villages),
        aid_preference=rng.choice(list(AidPreference)),
        distance=rng.choice(list(Distance)),
        capacity=rng.choice([1, 1, 2, 3]),
        pledge_per_child_fen=rng.choice([100_000, 120_000, 150_000]),
        payment_frequency=rng.choice(list(PaymentFrequency)),
        status=status,
        consent_version="demo",
        consent_at=utcnow(),
    )


#: Stages by weight, close to the programme's report: mostly primary, then middle school.
STAGE_WEIGHTS = [
    (SchoolStage.PRESCHOOL, None, 1),
    (SchoolStage.PRIMARY, range(1, 7), 12),
    (SchoolStage.JUNIOR, range(7, 10), 4),
    (SchoolStage.SENIOR, range(10, 13), 2),
    (SchoolStage.NOT_IN_SCHOOL, None, 1),
]
#: Hardship categories by weight: left-behind and low-income households are the most common.
HARDSHIP_WEIGHTS = [3, 2, 3, 2, 2, 5, 5, 1]
#: Statuses of the children not paired in the demo, by weight.
STATUS_WEIGHTS = [
    (ChildStatus.AWAITING, 8),
    (ChildStatus.REGISTERED, 2),
    (ChildStatus.VERIFIED, 1),
    (ChildStatus.EXITED, 1),
]


def _child(rng: random.Random, i: int, villages: list[Region], collector: User) -> Child:
    stage, grades, _ = rng.choices(STAGE_WEIGHTS, weights=[w for *_, w in STAGE_WEIGHTS])[0]
    grade = rng.choice(grades) if grades else None
    age = (grade + 6) if grade else rng.choice([4, 5, 15, 16])
    fostering = i % 12 == 0 or stage == SchoolStage.NOT_IN_SCHOOL
    birth = date(today().year - age, rng.randint(1, 12), rng.randint(1, 28))
    gender = rng.choice(list(Gender))
    # Spread the children over every town first, then at random within the town.
    towns = sorted({v.parent_id for v in villages})
    town_villages = [v for v in villages if v.parent_id == towns[i % len(towns)]]
    guardian = Guardian(
        name=_name(rng),
        relation=rng.choice(["祖母", "祖父", "母亲", "叔叔"]),
        mobile=f"1380000{i:04d}",
        bank_name="演示农商银行",
        bank_account=f"6228480000{i:08d}",
        consent_given_on=today() - timedelta(days=rng.randint(10, 300)),
        consent_collected_by=collector,
    )
    status = rng.choices(STATUS_WEIGHTS, weights=[w for _, w in STATUS_WEIGHTS])[0][0]
    number = _id_number(birth, gender, i) if i % 5 else None
    child = Child(
        name=_name(rng),
        gender=gender,
        birth_date=birth,
        id_number=number,
        id_tail=number[-4:] if number else None,
        region=rng.choice(town_villages),
        address="演示地址",
        school="" if stage == SchoolStage.NOT_IN_SCHOOL else "演示学校",
        school_stage=stage,
        grade=grade,
        aid_type=AidType.FOSTERING if fostering else AidType.EDUCATION,
        family_situation="演示数据，非真实儿童。",
        guardian=guardian,
        status=status,
        registered_by=collector,
    )
    if status not in (ChildStatus.REGISTERED, ChildStatus.VERIFIED):
        child.awaiting_since = today() - timedelta(days=rng.randint(5, 400))
    if status == ChildStatus.EXITED:
        child.exit_reason = rng.choice(list(ExitReason))
        child.exit_note = "演示" if child.exit_reason == ExitReason.OTHER else None
        child.exited_on = today() - timedelta(days=rng.randint(1, 60))
    k = rng.choice([1, 1, 1, 2, 2, 3])
    child.hardships = rng.choices(list(Hardship), weights=HARDSHIP_WEIGHTS, k=k)
    return child


def _id_number(birth: date, gender: Gender, i: int) -> str:
    """Return a well-formed resident ID with a made-up order code, for a fictional child."""
    order = (i * 2) % 1000 + (1 if gender == Gender.MALE else 0)
    body = f"441323{birth:%Y%m%d}{order:03d}"
    return body + ric.calc_check_digit(body + "0")
