"""Campaigns (专项活动): relief handouts and fundraising drives, each with its own fund.

A campaign's money lives in the ledger on the CAMPAIGN account (one balance per campaign); the
people it helps are its beneficiaries (children from the register, or adults imported from a
spreadsheet); gifts in kind and hand-overs of its money to another body are recorded beside.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sponsorship.clock import utcnow
from sponsorship.extensions import db
from sponsorship.models.child import Child
from sponsorship.models.enums import (
    BeneficiaryGroup,
    CampaignKind,
    CampaignStatus,
    Gender,
    HandoutMethod,
    HandoutStatus,
)
from sponsorship.models.ledger import LedgerTransaction
from sponsorship.models.region import Region
from sponsorship.models.types import UTCDateTime, str_enum
from sponsorship.models.user import User


class Campaign(db.Model):
    """A named campaign of the federation or of a town: a drive, a handout, or both."""

    __tablename__ = "campaigns"
    __table_args__ = (sa.UniqueConstraint("region_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    kind: Mapped[CampaignKind] = mapped_column(str_enum(CampaignKind))
    status: Mapped[CampaignStatus] = mapped_column(
        str_enum(CampaignStatus), default=CampaignStatus.OPEN
    )
    starts_on: Mapped[date] = mapped_column(sa.Date)
    ends_on: Mapped[date | None] = mapped_column(sa.Date)
    #: The owner: the county, or a town (a town's campaign is seen only within the town).
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("regions.id"))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    region: Mapped[Region] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])

    def __repr__(self) -> str:
        return f"<Campaign {self.id} {self.name} {self.status}>"

    @property
    def is_open(self) -> bool:
        """Whether money and people may still be added."""
        return self.status == CampaignStatus.OPEN


class CampaignBeneficiary(db.Model):
    """One person a campaign helps, once per campaign: a child of the register or an adult."""

    __tablename__ = "campaign_beneficiaries"
    __table_args__ = (
        # One person once per campaign: a child by the register, an adult by the ID number.
        sa.UniqueConstraint("campaign_id", "child_id"),
        sa.UniqueConstraint("campaign_id", "id_number"),
        sa.CheckConstraint("amount_fen >= 0", name="amount_not_negative"),
        sa.CheckConstraint("child_id IS NOT NULL OR id_number IS NOT NULL", name="identified"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id"), index=True)
    child_id: Mapped[int | None] = mapped_column(sa.ForeignKey("children.id"))
    name: Mapped[str] = mapped_column(sa.String(50))
    gender: Mapped[Gender | None] = mapped_column(str_enum(Gender))
    #: The resident ID (adults); never shown unmasked without a recorded reveal.
    id_number: Mapped[str | None] = mapped_column(sa.String(18))
    id_tail: Mapped[str | None] = mapped_column(sa.String(4))
    birth_date: Mapped[date | None] = mapped_column(sa.Date)
    #: The village or town the person lives in, for scope.
    region_id: Mapped[int | None] = mapped_column(sa.ForeignKey("regions.id"))
    address: Mapped[str] = mapped_column(sa.String(255), default="")
    group: Mapped[BeneficiaryGroup] = mapped_column("beneficiary_group", str_enum(BeneficiaryGroup))
    #: SENSITIVE (「两癌」 ...): shown only to users who record a reason, never in lists.
    health_condition: Mapped[str | None] = mapped_column(sa.String(100))
    mobile: Mapped[str | None] = mapped_column(sa.String(20))
    #: Who receives the money: the guardian for a child, the person herself otherwise.
    payee_name: Mapped[str] = mapped_column(sa.String(100), default="")
    bank_name: Mapped[str] = mapped_column(sa.String(100), default="")
    bank_account: Mapped[str] = mapped_column(sa.String(40), default="")
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    method: Mapped[HandoutMethod] = mapped_column(
        str_enum(HandoutMethod), default=HandoutMethod.CASH
    )
    status: Mapped[HandoutStatus] = mapped_column(
        str_enum(HandoutStatus), default=HandoutStatus.PENDING
    )
    signed_on: Mapped[date | None] = mapped_column(sa.Date)
    #: Why not signed for, or why the bank payment failed.
    status_note: Mapped[str] = mapped_column(sa.Text, default="")
    status_recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    #: The cash handout's posting.
    transaction_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("ledger_transactions.id"), unique=True
    )
    added_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str] = mapped_column(sa.Text, default="")

    campaign: Mapped[Campaign] = relationship()
    child: Mapped[Child | None] = relationship()
    region: Mapped[Region | None] = relationship()
    transaction: Mapped[LedgerTransaction | None] = relationship()
    added_by: Mapped[User | None] = relationship(foreign_keys=[added_by_id])
    status_recorded_by: Mapped[User | None] = relationship(foreign_keys=[status_recorded_by_id])

    def __repr__(self) -> str:
        return f"<CampaignBeneficiary {self.id} campaign={self.campaign_id} {self.status}>"


class CampaignGift(db.Model):
    """Gifts in kind (慰问品): a count of one thing and its total value."""

    __tablename__ = "campaign_gifts"
    __table_args__ = (
        sa.CheckConstraint("count > 0", name="count_positive"),
        sa.CheckConstraint("value_fen >= 0", name="value_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id"), index=True)
    beneficiary_id: Mapped[int | None] = mapped_column(sa.ForeignKey("campaign_beneficiaries.id"))
    description: Mapped[str] = mapped_column(sa.String(100))
    count: Mapped[int]
    #: The total value of the count.
    value_fen: Mapped[int] = mapped_column(sa.BigInteger)
    given_on: Mapped[date] = mapped_column(sa.Date)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    campaign: Mapped[Campaign] = relationship()
    beneficiary: Mapped[CampaignBeneficiary | None] = relationship()
    recorded_by: Mapped[User | None] = relationship()


class CampaignHandOver(db.Model):
    """A campaign's money handed on to another body (上缴县慈善总会), with its ledger movement."""

    __tablename__ = "campaign_hand_overs"
    __table_args__ = (sa.CheckConstraint("amount_fen > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id"), index=True)
    receiving_body: Mapped[str] = mapped_column(sa.String(100))
    reference: Mapped[str] = mapped_column(sa.String(100), default="")
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger)
    handed_on: Mapped[date] = mapped_column(sa.Date)
    transaction_id: Mapped[int] = mapped_column(
        sa.ForeignKey("ledger_transactions.id"), unique=True
    )
    note: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    campaign: Mapped[Campaign] = relationship()
    transaction: Mapped[LedgerTransaction] = relationship()
    recorded_by: Mapped[User | None] = relationship()
