"""Disbursement batches (援助款发放批次) and their payouts: one per child and school year."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sponsorship.clock import utcnow
from sponsorship.extensions import db
from sponsorship.models.campaign import Campaign, CampaignBeneficiary
from sponsorship.models.child import Child
from sponsorship.models.enums import AidGroup, PayoutBatchStatus, PayoutDecision, PayoutStatus
from sponsorship.models.pairing import Pairing
from sponsorship.models.types import UTCDateTime, str_enum
from sponsorship.models.user import User

#: Statuses in which a batch's payouts may still change.
EDITABLE = (PayoutBatchStatus.DRAFT,)
#: Statuses from which a batch may be cancelled.
CANCELLABLE = (PayoutBatchStatus.DRAFT, PayoutBatchStatus.SUBMITTED)
#: Statuses in which the bank payment file may be downloaded (again).
EXPORTABLE = (PayoutBatchStatus.APPROVED, PayoutBatchStatus.EXPORTED)


_LIVE_SQL = sa.text("status <> 'cancelled'")
#: Payouts that pay (or are about to pay) a child: at most one per child and school year.
_PAYING_SQL = sa.text("decision = 'included' AND status IN ('proposed', 'paid')")
# A child's payouts have no beneficiary and no transaction until paid: the indexes on these
# columns leave those rows out. Nothing looks them up by a missing value, and each row left
# out is an index entry the build and every payment need not write.
_HAS_BENEFICIARY_SQL = sa.text("beneficiary_id IS NOT NULL")
_BENEFICIARY_PAYING_SQL = sa.text(
    "beneficiary_id IS NOT NULL AND decision = 'included' AND status IN ('proposed', 'paid')"
)
_HAS_TRANSACTION_SQL = sa.text("transaction_id IS NOT NULL")


class PayoutBatch(db.Model):
    """A batch of payouts to guardians, taken from draft through approval to the bank."""

    __tablename__ = "batches"
    __table_args__ = (
        # A cancelled batch frees its key: the period can be built again.
        sa.Index(
            "uq_batches_key_live",
            "key",
            unique=True,
            sqlite_where=_LIVE_SQL,
            postgresql_where=_LIVE_SQL,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: One per programme period ("2026-09"); ad-hoc batches get their own keys.
    key: Mapped[str] = mapped_column(sa.String(40), index=True)
    #: Pairings active on this day are paid; groups and standards are read as of this day.
    cutoff_on: Mapped[date] = mapped_column(sa.Date)
    #: True for the yearly September batch built from every active pairing.
    periodic: Mapped[bool] = mapped_column(default=True)
    status: Mapped[PayoutBatchStatus] = mapped_column(
        str_enum(PayoutBatchStatus), default=PayoutBatchStatus.DRAFT, index=True
    )
    note: Mapped[str] = mapped_column(sa.Text, default="")
    built_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    built_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    exported_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    exported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str | None] = mapped_column(sa.Text)
    #: The campaign whose bank handout this batch pays; None for an aid batch.
    campaign_id: Mapped[int | None] = mapped_column(sa.ForeignKey("campaigns.id"), index=True)

    built_by: Mapped[User | None] = relationship(foreign_keys=[built_by_id])
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    exported_by: Mapped[User | None] = relationship(foreign_keys=[exported_by_id])
    cancelled_by: Mapped[User | None] = relationship(foreign_keys=[cancelled_by_id])
    campaign: Mapped[Campaign | None] = relationship()

    def __repr__(self) -> str:
        return f"<Batch {self.key} {self.status}>"

    @property
    def editable(self) -> bool:
        """Whether the batch's payouts may still change: only in a draft."""
        return self.status in EDITABLE

    @property
    def cancellable(self) -> bool:
        """Whether the batch may still be cancelled: only as a draft or submitted."""
        return self.status in CANCELLABLE

    @property
    def exportable(self) -> bool:
        """Whether the bank file may be downloaded: approved, or exported before."""
        return self.status in EXPORTABLE


