"""A bank statement's lines, staged whole before they are recorded chunk by chunk."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from sponsorship.extensions import db


class StatementLine(db.Model):
    """One validated line of an imported statement; `donation_id` is set when it is recorded.

    The whole file is staged in one transaction, then recorded in chunks that each commit: a
    line with a donation is done, so a re-run after a crash records exactly the rest, and the
    unique donation id means no line can ever be recorded twice.
    """

    __tablename__ = "statement_lines"
    __table_args__ = (
        sa.UniqueConstraint("batch_id", "row", name="uq_statement_lines_batch_row"),
        sa.CheckConstraint("amount_fen > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(sa.ForeignKey("donation_batches.id"))
    #: The line's row in the file (the header is row 1), for messages.
    row: Mapped[int]
    received_on: Mapped[date] = mapped_column(sa.Date)
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger)
    reference: Mapped[str] = mapped_column(sa.String(100), default="")
    payer: Mapped[str] = mapped_column(sa.String(100), default="")
    mobile: Mapped[str] = mapped_column(sa.String(40), default="")
    #: The caring parent the line was matched to when staged; None: general fund.
    sponsor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sponsors.id"))
    donation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("donations.id"), unique=True)
