"""Write audit events in the caller's unit of work."""

from __future__ import annotations

from flask import has_request_context, request
from flask_login import current_user

from sponsorship.bulk_sql import insert_rows
from sponsorship.clock import utcnow
from sponsorship.extensions import db
from sponsorship.models import AuditEvent, User


def record(
    action: str,
    obj: object | None = None,
    *,
    detail: str = "",
    user: User | None = None,
    object_type: str | None = None,
    object_id: object | None = None,
) -> AuditEvent:
    """Add an audit event for `action` on `obj` by `user` (the current user by default)."""
    if user is None and has_request_context() and current_user.is_authenticated:
        user = current_user._get_current_object()
    if obj is not None:
        object_type = object_type or obj.__tablename__
        object_id = object_id if object_id is not None else obj.id
    event = AuditEvent(
        action=action,
        user=user,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        detail=detail[:2000],
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    return event


def record_many(
    action: str,
    object_type: str,
    events: list[tuple[object, str]],
    *,
    user: User | None = None,
) -> None:
    """Write many `action` events at once, one per (object id, detail), as `record` would.

    For bulk services: one multi-row INSERT instead of an object per event.
    """
    if not events:
        return
    if user is None and has_request_context() and current_user.is_authenticated:
        user = current_user._get_current_object()
    now = utcnow()
    ip = request.remote_addr if has_request_context() else None
    insert_rows(
        AuditEvent.__table__,
        [
            {
                "at": now,
                "action": action,
                "user_id": user.id if user else None,
                "object_type": object_type,
                "object_id": None if object_id is None else str(object_id),
                "detail": detail[:2000],
                "ip": ip,
            }
            for object_id, detail in events
        ],
    )