class Payout(db.Model):
    """One child's aid in a batch: the guardian's bank details and how the amount is funded."""

    __tablename__ = "payouts"
    __table_args__ = (
        sa.UniqueConstraint("batch_id", "child_id"),
        sa.Index(
            "uq_payouts_batch_id_beneficiary_id",
            "batch_id",
            "beneficiary_id",
            unique=True,
            sqlite_where=_HAS_BENEFICIARY_SQL,
            postgresql_where=_HAS_BENEFICIARY_SQL,
        ),
        sa.Index(
            "ix_payouts_beneficiary_id",
            "beneficiary_id",
            sqlite_where=_HAS_BENEFICIARY_SQL,
            postgresql_where=_HAS_BENEFICIARY_SQL,
        ),
        # At most one payout per ledger transaction.
        sa.Index(
            "uq_payouts_transaction_id",
            "transaction_id",
            unique=True,
            sqlite_where=_HAS_TRANSACTION_SQL,
            postgresql_where=_HAS_TRANSACTION_SQL,
        ),
        sa.CheckConstraint(
            "(child_id IS NULL) <> (beneficiary_id IS NULL)", name="child_or_beneficiary"
        ),
        sa.CheckConstraint("amount_fen > 0", name="amount_positive"),
        sa.CheckConstraint(
            "funded_fen >= 0 AND shortfall_fen >= 0 AND funded_fen + shortfall_fen = amount_fen",
            name="funding_adds_up",
        ),
        sa.Index("ix_payouts_batch_status", "batch_id", "decision", "status"),
        # Never two payouts for one child in a school year: a failed one is re-issued instead.
        sa.Index(
            "uq_payouts_child_year_paying",
            "child_id",
            "school_year",
            unique=True,
            sqlite_where=_PAYING_SQL,
            postgresql_where=_PAYING_SQL,
        ),
        # Never two live handouts by bank for one campaign beneficiary (one person once per
        # campaign): a failed or left-out one frees the person for another batch.
        sa.Index(
            "uq_payouts_beneficiary_paying",
            "beneficiary_id",
            unique=True,
            sqlite_where=_BENEFICIARY_PAYING_SQL,
            postgresql_where=_BENEFICIARY_PAYING_SQL,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(sa.ForeignKey("batches.id"))
    #: The pairing whose restricted fund pays; None for a child added by hand without one.
    pairing_id: Mapped[int | None] = mapped_column(sa.ForeignKey("pairings.id"))
    #: The child paid; None for a campaign beneficiary's payout.
    child_id: Mapped[int | None] = mapped_column(sa.ForeignKey("children.id"), index=True)
    #: The campaign beneficiary paid by the bank; None for a child's aid.
    beneficiary_id: Mapped[int | None] = mapped_column(sa.ForeignKey("campaign_beneficiaries.id"))
    #: The school year the payout is for (the batch's cut-off's), named by its first year.
    school_year: Mapped[int]
    #: The failed payout this one pays again (a re-issue). Not unique: a re-issue whose batch
    #: was cancelled is re-issued again; the child-and-year index stops a second payment.
    reissue_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("payouts.id"))
    #: The child's region (for scope) and town (for the batch's totals by town), as they were
    #: when proposed. Snapshots without a foreign key: regions are never deleted, and two more
    #: per-row constraint triggers would cost a second on a 100,000-payout build (PostgreSQL).
    region_id: Mapped[int]
    town_id: Mapped[int | None]
    #: None for a campaign beneficiary's payout: adults have no aid group.
    aid_group: Mapped[AidGroup | None] = mapped_column(str_enum(AidGroup))
    #: The guardian's bank details as they were when the payout was proposed.
    guardian_name: Mapped[str] = mapped_column(sa.String(100))
    bank_name: Mapped[str] = mapped_column(sa.String(100), default="")
    bank_account: Mapped[str] = mapped_column(sa.String(40), default="")
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger)
    #: The part the pairing's restricted fund covers; the rest is the shortfall.
    funded_fen: Mapped[int] = mapped_column(sa.BigInteger)
    shortfall_fen: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    flagged: Mapped[bool] = mapped_column(default=False)
    decision: Mapped[PayoutDecision] = mapped_column(
        str_enum(PayoutDecision), default=PayoutDecision.INCLUDED
    )
    decision_reason: Mapped[str] = mapped_column(sa.Text, default="")
    #: True when staff included a short payout and the general fund covers the shortfall.
    general_fund_cover: Mapped[bool] = mapped_column(default=False)
    added_by_hand: Mapped[bool] = mapped_column(default=False)
    status: Mapped[PayoutStatus] = mapped_column(
        str_enum(PayoutStatus), default=PayoutStatus.PROPOSED
    )
    bank_reference: Mapped[str | None] = mapped_column(sa.String(80))
    failure_reason: Mapped[str | None] = mapped_column(sa.Text)
    paid_on: Mapped[date | None] = mapped_column(sa.Date)
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The ledger transaction that paid it: one per payout (`uq_payouts_transaction_id`).
    transaction_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ledger_transactions.id"))

    batch: Mapped[PayoutBatch] = relationship()
    pairing: Mapped[Pairing | None] = relationship()
    child: Mapped[Child | None] = relationship()
    beneficiary: Mapped[CampaignBeneficiary | None] = relationship()
    reissue_of: Mapped[Payout | None] = relationship(remote_side=[id])

    def __repr__(self) -> str:
        return f"<Payout {self.id} batch={self.batch_id} child={self.child_id} {self.status}>"

    @property
    def reference(self) -> str:
        """The payment reference the bank file carries: batch key + payout id."""
        return payment_reference(self.batch.key, self.id)


def payment_reference(batch_key: str, payout_id: int) -> str:
    """Return the reference written on a bank payment line."""
    return f"{batch_key}-{payout_id}"
