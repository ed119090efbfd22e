"""Caring parents (爱心父母): individuals and organisations who sponsor children."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sponsorship.clock import utcnow
from sponsorship.extensions import db
from sponsorship.models.enums import (
    AidPreference,
    Channel,
    ConsentMethod,
    Distance,
    Gender,
    PaymentFrequency,
    SponsorKind,
    SponsorStatus,
)
from sponsorship.models.region import Region
from sponsorship.models.types import UTCDateTime, str_enum
from sponsorship.models.user import User

#: Statuses from which an application may be approved: waiting, or rejected before.
APPROVABLE = (SponsorStatus.PENDING, SponsorStatus.REJECTED)


class Sponsor(db.Model):
    """A caring parent: who they are, which children they would help, what they pledge."""

    __tablename__ = "sponsors"
    __table_args__ = (
        sa.CheckConstraint("capacity BETWEEN 1 AND 10", name="capacity_range"),
        sa.CheckConstraint("pledge_per_child_fen >= 0", name="pledge_not_negative"),
        #: The reports' "recruited in a period".
        sa.Index("ix_sponsors_status_reviewed_at", "status", "reviewed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[SponsorKind] = mapped_column(str_enum(SponsorKind), default=SponsorKind.INDIVIDUAL)
    #: A person's name, or the unit's name for an organisation.
    name: Mapped[str] = mapped_column(sa.String(100))
    #: The contact person of an organisation.
    contact_name: Mapped[str | None] = mapped_column(sa.String(100))
    gender: Mapped[Gender | None] = mapped_column(str_enum(Gender))
    mobile: Mapped[str] = mapped_column(sa.String(20), unique=True)
    email: Mapped[str | None] = mapped_column(sa.String(255), index=True)
    address: Mapped[str] = mapped_column(sa.String(255), default="")
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("regions.id"), index=True)
    #: Optional resident ID number; unique when given.
    id_number: Mapped[str | None] = mapped_column(sa.String(18), unique=True)

    aid_preference: Mapped[AidPreference] = mapped_column(
        str_enum(AidPreference), default=AidPreference.ANY
    )
    distance: Mapped[Distance] = mapped_column(str_enum(Distance), default=Distance.SAME_COUNTY)
    child_gender: Mapped[Gender | None] = mapped_column(str_enum(Gender))
    #: How many children this caring parent wants to sponsor.
    capacity: Mapped[int] = mapped_column(default=1)
    pledge_per_child_fen: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    payment_frequency: Mapped[PaymentFrequency] = mapped_column(
        str_enum(PaymentFrequency), default=PaymentFrequency.YEARLY
    )
    channel: Mapped[Channel] = mapped_column(str_enum(Channel), default=Channel.POST)

    status: Mapped[SponsorStatus] = mapped_column(
        str_enum(SponsorStatus), default=SponsorStatus.PENDING, index=True
    )
    review_note: Mapped[str | None] = mapped_column(sa.Text)
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consent_version: Mapped[str | None] = mapped_column(sa.String(20))
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Online at sign-up, or on the signed paper form (倡议书回执) that staff entered.
    consent_method: Mapped[ConsentMethod] = mapped_column(
        str_enum(ConsentMethod), default=ConsentMethod.ONLINE, server_default="online"
    )
    #: The number staff wrote on a paper application, so the form can be found again; unique.
    paper_reference: Mapped[str | None] = mapped_column(sa.String(40), unique=True)
    #: The staff member who typed in a paper application (None for online sign-ups).
    entered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    withdraw_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The portal account, once the caring parent has one.
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: When the personal data was erased; approvals, pledges and donations stay as figures.
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    region: Mapped[Region] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    entered_by: Mapped[User | None] = relationship(foreign_keys=[entered_by_id])

    def __repr__(self) -> str:
        return f"<Sponsor {self.id} {self.name} {self.status}>"

    @property
    def approvable(self) -> bool:
        """Whether the application may be approved: pending, or rejected earlier."""
        return self.status in APPROVABLE
