"""Run queued background work (paying a batch, importing a statement), committing each chunk.

Who runs it: the request that queued it starts a thread at once (`start`), and the scheduler
process's `background_work` job, every minute, takes any work still queued or whose heartbeat
stopped (a gunicorn worker recycled or killed mid-way, a crash). The work itself is safe to
re-run, chunk by chunk, so a second runner picks up exactly where the first stopped; the claim
(one UPDATE guarded by status and heartbeat) keeps two live runners off the same row.
"""

from __future__ import annotations

import logging
import threading
from datetime import date, timedelta

import sqlalchemy as sa
from flask import Flask

from sponsorship.clock import utcnow
from sponsorship.errors import DomainError, render
from sponsorship.extensions import db
from sponsorship.models import BackgroundWork
from sponsorship.services.core.background import IMPORT_STATEMENT, PAY_BATCH
from sponsorship.work.payments import pay_in_chunks
from sponsorship.work.statements import import_in_chunks

log = logging.getLogger(__name__)

#: A running work row whose heartbeat is older than this lost its runner; a chunk takes seconds.
STALE = timedelta(minutes=2)


def claim(work_id: int | None = None) -> BackgroundWork | None:
    """Take one piece of work (the given one, or the oldest waiting) for this runner, or None."""
    now = utcnow()
    waiting = sa.or_(
        BackgroundWork.status == "queued",
        sa.and_(BackgroundWork.status == "running", BackgroundWork.heartbeat_at < now - STALE),
    )
    if work_id is None:
        work_id = db.session.scalar(
            sa.select(BackgroundWork.id).where(waiting).order_by(BackgroundWork.id).limit(1)
        )
        if work_id is None:
            db.session.rollback()
            return None
    taken = db.session.execute(
        sa.update(BackgroundWork)
        .where(BackgroundWork.id == work_id, waiting)
        .values(status="running", heartbeat_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return db.session.get(BackgroundWork, work_id) if taken.rowcount == 1 else None


def run(work: BackgroundWork) -> None:
    """Run claimed work to its end, recording progress after every chunk and the outcome."""
    work_id, kind, target, params = work.id, work.kind, work.target_id, dict(work.params)
    by_id = work.requested_by_id
    start = work.done

    def progress(done: int) -> None:
        _update(work_id, done=start + done, heartbeat_at=utcnow())
        db.session.commit()

    try:
        if kind == PAY_BATCH:
            only = params.get("only")
            pay_in_chunks(
                target,
                paid_on=date.fromisoformat(params["paid_on"]),
                by_id=by_id,
                only=None if only is None else {int(k): v for k, v in only.items()},
                after_chunk=progress,
            )
        elif kind == IMPORT_STATEMENT:
            import_in_chunks(target, by_id=by_id, after_chunk=progress)
        else:
            raise ValueError(f"unknown background work {kind!r}")
    except DomainError as error:
        db.session.rollback()
        _update(work_id, status="failed", error=render(error, "zh"), finished_at=utcnow())
    except Exception as error:
        # Left "running": its heartbeat goes stale and the scheduler tries it again.
        db.session.rollback()
        log.exception("background work %s (%s %s) stopped", work_id, kind, target)
        _update(work_id, error=f"{type(error).__name__}: {error}"[:2000])
    else:
        _update(work_id, status="done", error=None, finished_at=utcnow())
    db.session.commit()


def _update(work_id: int, **values) -> None:
    db.session.execute(
        sa.update(BackgroundWork)
        .where(BackgroundWork.id == work_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def run_pending(limit: int = 10) -> int:
    """Claim and run waiting work until none is left (or `limit` pieces); return how many."""
    ran = 0
    while ran < limit and (work := claim()) is not None:
        run(work)
        ran += 1
    return ran


def start(app: Flask, work_id: int) -> None:
    """Run the work now, beside the request: in a thread, or inline when the app says so.

    Tests (and a single-threaded server) set BACKGROUND_WORK = "inline"; "scheduler" leaves
    it all to the scheduler process.
    """
    mode = app.config.get("BACKGROUND_WORK", "thread")
    if mode == "inline":
        if (work := claim(work_id)) is not None:
            run(work)
    elif mode == "thread":
        threading.Thread(target=_in_thread, args=(app, work_id), daemon=True).start()


def _in_thread(app: Flask, work_id: int) -> None:
    with app.app_context():
        try:
            if (work := claim(work_id)) is not None:
                run(work)
        finally:
            db.session.remove()
