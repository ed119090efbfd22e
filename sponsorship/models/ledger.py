"""The ledger: append-only, double-entry; each money event is one transaction summing to 0."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sponsorship.clock import utcnow
from sponsorship.extensions import db
from sponsorship.models.enums import Account, TransactionKind
from sponsorship.models.types import UTCDateTime, str_enum
from sponsorship.models.user import User


class LedgerTransaction(db.Model):
    """One money event in the ledger: legs that sum to zero, never changed once posted."""

    __tablename__ = "ledger_transactions"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[TransactionKind] = mapped_column(str_enum(TransactionKind))
    #: The donation this transaction records or reverses.
    donation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("donations.id"), index=True)
    #: For a reversal: the transaction it cancels.
    reverses_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("ledger_transactions.id"), unique=True
    )
    #: What the transaction is, in words: a receipt number, a payout reference, a reason.
    memo: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    created_by: Mapped[User | None] = relationship()
    entries: Mapped[list[LedgerEntry]] = relationship(
        back_populates="transaction", order_by="LedgerEntry.id"
    )


class LedgerEntry(db.Model):
    """One leg: a signed amount on one account (positive: money in; negative: held or gone)."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        sa.CheckConstraint("amount_fen <> 0", name="amount_not_zero"),
        sa.CheckConstraint(
            "account <> 'restricted' OR pairing_id IS NOT NULL", name="restricted_has_pairing"
        ),
        sa.CheckConstraint(
            "account <> 'sponsor_credit' OR sponsor_id IS NOT NULL", name="credit_has_sponsor"
        ),
        sa.CheckConstraint(
            "account <> 'campaign' OR campaign_id IS NOT NULL", name="campaign_has_campaign"
        ),
        sa.Index("ix_ledger_entries_account_pairing", "account", "pairing_id"),
        # A campaign's figures add up its legs by transaction kind.
        sa.Index("ix_ledger_entries_account_campaign", "account", "campaign_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    transaction_id: Mapped[int] = mapped_column(sa.ForeignKey("ledger_transactions.id"), index=True)
    account: Mapped[Account] = mapped_column(str_enum(Account))
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger)
    pairing_id: Mapped[int | None] = mapped_column(sa.ForeignKey("pairings.id"))
    sponsor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sponsors.id"), index=True)
    #: The campaign whose fund a CAMPAIGN leg moves (set on other legs of its transactions too).
    campaign_id: Mapped[int | None] = mapped_column(sa.ForeignKey("campaigns.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    transaction: Mapped[LedgerTransaction] = relationship(back_populates="entries")

    @property
    def balance_key(self) -> str:
        """The name of the balance this leg moves."""
        return balance_key(self.account, self.pairing_id, self.sponsor_id, self.campaign_id)


def balance_key(
    account: Account,
    pairing_id: int | None,
    sponsor_id: int | None,
    campaign_id: int | None = None,
) -> str:
    """Name the balance a leg moves: one per pairing's fund, sponsor's credit, campaign's fund."""
    if account == Account.RESTRICTED:
        return f"{account}:{pairing_id}"
    if account == Account.SPONSOR_CREDIT:
        return f"{account}:{sponsor_id}"
    if account == Account.CAMPAIGN:
        return f"{account}:{campaign_id}"
    return str(account)


class AccountBalance(db.Model):
    """The running balance of one account (per pairing, per sponsor): always the sum of its legs."""

    __tablename__ = "account_balances"
    __table_args__ = (
        sa.Index("ix_account_balances_account", "account"),
        sa.CheckConstraint(
            "account NOT IN ('restricted', 'general', 'sponsor_credit', 'campaign') "
            "OR balance_fen <= 0",
            name="funds_never_overdrawn",
        ),
    )

    key: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    account: Mapped[Account] = mapped_column(str_enum(Account))
    pairing_id: Mapped[int | None] = mapped_column(sa.ForeignKey("pairings.id"), unique=True)
    sponsor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sponsors.id"), unique=True)
    campaign_id: Mapped[int | None] = mapped_column(sa.ForeignKey("campaigns.id"), unique=True)
    balance_fen: Mapped[int] = mapped_column(sa.BigInteger, default=0)


@event.listens_for(LedgerEntry, "before_update")
@event.listens_for(LedgerTransaction, "before_update")
@event.listens_for(LedgerEntry, "before_delete")
@event.listens_for(LedgerTransaction, "before_delete")
def _append_only(mapper, connection, target) -> None:
    raise RuntimeError("the ledger is append-only: post a reversing transaction instead")
