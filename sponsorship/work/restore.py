"""Put a backup back in place of the live database, keeping the current one aside first.

Refused without the operator's explicit yes, and while a scheduler runs (its lock file on this
machine, or a job run in progress according to the database): a job writing into a database
that is being swapped would be lost, or worse, half-applied to the restored one.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError

from sponsorship.clock import local_zone, utcnow
from sponsorship.extensions import db
from sponsorship.models import JobRun
from sponsorship.models.enums import JobRunStatus
from sponsorship.services.data import backups, copies
from sponsorship.work.scheduler_lock import scheduler_running

#: A run started longer ago than this is presumed dead (the longest lease of any job).
LONGEST_LEASE = timedelta(hours=2)


class RestoreRefusedError(Exception):
    """The restore did not start; the message says why and what to do."""


@dataclass(frozen=True)
class Restored:
    """What a finished restore left: where the old database went, and the restored figures."""

    aside: Path
    problems: list[str]
    counts: dict[str, int]
    expected_counts: dict[str, int]

    @property
    def missing_rows(self) -> dict[str, tuple[int, int]]:
        """Return the tables whose row counts differ from the backup's manifest."""
        return {
            t: (n, self.counts.get(t, 0))
            for t, n in self.expected_counts.items()
            if self.counts.get(t, 0) != n
        }


def refusal(confirmed: bool) -> str | None:
    """Return why a restore may not start now, or None."""
    if not confirmed:
        return _(
            "Restoring replaces the whole database with the backup. Stop the web app and the "
            "scheduler, then run the command again with --yes."
        )
    if scheduler_running(current_app.instance_path):
        return _("The scheduler is running on this machine (flask jobs run): stop it first.")
    try:
        running = db.session.scalars(
            sa.select(JobRun.job_id).where(
                JobRun.status == JobRunStatus.RUNNING, JobRun.started_at > utcnow() - LONGEST_LEASE
            )
        ).all()
    except SQLAlchemyError:
        # The database is broken (why we restore): nothing can run on it; the lock file decides.
        running = []
    db.session.rollback()
    if running:
        return _(
            "Jobs are running now (%(jobs)s): stop every scheduler, or wait until they finish.",
            jobs=", ".join(sorted(set(running))),
        )
    return None


def restore(archive: Path, *, confirmed: bool) -> Restored:
    """Replace the live database with a checked backup; the current one is kept aside."""
    why = refusal(confirmed)
    if why:
        raise RestoreRefusedError(why)
    engine = db.engine.dialect.name
    if archive.suffix != backups.SUFFIXES[engine]:
        raise RestoreRefusedError(
            _(
                "%(file)s is not a backup of a %(engine)s database.",
                file=archive.name,
                engine=engine,
            )
        )
    problems = backups.check_file(archive)
    if problems:
        raise RestoreRefusedError(
            _("The backup is damaged: %(problems)s", problems="; ".join(problems))
        )
    expected = backups.read(archive)
    stamp = f"{utcnow().astimezone(local_zone()):{backups.STAMP}}"
    url = db.engine.url
    db.session.remove()
    db.engine.dispose()
    if engine == "sqlite":
        aside = _swap_sqlite(copies.sqlite_file(url), archive, stamp)
    else:
        aside = backups.backup_dir() / f"before-restore-{stamp}.dump"
        aside.parent.mkdir(parents=True, exist_ok=True)
        copies.pg_dump(url, aside)
        db.engine.dispose()
        copies.pg_restore(url, archive)
    db.engine.dispose()
    found, counts, _raised = backups.probe(url)
    return Restored(aside, found, counts, expected.counts if expected else {})


def _swap_sqlite(live: Path, archive: Path, stamp: str) -> Path:
    """Move the live file (and its -wal, -shm) aside and put a copy of the backup in its place."""
    aside = live.with_name(f"{live.name}.before-restore-{stamp}")
    incoming = live.with_name(live.name + ".restoring")
    shutil.copyfile(archive, incoming)
    for suffix in ("", "-wal", "-shm"):
        current = Path(f"{live}{suffix}")
        if current.exists():
            os.replace(current, f"{aside}{suffix}")
    os.replace(incoming, live)
    return aside
