"""Backups that restore: take a consistent copy, prove it sound, keep a rotation, report its age.

A copy is written beside its final name as `.partial` and renamed only once checked, with a JSON
manifest (when, which engine, size, SHA-256, row counts, the ledger's verdict) next to it: a file
without a manifest is never taken for a good backup. Copies live under `instance/backups/` (or
BACKUP_DIR) and, when BACKUP_COPY_DIR names another disk, a second copy goes there too.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, current_app
from flask_babel import lazy_gettext as _l

from sponsorship.clock import local_zone, utcnow
from sponsorship.errors import DomainError
from sponsorship.extensions import db
from sponsorship.services.core import settings
from sponsorship.services.data import copies
from sponsorship.services.money import ledger_check, statements

PREFIX = "sponsorship-"
STAMP = "%Y%m%d-%H%M%S"
SUFFIXES = {"sqlite": ".db", "postgresql": ".dump"}
#: The dashboard warns when the last good backup is older than this.
STALE_AFTER = timedelta(days=2)


@dataclass(frozen=True)
class Backup:
    """One checked copy of the database and what its manifest says about it."""

    path: Path
    created_at: datetime
    engine: str
    size: int
    sha256: str
    counts: dict[str, int] = field(default_factory=dict)
    raised_fen: int = 0

    @property
    def manifest(self) -> Path:
        """Return the manifest file that vouches for the copy."""
        return manifest_of(self.path)


@dataclass(frozen=True)
class BackupHealth:
    """What the dashboard says about backups: the last good one and whether it is too old."""

    latest: Backup | None
    age: timedelta | None

    @property
    def stale(self) -> bool:
        """Tell whether there is no good backup, or the last one is older than two days."""
        return self.age is None or self.age > STALE_AFTER


def manifest_of(path: Path) -> Path:
    """Return the manifest's path for a backup file."""
    return path.with_name(path.name + ".json")


