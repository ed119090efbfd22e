"""Background work: paying a batch or importing a statement, outside the request that asked."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sponsorship.clock import utcnow
from sponsorship.extensions import db
from sponsorship.models.types import UTCDateTime
from sponsorship.models.user import User

#: Work not yet finished: at most one per (kind, target), enforced by the database.
LIVE = ("queued", "running")
_LIVE_SQL = sa.text("status IN ('queued', 'running')")


class BackgroundWork(db.Model):
    """One piece of long money work, its progress and its outcome, kept for the page to show.

    The work itself commits chunk by chunk and is safe to re-run; this row only says who asked,
    how far it got and whether it ended, so a reload (or another clerk) sees the same progress.
    """

    __tablename__ = "background_work"
    __table_args__ = (
        sa.Index(
            "uq_background_work_live",
            "kind",
            "target_id",
            unique=True,
            sqlite_where=_LIVE_SQL,
            postgresql_where=_LIVE_SQL,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "pay_batch" or "import_statement".
    kind: Mapped[str] = mapped_column(sa.String(30))
    #: The payout batch or donation batch it works on.
    target_id: Mapped[int]
    #: What the work needs besides its target (a date, listed payouts), as JSON.
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    #: queued, running, done or failed.
    status: Mapped[str] = mapped_column(sa.String(10), default="queued")
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(sa.Text)
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Moved on by every committed chunk: a running row whose heartbeat is old was orphaned.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    requested_by: Mapped[User | None] = relationship()
