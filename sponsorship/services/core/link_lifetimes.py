"""How long the links sent by letter stay valid: password reset and portal invitation."""

from __future__ import annotations

import math

from flask import current_app

from sponsorship.models.enums import LetterKind

#: The config key holding each link-carrying letter's lifetime in seconds.
CONFIG_KEYS = {
    LetterKind.PASSWORD_RESET: "PASSWORD_RESET_MAX_AGE",
    LetterKind.PORTAL_INVITATION: "PORTAL_INVITATION_MAX_AGE",
}


def max_age(kind: LetterKind) -> int:
    """Return how many seconds the link of a letter of `kind` stays valid."""
    return int(current_app.config[CONFIG_KEYS[kind]])


def valid_hours(kind: LetterKind) -> int:
    """Return the link's lifetime in whole hours, as the letter tells it (rounded up); 0 if none."""
    if kind not in CONFIG_KEYS:
        return 0
    return max(1, math.ceil(max_age(kind) / 3600))
