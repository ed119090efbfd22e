"""Children in difficulty (困境儿童) and their guardians (监护人)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sponsorship.clock import utcnow
from sponsorship.errors import DomainError
from sponsorship.extensions import db
from sponsorship.models.enums import (
    AidGroup,
    AidType,
    ChildStatus,
    ExitReason,
    Gender,
    Hardship,
    SchoolStage,
)
from sponsorship.models.region import Region
from sponsorship.models.types import UTCDateTime, str_enum
from sponsorship.models.user import User


class Guardian(db.Model):
    """The adult who consents for a child and receives the payouts."""

    __tablename__ = "guardians"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    #: Relation to the child, in words: 祖母, 母亲, 叔叔 ...
    relation: Mapped[str] = mapped_column(sa.String(30))
    mobile: Mapped[str | None] = mapped_column(sa.String(20))
    bank_name: Mapped[str | None] = mapped_column(sa.String(100))
    bank_account: Mapped[str | None] = mapped_column(sa.String(40))
    #: No child is registered without the guardian's recorded consent.
    consent_given_on: Mapped[date] = mapped_column(sa.Date)
    consent_collected_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When the personal data was erased (retention ran out, or at the guardian's request).
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    consent_collected_by: Mapped[User] = relationship()
    children: Mapped[list[Child]] = relationship(back_populates="guardian")


class ChildHardship(db.Model):
    """One hardship category of a child; a child may have several."""

    __tablename__ = "child_hardships"

    child_id: Mapped[int] = mapped_column(
        sa.ForeignKey("children.id", ondelete="CASCADE"), primary_key=True
    )
    category: Mapped[Hardship] = mapped_column(str_enum(Hardship), primary_key=True, index=True)


class Child(db.Model):
    """A child in difficulty on the register: school, aid type, guardian and status."""

    __tablename__ = "children"
    __table_args__ = (
        sa.CheckConstraint("grade IS NULL OR grade BETWEEN 1 AND 12", name="grade_range"),
        sa.Index("ix_children_status_region", "status", "region_id"),
        # Covers the register's filters and sort keys: a town's list is read from the index
        # alone, and only the 50 rows of the page are fetched from the table.
        sa.Index(
            "ix_children_list",
            "region_id",
            "status",
            "school_stage",
            "aid_type",
            "awaiting_since",
            "name",
            "birth_date",
            "grade",
            "hardship_mask",
            "id",  # PostgreSQL keeps no id in an index entry: an index-only scan needs it
        ),
        #: The dashboard's longest waits.
        sa.Index("ix_children_status_awaiting_since", "status", "awaiting_since"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(50), index=True)
    gender: Mapped[Gender] = mapped_column(str_enum(Gender))
    birth_date: Mapped[date] = mapped_column(sa.Date, index=True)
    #: Resident ID number, validated; shown masked unless revealed (and audited).
    id_number: Mapped[str | None] = mapped_column(sa.String(18), unique=True)
    #: The ID's last four characters, kept apart so staff can search by them with an index.
    id_tail: Mapped[str | None] = mapped_column(sa.String(4), index=True)
    #: The village (or town) the child lives in.
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("regions.id"), index=True)
    address: Mapped[str] = mapped_column(sa.String(255), default="")
    school: Mapped[str] = mapped_column(sa.String(100), default="")
    school_stage: Mapped[SchoolStage] = mapped_column(str_enum(SchoolStage))
    grade: Mapped[int | None]
    aid_type: Mapped[AidType] = mapped_column(str_enum(AidType), default=AidType.EDUCATION)
    family_situation: Mapped[str] = mapped_column(sa.Text, default="")
    #: The hardship categories again, one bit each (see `hardship_mask`), kept by the
    #: `hardships` setter: the register filters on it inside its covering index.
    hardship_mask: Mapped[int] = mapped_column(default=0, server_default="0")
    guardian_id: Mapped[int] = mapped_column(sa.ForeignKey("guardians.id"), index=True)

    status: Mapped[ChildStatus] = mapped_column(
        str_enum(ChildStatus), default=ChildStatus.REGISTERED
    )
    #: Since when the child has waited for a sponsor; the matcher favours long waits.
    awaiting_since: Mapped[date | None] = mapped_column(sa.Date, index=True)
    exit_reason: Mapped[ExitReason | None] = mapped_column(str_enum(ExitReason))
    exit_note: Mapped[str | None] = mapped_column(sa.Text)
    exited_on: Mapped[date | None] = mapped_column(sa.Date)
    registered_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    verified_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    #: When the personal data was erased; the figures (group, region, money) stay.
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    region: Mapped[Region] = relationship()
    guardian: Mapped[Guardian] = relationship(back_populates="children")
    hardship_rows: Mapped[list[ChildHardship]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )
    registered_by: Mapped[User] = relationship(foreign_keys=[registered_by_id])
    verified_by: Mapped[User | None] = relationship(foreign_keys=[verified_by_id])

    def __repr__(self) -> str:
        return f"<Child {self.id} {self.status}>"

    @property
    def hardships(self) -> list[Hardship]:
        """The child's hardship categories, in the enum's order."""
        return sorted((row.category for row in self.hardship_rows), key=list(Hardship).index)

    @hardships.setter
    def hardships(self, categories: list[Hardship]) -> None:
        wanted = set(categories)
        self.hardship_rows = [r for r in self.hardship_rows if r.category in wanted]
        have = {r.category for r in self.hardship_rows}
        for category in sorted(wanted - have, key=list(Hardship).index):
            self.hardship_rows.append(ChildHardship(category=category))
        self.hardship_mask = hardship_mask(wanted)

    @property
    def aid_group(self) -> AidGroup:
        """The report group the child counts in: primary, middle or fostering."""
        return aid_group_of(self.aid_type, self.school_stage)

    @property
    def given_name(self) -> str:
        """The name a sponsor may see: the given name without the family name."""
        return given_name(self.name)

    def mark_paired(self) -> None:
        """Record that a child awaiting a sponsor now has one."""
        if self.status != ChildStatus.AWAITING:
            raise DomainError(_l("Only a child awaiting a sponsor can pair."))
        self.status = ChildStatus.PAIRED

    def mark_unpaired(self, on: date) -> None:
        """Put a paired child back on the waiting list from `on` (their pairing has ended)."""
        if self.status != ChildStatus.PAIRED:
            raise DomainError(_l("Only a paired child can go back to awaiting a sponsor."))
        self.status = ChildStatus.AWAITING
        self.awaiting_since = on

    def age_on(self, day: date) -> int:
        """Return the child's age in whole years on `day`."""
        return age_on(self.birth_date, day)


