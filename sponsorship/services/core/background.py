"""Ask for long money work to run in the background, and read how far it got.

A request only writes the work row (queued) and returns; `sponsorship.work.background` runs it
chunk by chunk, moving `done` and the heartbeat with every committed chunk, so the page shows
the same progress after a reload, to anyone. At most one unfinished piece of work per target
(the database's partial unique index decides a race between two presses).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from sponsorship.errors import DomainError
from sponsorship.extensions import db
from sponsorship.models import BackgroundWork, User
from sponsorship.models.background import LIVE
from sponsorship.services.core import audit

#: Paying a payout batch (params: paid_on, only), importing a statement into a donation batch.
PAY_BATCH = "pay_batch"
IMPORT_STATEMENT = "import_statement"


def unfinished(kind: str, target_id: int) -> BackgroundWork | None:
    """Return the queued or running work of `kind` on the target, if any."""
    return db.session.scalar(
        sa.select(BackgroundWork).where(
            BackgroundWork.kind == kind,
            BackgroundWork.target_id == target_id,
            BackgroundWork.status.in_(LIVE),
        )
    )


def latest(kind: str, target_id: int) -> BackgroundWork | None:
    """Return the newest work of `kind` on the target, finished or not (for the page)."""
    return db.session.scalar(
        sa.select(BackgroundWork)
        .where(BackgroundWork.kind == kind, BackgroundWork.target_id == target_id)
        .order_by(BackgroundWork.id.desc())
        .limit(1)
    )


def request(
    kind: str, target_id: int, *, total: int, params: dict | None = None, by: User | None = None
) -> BackgroundWork:
    """Queue work on the target; refuse while earlier work on it is unfinished."""
    if unfinished(kind, target_id) is not None:
        raise DomainError(_l("This work is already running; its progress is shown on the page."))
    work = BackgroundWork(
        kind=kind,
        target_id=target_id,
        params=params or {},
        status="queued",
        done=0,
        total=total,
        requested_by=by,
    )
    db.session.add(work)
    db.session.flush()
    audit.record(
        f"work.{kind}.requested", work, detail=f"target={target_id} total={total}", user=by
    )
    return work
