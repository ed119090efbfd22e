"""Test factories: make_*() build valid records with sensible defaults and flush them."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.models import Child, Guardian, Pairing, Region, Sponsor, User
from sponsorship.models.enums import (
    AidType,
    ChildStatus,
    DonationMethod,
    Gender,
    PairingStatus,
    PaymentFrequency,
    RegionLevel,
    RemainderTo,
    Role,
    SchoolStage,
    SponsorStatus,
    Zone,
)

PASSWORD = "correct horse battery"
_seq = itertools.count(1)


def _n() -> int:
    return next(_seq)


def make_region(
    name: str | None = None,
    level: RegionLevel = RegionLevel.TOWN,
    parent: Region | None = None,
    zone: Zone | None = None,
    code: str | None = None,
) -> Region:
    """Make a region under `parent` (a county is made when a town or village has none)."""
    n = _n()
    if parent is None and level in (RegionLevel.TOWN, RegionLevel.VILLAGE):
        parent = county() if level == RegionLevel.TOWN else make_region(level=RegionLevel.TOWN)
    region = Region(
        code=code or f"{900000000 + n}",
        name=name or f"测试{level}{n}",
        level=level,
        parent=parent,
        zone=zone or (parent.zone if parent else None),
        path="",
    )
    region.path = region.compute_path()
    db.session.add(region)
    db.session.flush()
    return region


def county() -> Region:
    """Return the test county, creating it once per test."""
    found = db.session.scalar(sa.select(Region).where(Region.code == "441323000000"))
    if found:
        return found
    region = Region(code="441323000000", name="惠东县", level=RegionLevel.COUNTY, path="")
    region.path = region.compute_path()
    db.session.add(region)
    db.session.flush()
    return region


def make_user(
    role: Role = Role.STAFF,
    *,
    username: str | None = None,
    scope: Region | None = None,
    password: str = PASSWORD,
    active: bool = True,
) -> User:
    user = User(
        username=username or f"{role}{_n()}",
        display_name=f"{role} user",
        role=role,
        scope_region=scope,
        active=active,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def make_sponsor(region: Region | None = None, **fields) -> Sponsor:
    n = _n()
    values = dict(
        name=f"爱心{n}",
        mobile=f"139{n:08d}",
        region=region or make_region(),
        status=SponsorStatus.APPROVED,
        capacity=1,
        pledge_per_child_fen=100_000,
    )
    values.update(fields)
    sponsor = Sponsor(**values)
    db.session.add(sponsor)
    db.session.flush()
    return sponsor


def make_guardian(collector: User | None = None, **fields) -> Guardian:
    values = dict(
        name="监护人",
        relation="祖母",
        mobile="13800000000",
        bank_name="农商银行",
        bank_account="6228480000000000001",
        consent_given_on=date(2026, 9, 1),
        consent_collected_by=collector or make_user(),
    )
    values.update(fields)
    guardian = Guardian(**values)
    db.session.add(guardian)
    db.session.flush()
    return guardian


def make_child(region: Region | None = None, **fields) -> Child:
    n = _n()
    registered_by = fields.pop("registered_by", None) or make_user()
    hardships = fields.pop("hardships", [])
    values = dict(
        name=f"陈童{n}",
        gender=Gender.FEMALE,
        birth_date=date(2016, 3, 1),
        region=region or make_region(level=RegionLevel.VILLAGE),
        school_stage=SchoolStage.PRIMARY,
        grade=4,
        aid_type=AidType.EDUCATION,
        status=ChildStatus.AWAITING,
        registered_by=registered_by,
    )
    values.update(fields)
    if values.get("id_number"):
        values["id_tail"] = values["id_number"][-4:]
    if "guardian" not in values:
        values["guardian"] = make_guardian(collector=registered_by)
    child = Child(**values)
    child.hardships = hardships
    db.session.add(child)
    db.session.flush()
    return child


def make_pairing(
    sponsor: Sponsor | None = None,
    child: Child | None = None,
    status: PairingStatus = PairingStatus.ACTIVE,
    **fields,
) -> Pairing:
    pairing = Pairing(
        sponsor=sponsor or make_sponsor(), child=child or make_child(), status=status, **fields
    )
    db.session.add(pairing)
    db.session.flush()
    return pairing


def make_town(zone: Zone = Zone.COASTAL, **kw) -> Region:
    """Make a town of the test county in `zone`."""
    return make_region(level=RegionLevel.TOWN, parent=county(), zone=zone, **kw)


def make_village(town: Region | str | None = None, name: str | None = None, **kw) -> Region:
    """Make a village in `town`: a Region, or the name of a new town, or a new coastal town."""
    if isinstance(town, str):
        town = make_town(name=town)
    return make_region(name, level=RegionLevel.VILLAGE, parent=town or make_town(), **kw)


def resident_id(prefix17: str = "44132319900307123") -> str:
    """Return a resident ID number with a correct check digit for its first 17 characters."""
    from stdnum.cn import ric

    return prefix17 + ric.calc_check_digit(prefix17 + "0")


def make_portal_sponsor(
    region: Region | None = None, password: str = PASSWORD, **fields
) -> Sponsor:
    """Make a caring parent with a portal account whose login name is the mobile number.

    An email given here counts as confirmed by its owner (tests of confirmation make their own).
    """
    sponsor = make_sponsor(region=region, **fields)
    user = User(
        username=sponsor.mobile,
        display_name=sponsor.name,
        role=Role.SPONSOR,
        email=sponsor.email,
        email_confirmed_at=datetime(2026, 9, 1, tzinfo=UTC) if sponsor.email else None,
    )
    user.set_password(password)
    sponsor.user = user
    db.session.add(user)
    db.session.flush()
    return sponsor


def make_letter_sponsor(channel=None, **fields) -> Sponsor:
    """Make a sponsor who gets letters by `channel` (post by default), with an email and address."""
    from sponsorship.models.enums import Channel

    n = _n()
    values = dict(
        channel=channel or Channel.POST,
        email=f"parent{n}@example.org",
        address=f"人民路{n}号",
        name=f"王{n}丽",
    )
    values.update(fields)
    return make_sponsor(**values)


def make_pledge(
    pairing: Pairing | None = None,
    *,
    confirmed_at: datetime | None = None,
    frequency: PaymentFrequency = PaymentFrequency.YEARLY,
    amount_fen: int = 100_000,
):
    """Confirm a pairing (by default on 1 September 2026) and start its pledge."""
    from sponsorship.services.money.pledges import start_pledge

    if pairing is None:
        sponsor = make_sponsor(payment_frequency=frequency, pledge_per_child_fen=amount_fen)
        pairing = make_pairing(sponsor=sponsor)
    pairing.confirmed_at = confirmed_at or datetime(2026, 9, 1, 2, tzinfo=UTC)
    return start_pledge(pairing)


def make_donation(sponsor: Sponsor | None, amount_fen: int, **fields):
    """Record a bank transfer received on 1 October 2026 (remainder to credit by default)."""
    from sponsorship.services.money.donations import record_donation

    values = dict(
        sponsor=sponsor,
        amount_fen=amount_fen,
        received_on=date(2026, 10, 1),
        method=DonationMethod.BANK,
        remainder_to=RemainderTo.CREDIT,
    )
    values.update(fields)
    return record_donation(**values)


def make_paid_pairing(
    received_fen: int | None = None,
    *,
    pledge_fen: int = 100_000,
    child: Child | None = None,
    **child_fields,
) -> Pairing:
    """Make an active pairing confirmed on 1 September 2026 whose sponsor paid `received_fen`
    (the whole pledge by default) into its restricted fund."""
    sponsor = make_sponsor(pledge_per_child_fen=pledge_fen)
    pairing = make_pairing(sponsor=sponsor, child=child or make_child(**child_fields))
    pledge = make_pledge(pairing)
    received = pledge.amount_fen if received_fen is None else received_fen
    if received:
        make_donation(sponsor, received, received_on=date(2026, 8, 20))
    return pairing


def fund_general(amount_fen: int) -> None:
    """Put money in the general fund (a donation not tied to any pledge)."""
    make_donation(None, amount_fen, remainder_to=RemainderTo.GENERAL, received_on=date(2026, 8, 1))


def id_number(birth: date = date(2016, 3, 1), *, male: bool = False, area: str = "441323") -> str:
    """Return a valid resident ID for a birth date and gender (the order code varies per call)."""
    from stdnum.cn import ric

    order = (_n() % 499) * 2 + (1 if male else 0)
    body = f"{area}{birth:%Y%m%d}{order:03d}"
    return body + ric.calc_check_digit(body + "0")


def child_values(village: Region, **overrides) -> dict:
    """Return the raw values of a valid child and guardian, as the form or a sheet gives them."""
    values = {
        "name": "陈小雨",
        "gender": "female",
        "birth_date": "2016-03-01",
        "id_number": "",
        "region_id": village.id,
        "address": "新村 3 号",
        "school": "新村小学",
        "school_stage": "primary",
        "grade": "4",
        "aid_type": "education",
        "hardships": ["left_behind"],
        "family_situation": "父母在外务工",
        "guardian_name": "陈奶奶",
        "guardian_relation": "祖母",
        "guardian_mobile": "13800000000",
        "bank_name": "农商银行",
        "bank_account": "6228480000000000001",
        "consent_given_on": "2026-09-01",
    }
    values.update(overrides)
    return values