def given_name(name: str) -> str:
    """The name a sponsor may see: the given name without the (one-character) family name."""
    return name[1:] if len(name) >= 2 else name


def age_on(birth_date: date, day: date) -> int:
    """Return the age in whole years on `day` of someone born on `birth_date`."""
    years = day.year - birth_date.year
    return years - ((day.month, day.day) < (birth_date.month, birth_date.day))


#: The bit of each hardship category in `Child.hardship_mask`: its place in the enum.
HARDSHIP_BITS = {category: 1 << index for index, category in enumerate(Hardship)}


def hardship_bit(category: Hardship) -> int:
    """Return the bit that stands for a hardship category in `Child.hardship_mask`."""
    return HARDSHIP_BITS[category]


def hardship_mask(categories) -> int:
    """Return the bits of a set of hardship categories."""
    mask = 0
    for category in categories:
        mask |= hardship_bit(category)
    return mask


def aid_group_of(aid_type: AidType, stage: SchoolStage) -> AidGroup:
    """Return the report group: fostering whatever the stage, else primary or middle by stage."""
    if aid_type == AidType.FOSTERING:
        return AidGroup.FOSTERING
    if stage in (SchoolStage.JUNIOR, SchoolStage.SENIOR):
        return AidGroup.MIDDLE
    return AidGroup.PRIMARY
