"""Access control: the role check and the region-scope check that every view uses."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort, request
from flask_login import current_user, login_required

from sponsorship.extensions import db
from sponsorship.models import Region
from sponsorship.models.enums import Role
from sponsorship.services.core import audit

#: Roles that may read the back office; changing anything needs more than VIEWER.
READERS = (Role.ADMIN, Role.STAFF, Role.FINANCE, Role.VIEWER)
EDITORS = (Role.ADMIN, Role.STAFF)


def _deny(status: int, detail: str) -> None:
    # The request is being refused: keep nothing it may have changed, but keep the audit trail.
    db.session.rollback()
    audit.record("access.denied", detail=f"{status} {request.method} {request.path} {detail}")
    db.session.commit()
    abort(status)


def roles_required(*roles: Role) -> Callable:
    """Let only logged-in users with one of `roles` through; others get 403 (audited)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                _deny(403, f"role={current_user.role}")
            return view(*args, **kwargs)

        return wrapped

    return decorator


def ensure_in_scope(region: Region | None, what: str = "") -> None:
    """Answer 404 (audited) when `region` lies outside the current user's scope."""
    if not current_user.can_see(region):
        refuse_out_of_scope(what)


def refuse_out_of_scope(what: str = "") -> None:
    """Answer 404 (audited) for a record the current user's scope does not reach."""
    _deny(404, f"out of scope {what}".strip())
