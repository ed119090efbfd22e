"""Settings an admin can change: standard aid amounts and other knobs, stored as JSON."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from sponsorship.clock import utcnow
from sponsorship.extensions import db
from sponsorship.models.types import UTCDateTime


class Setting(db.Model):
    """One admin-editable setting, stored as JSON under its key."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    value: Mapped[object] = mapped_column(sa.JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
