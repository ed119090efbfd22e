"""Personal-data requests (PIPL art. 44–47): a caring parent asks for their account to be closed
and their data erased; staff carry it out or refuse it with a reason."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sponsorship.clock import utcnow
from sponsorship.extensions import db
from sponsorship.models.sponsor import Sponsor
from sponsorship.models.types import UTCDateTime, str_enum
from sponsorship.models.user import User


class DataRequestKind(StrEnum):
    """What the person asked for."""

    #: Close the portal account and erase the personal data; money records stay anonymised.
    ERASURE = "erasure"


class DataRequestStatus(StrEnum):
    """A request waits for staff, then is done or refused (with a reason)."""

    OPEN = "open"
    DONE = "done"
    REFUSED = "refused"


_OPEN_SQL = sa.text("status = 'open'")


class DataRequest(db.Model):
    """One person's request about their personal data, and what staff did with it."""

    __tablename__ = "data_requests"
    __table_args__ = (
        # Asking twice while the first request waits adds nothing: one open request per kind.
        sa.Index(
            "uq_data_requests_open",
            "sponsor_id",
            "kind",
            unique=True,
            sqlite_where=_OPEN_SQL,
            postgresql_where=_OPEN_SQL,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[DataRequestKind] = mapped_column(str_enum(DataRequestKind))
    sponsor_id: Mapped[int] = mapped_column(sa.ForeignKey("sponsors.id"), index=True)
    status: Mapped[DataRequestStatus] = mapped_column(
        str_enum(DataRequestStatus), default=DataRequestStatus.OPEN, index=True
    )
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    handled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Why a request was refused (e.g. money still owed to the child), in staff's words.
    note: Mapped[str] = mapped_column(sa.Text, default="")

    sponsor: Mapped[Sponsor] = relationship()
    handled_by: Mapped[User | None] = relationship()
