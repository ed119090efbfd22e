"""The one source of "now": aware UTC, frozen by configuration in tests and demonstrations."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime (or the configured frozen time)."""
    if has_app_context():
        frozen = current_app.config.get("FROZEN_NOW")
        if isinstance(frozen, datetime):
            return frozen.astimezone(UTC)
        if isinstance(frozen, str) and frozen:
            return datetime.fromisoformat(frozen).astimezone(UTC)
    return datetime.now(UTC)


def local_zone() -> ZoneInfo:
    """Return the programme's time zone (Asia/Shanghai unless configured)."""
    name = current_app.config.get("TIMEZONE", "Asia/Shanghai") if has_app_context() else None
    return ZoneInfo(name or "Asia/Shanghai")


def localnow() -> datetime:
    """Return the current time in the programme's zone."""
    return utcnow().astimezone(local_zone())


def today() -> date:
    """Return today's date in the programme's zone."""
    return localnow().date()
