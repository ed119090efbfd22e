"""The administrator's audit log: who did what to which record, filterable."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, render_template, request
from sqlalchemy.orm import joinedload

from sponsorship.access import roles_required
from sponsorship.extensions import db
from sponsorship.models import AuditEvent, User
from sponsorship.models.enums import Role
from sponsorship.services.core import audit_words

bp = Blueprint("audit_log", __name__, url_prefix="/admin/audit")
PER_PAGE = 100


@bp.route("/")
@roles_required(Role.ADMIN)
def index():
    """List audit events, newest first, filtered by user, child or action."""
    user_id = request.args.get("user", type=int)
    child_id = request.args.get("child", type=int)
    action = request.args.get("action", "").strip()[:50]
    stmt = sa.select(AuditEvent)
    if user_id:
        stmt = stmt.where(AuditEvent.user_id == user_id)
    if child_id:
        stmt = stmt.where(
            AuditEvent.object_type == "children", AuditEvent.object_id == str(child_id)
        )
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    page = db.paginate(
        stmt.options(joinedload(AuditEvent.user)).order_by(AuditEvent.id.desc()),
        per_page=PER_PAGE,
        error_out=False,
    )
    users = db.session.scalars(
        sa.select(User).where(User.role != Role.SPONSOR).order_by(User.username)
    )
    actions = db.session.scalars(
        sa.select(AuditEvent.action).distinct().order_by(AuditEvent.action)
    )
    return render_template(
        "audit/index.html",
        page=page,
        users=list(users),
        actions=list(actions),
        selected={"user": user_id, "child": child_id, "action": action},
        words=audit_words,
        args={k: v for k, v in request.args.items() if k != "page"},
    )
