"""Read and change the admin's knobs; every knob has a default here, with its reason."""

from __future__ import annotations

from typing import Any

from sponsorship.extensions import db
from sponsorship.matching import setting_defaults
from sponsorship.models import Setting, User
from sponsorship.models.enums import AidGroup

#: Defaults for every setting. Amounts are integer fen.
DEFAULTS: dict[str, Any] = {
    # The yearly aid a child receives, per report group (the programme's standard amounts).
    f"standard_fen.{AidGroup.PRIMARY}": 100_000,
    f"standard_fen.{AidGroup.MIDDLE}": 150_000,
    f"standard_fen.{AidGroup.FOSTERING}": 300_000,
    # The matcher's main weights (matching.same_town, matching.hardship.orphan ...): their
    # defaults and the reason for each live in sponsorship/matching/weights.py.
    **setting_defaults(),
}


def get(key: str) -> Any:
    """Return the value of a setting, or its default."""
    row = db.session.get(Setting, key)
    if row is not None:
        return row.value
    return DEFAULTS[key]


def put(key: str, value: Any, *, by: User | None = None) -> None:
    """Change a setting."""
    if key not in DEFAULTS:
        raise KeyError(key)
    row = db.session.get(Setting, key)
    if row is None:
        row = Setting(key=key, value=value)
        db.session.add(row)
    row.value = value
    row.updated_by_id = by.id if by else None
    db.session.flush()


def standard_fen(group: AidGroup) -> int:
    """Return the standard yearly amount for a report group, in fen."""
    return int(get(f"standard_fen.{group}"))
