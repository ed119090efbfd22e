"""Rate-limit keys and refusals for the public forms: per address generously, per person strictly.

A recruitment event puts dozens of volunteers on one Wi-Fi, so one address may sign up many
people; one mobile number or ID number may not try again and again. Logins count failures only,
per login name and per address, so a family logging in from one router is never refused.
"""

from __future__ import annotations

import math
import re
import time

from flask import current_app, request
from flask_limiter import RequestLimit
from flask_limiter.util import get_remote_address

from sponsorship.extensions import limiter


def config_limit(name: str):
    """Return a callable reading the limit from the app's configuration at request time."""
    return lambda: current_app.config[name]


def _typed(field: str) -> str:
    """Return what was typed in `field`, without spaces and dashes, upper-cased ("" if nothing)."""
    return re.sub(r"[\s\-]", "", request.form.get(field, "")).upper()


def per_field(field: str):
    """Return (key_func, exempt_when) limiting by what was typed in a form field.

    The key names the field, so one person's mobile and ID numbers count apart; a post with the
    field left empty is not counted (the form itself refuses it or does not need it).
    """
    return (lambda: f"{field}:{_typed(field)}"), (lambda: not _typed(field))


def failed(response) -> bool:
    """Count a post only when it did not succeed (a success redirects)."""
    return response.status_code != 302


def minutes_until(limit: RequestLimit) -> int:
    """Return the whole minutes until the refused limit lets the next attempt through."""
    # reset_at is rounded up to the next whole second.
    return max(1, math.ceil((limit.reset_at - 1 - time.time()) / 60))


def limit_by_address(name: str, on_breach, **kw):
    """Limit POSTs by client address at the configured `name` limit."""
    return limiter.limit(
        config_limit(name), key_func=get_remote_address, methods=["POST"], on_breach=on_breach, **kw
    )


def limit_by_field(name: str, field: str, on_breach, **kw):
    """Limit POSTs by what was typed in `field` at the configured `name` limit."""
    key, exempt = per_field(field)
    return limiter.limit(
        config_limit(name),
        key_func=key,
        exempt_when=exempt,
        methods=["POST"],
        on_breach=on_breach,
        **kw,
    )