def backup_dir() -> Path:
    """Return the directory of the backups: BACKUP_DIR, else instance/backups."""
    configured = current_app.config.get("BACKUP_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "backups"


def copy_dir() -> Path | None:
    """Return the second directory (another disk) that receives each backup, if configured."""
    configured = current_app.config.get("BACKUP_COPY_DIR")
    return Path(configured) if configured else None


def create(now: datetime | None = None) -> Backup:
    """Copy the database consistently, check the copy, keep it and rotate; raise if unsound."""
    now = now or utcnow()
    url = db.engine.url
    engine = db.engine.dialect.name
    keeping = rotation_settings()
    # The copy is long and writes nothing through this session. On SQLite every transaction
    # starts as a writer (BEGIN IMMEDIATE), so the read of the settings just now holds the
    # write lock: end it before copying, or the web app and the letters job wait on us.
    db.session.rollback()
    directory = backup_dir()
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{PREFIX}{now.astimezone(local_zone()):{STAMP}}{SUFFIXES[engine]}"
    partial = target.with_name(target.name + ".partial")
    try:
        if engine == "sqlite":
            copies.copy_sqlite(copies.sqlite_file(url), partial)
            problems = copies.check_sqlite(partial)
            if not problems:
                found, counts, raised = probe(_read_only_sqlite(partial))
                problems += found
        else:
            with copies.exported_snapshot(db.engine) as snapshot:
                copies.pg_dump(url, partial, snapshot)
                problems, counts, raised = probe(url, snapshot=snapshot)
            problems += copies.check_pg_archive(partial, [t.name for t in _tables()])
        if problems:
            raise DomainError(
                _l("The backup failed its checks: %(problems)s", problems="; ".join(problems[:5]))
            )
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    backup = Backup(target, now, engine, target.stat().st_size, _sha256(target), counts, raised)
    _write_manifest(backup)
    for place in (directory, copy_dir()):
        if place is None:
            continue
        if place != directory:
            place.mkdir(parents=True, exist_ok=True)
            shutil.copy2(target, place / target.name)
            shutil.copy2(backup.manifest, place / backup.manifest.name)
        rotate(place, *keeping)
    return backup


def probe(url: sa.engine.URL | str, snapshot: str | None = None) -> tuple[list[str], dict, int]:
    """Run the ledger check and count every table's rows on another database (or a snapshot).

    A throw-away Flask app bound to that database gives the ledger service its own session,
    so the same `ledger verify` that guards production runs on the copy.
    """
    app = Flask("sponsorship.backup_probe")
    app.config.update(current_app.config)
    app.config["SQLALCHEMY_DATABASE_URI"] = (
        url if isinstance(url, str) else url.render_as_string(hide_password=False)
    )
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {}
    db.init_app(app)
    with app.app_context():
        try:
            if snapshot:
                db.session.execute(sa.text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
                db.session.execute(sa.text(f"SET TRANSACTION SNAPSHOT '{snapshot}'"))
            problems = ledger_check.verify()
            totals = statements.programme_totals()
            if not totals.reconciles:
                problems.append(
                    f"totals: raised {totals.raised_fen} != paid out {totals.paid_out_fen} "
                    f"+ held {totals.held_fen} + refunded {totals.refunded_fen}"
                )
            counts = {
                t.name: db.session.scalar(sa.select(sa.func.count()).select_from(t))
                for t in _tables()
            }
            return problems, counts, totals.raised_fen
        finally:
            db.session.remove()
            db.engine.dispose()


def _tables() -> list[sa.Table]:
    return list(db.metadata.sorted_tables)


def _read_only_sqlite(path: Path) -> str:
    # Read-only: the connection's WAL pragma must not turn the copy into a -wal pair.
    return f"sqlite:///file:{path.resolve()}?mode=ro&uri=true"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _write_manifest(backup: Backup) -> None:
    data = asdict(backup)
    data["path"] = backup.path.name
    data["created_at"] = backup.created_at.isoformat()
    backup.manifest.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")


def read(path: Path) -> Backup | None:
    """Return the backup a file's manifest vouches for, or None without a readable manifest."""
    try:
        data = json.loads(manifest_of(path).read_text(encoding="utf-8"))
        return Backup(
            path=path,
            created_at=datetime.fromisoformat(data["created_at"]),
            engine=data["engine"],
            size=int(data["size"]),
            sha256=data["sha256"],
            counts=dict(data.get("counts", {})),
            raised_fen=int(data.get("raised_fen", 0)),
        )
    except (OSError, ValueError, KeyError):
        return None


def list_backups(directory: Path | None = None) -> list[Backup]:
    """Return the good backups of a directory (the main one by default), newest first."""
    directory = directory or backup_dir()
    if not directory.is_dir():
        return []
    found = [read(p) for p in directory.iterdir() if _is_backup_name(p.name)]
    return sorted((b for b in found if b is not None), key=lambda b: b.created_at, reverse=True)


def _is_backup_name(name: str) -> bool:
    return name.startswith(PREFIX) and name.endswith(tuple(SUFFIXES.values()))


def health(now: datetime | None = None) -> BackupHealth:
    """Return the last good backup and its age, for the dashboard."""
    backups = list_backups()
    if not backups:
        return BackupHealth(None, None)
    latest = backups[0]
    return BackupHealth(latest, (now or utcnow()) - latest.created_at)


def keep(moments: list[datetime], daily: int, weekly: int) -> set[datetime]:
    """Return which backups a rotation keeps: the newest of each of the last `daily` days that
    have one, and of each of the last `weekly` ISO weeks; the newest backup always."""
    zone = local_zone()
    newest_first = sorted(moments, reverse=True)
    kept: set[datetime] = set(newest_first[:1])
    for bucket_of, wanted in (
        (lambda m: m.astimezone(zone).date(), daily),
        (lambda m: m.astimezone(zone).isocalendar()[:2], weekly),
    ):
        seen: list = []
        for moment in newest_first:
            bucket = bucket_of(moment)
            if bucket in seen:
                continue
            if len(seen) >= wanted:
                break
            seen.append(bucket)
            kept.add(moment)
    return kept


def rotation_settings() -> tuple[int, int]:
    """Return how many daily and weekly backups the rotation keeps (from the settings)."""
    return int(settings.get("backup.keep_daily")), int(settings.get("backup.keep_weekly"))


def rotate(directory: Path, daily: int, weekly: int) -> list[Path]:
    """Delete the backups of a directory the rotation no longer keeps; return what went."""
    backups = list_backups(directory)
    kept = keep([b.created_at for b in backups], daily, weekly)
    removed = []
    for backup in backups:
        if backup.created_at not in kept:
            backup.path.unlink(missing_ok=True)
            backup.manifest.unlink(missing_ok=True)
            removed.append(backup.path)
    return removed


def check_file(path: Path) -> list[str]:
    """Return what is wrong with a backup file before it is restored; empty if sound."""
    if not path.is_file():
        return [f"{path}: no such file"]
    known = read(path)
    problems = []
    if known is not None and known.sha256 != _sha256(path):
        problems.append(f"{path.name}: its contents changed since the backup was taken")
    if path.suffix == SUFFIXES["postgresql"]:
        problems += copies.check_pg_archive(path, [t.name for t in _tables()])
    else:
        problems += copies.check_sqlite(path)
    return problems
