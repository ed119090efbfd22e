"""Donations (捐款到账), their allocations to instalments, and bank-statement batches."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sponsorship.clock import utcnow
from sponsorship.extensions import db
from sponsorship.models.enums import DonationBatchStatus, DonationMethod, RemainderTo
from sponsorship.models.pledge import Instalment
from sponsorship.models.sponsor import Sponsor
from sponsorship.models.types import UTCDateTime, str_enum
from sponsorship.models.user import User

#: Donations to the pairing programme itself: not earmarked to a campaign.
_PROGRAMME_SQL = sa.text("campaign_id IS NULL")


class DonationBatch(db.Model):
    """A bank statement's lines entered together, checked against its count and total."""

    __tablename__ = "donation_batches"
    __table_args__ = (
        sa.CheckConstraint("expected_count >= 0", name="count_not_negative"),
        sa.CheckConstraint("expected_total_fen >= 0", name="total_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(100))
    expected_count: Mapped[int]
    expected_total_fen: Mapped[int] = mapped_column(sa.BigInteger)
    status: Mapped[DonationBatchStatus] = mapped_column(
        str_enum(DonationBatchStatus), default=DonationBatchStatus.OPEN
    )
    #: Set on closing: True when the lines did not match the expected count or total.
    mismatch: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The campaign a batch of small gifts goes to; None for a bank statement's batch.
    campaign_id: Mapped[int | None] = mapped_column(sa.ForeignKey("campaigns.id"))

    created_by: Mapped[User | None] = relationship()
    donations: Mapped[list[Donation]] = relationship(back_populates="batch", order_by="Donation.id")


class Donation(db.Model):
    """Money received from a caring parent or a general donor, with its receipt number."""

    __tablename__ = "donations"
    __table_args__ = (
        sa.CheckConstraint("amount_fen > 0", name="amount_positive"),
        sa.CheckConstraint(
            "reversed = false OR reversal_reason IS NOT NULL", name="reversal_has_reason"
        ),
        sa.CheckConstraint(
            "sponsor_id IS NOT NULL OR remainder_to IN ('general', 'campaign')",
            name="anonymous_to_general",
        ),
        sa.CheckConstraint(
            "(campaign_id IS NOT NULL) = (remainder_to = 'campaign')", name="campaign_earmark"
        ),
        # Covers the reports' "raised in a period" sums without reading the rows. Partial:
        # the programme's figures leave out gifts earmarked to a campaign (they have their own).
        sa.Index(
            "ix_donations_received_cover",
            "received_on",
            "reversed",
            "amount_fen",
            "sponsor_id",
            sqlite_where=_PROGRAMME_SQL,
            postgresql_where=_PROGRAMME_SQL,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: HD-2026-000123: unique, sequential per year of receipt.
    receipt_no: Mapped[str] = mapped_column(sa.String(20), unique=True)
    #: The caring parent; None for an anonymous or general donor.
    sponsor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sponsors.id"), index=True)
    donor_name: Mapped[str] = mapped_column(sa.String(100), default="")
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger)
    received_on: Mapped[date] = mapped_column(sa.Date, index=True)
    method: Mapped[DonationMethod] = mapped_column(str_enum(DonationMethod))
    bank_reference: Mapped[str] = mapped_column(sa.String(100), default="")
    campaign: Mapped[str] = mapped_column(sa.String(100), default="")
    #: The campaign the gift is earmarked to (remainder_to CAMPAIGN: all of it goes there).
    campaign_id: Mapped[int | None] = mapped_column(sa.ForeignKey("campaigns.id"), index=True)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    remainder_to: Mapped[RemainderTo] = mapped_column(str_enum(RemainderTo))
    batch_id: Mapped[int | None] = mapped_column(sa.ForeignKey("donation_batches.id"), index=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reversed: Mapped[bool] = mapped_column(default=False)
    reversal_reason: Mapped[str | None] = mapped_column(sa.Text)
    reversed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reversed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    sponsor: Mapped[Sponsor | None] = relationship()
    batch: Mapped[DonationBatch | None] = relationship(back_populates="donations")
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])
    reversed_by: Mapped[User | None] = relationship(foreign_keys=[reversed_by_id])
    allocations: Mapped[list[Allocation]] = relationship(
        back_populates="donation", order_by="Allocation.id"
    )

    def __repr__(self) -> str:
        return f"<Donation {self.receipt_no} {self.amount_fen}>"


class Allocation(db.Model):
    """Money paying one instalment: part of a donation, or of the sponsor's credit.

    A donation's allocations are undone (never deleted) when the donation is reversed.
    """

    __tablename__ = "allocations"
    __table_args__ = (
        sa.UniqueConstraint("donation_id", "instalment_id"),
        sa.CheckConstraint("amount_fen > 0", name="amount_positive"),
        sa.CheckConstraint(
            "(donation_id IS NULL) = (from_credit = true)", name="donation_or_credit"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The donation paying; None when the sponsor's credit pays.
    donation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("donations.id"), index=True)
    from_credit: Mapped[bool] = mapped_column(default=False)
    #: The ledger transaction that moved the credit, for a payment from credit.
    transaction_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ledger_transactions.id"))
    instalment_id: Mapped[int] = mapped_column(sa.ForeignKey("instalments.id"), index=True)
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger)
    undone: Mapped[bool] = mapped_column(default=False)

    donation: Mapped[Donation | None] = relationship(back_populates="allocations")
    instalment: Mapped[Instalment] = relationship()


class ReceiptSequence(db.Model):
    """The last receipt number issued per year: one row per year, bumped atomically."""

    __tablename__ = "receipt_sequences"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)
