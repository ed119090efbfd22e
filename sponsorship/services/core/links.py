"""Links that leave the site (in letters, emails and text messages): built from PUBLIC_URL only.

A link built from the request would carry whatever Host or X-Forwarded-Host the sender typed,
and a password-reset link pointing at an attacker's host hands them the account. So links are
built from the configured public address, the same in a request, a job or the command line.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def public_url(endpoint: str, **values) -> str:
    """Return the absolute address of `endpoint` under the configured PUBLIC_URL."""
    parts = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(
        parts.netloc, script_name=parts.path.rstrip("/") or "/", url_scheme=parts.scheme
    )
    return adapter.build(endpoint, values, force_external=True)
