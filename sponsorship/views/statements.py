"""Statements: programme totals, per caring parent, per child, overdue instalments."""

import sqlalchemy as sa
from flask import Blueprint, render_template, request
from flask_login import current_user

from sponsorship.access import READERS, ensure_in_scope, roles_required
from sponsorship.extensions import db
from sponsorship.forms.donations import RefundForm
from sponsorship.models import Child, Pairing, Sponsor
from sponsorship.models.enums import Role
from sponsorship.services.core.scope import in_scope
from sponsorship.services.money import statements
from sponsorship.views.child_audit import audit_child_view

bp = Blueprint("statements", __name__)


@bp.route("/statements/")
@roles_required(*READERS)
def programme():
    """Show the programme's money totals and what is held per pairing in the area."""
    held = statements.held_per_pairing(
        lambda stmt: in_scope(stmt.join(Pairing.child), Child.region_id, current_user)
    )
    return render_template(
        "statements/programme.html", totals=statements.programme_totals(), held=held
    )


@bp.route("/statements/sponsors")
@roles_required(*READERS)
def sponsors():
    """Find caring parents in the user's area by name or mobile number."""
    query = (request.args.get("q") or "").strip()
    rows = []
    if query:
        like = f"%{query}%"
        stmt = (
            sa.select(Sponsor)
            .where(sa.or_(Sponsor.name.ilike(like), Sponsor.mobile.contains(query)))
            .order_by(Sponsor.name, Sponsor.id)
            .limit(50)
        )
        rows = db.session.scalars(in_scope(stmt, Sponsor.region_id, current_user)).all()
    return render_template("statements/sponsors.html", sponsors=rows, query=query)


@bp.route("/statements/sponsors/<int:sponsor_id>")
@roles_required(*READERS)
def sponsor(sponsor_id: int):
    """Show a caring parent's statement; finance and admins can refund credit."""
    found = db.get_or_404(Sponsor, sponsor_id)
    ensure_in_scope(found.region, f"sponsor {sponsor_id}")
    refund_form = RefundForm() if current_user.role in (Role.FINANCE, Role.ADMIN) else None
    return render_template(
        "statements/sponsor.html",
        statement=statements.sponsor_statement(found),
        own=False,
        refund_form=refund_form,
    )


@bp.route("/my/statement")
@roles_required(Role.SPONSOR)
def mine():
    """Show the logged-in caring parent their own statement."""
    found = db.first_or_404(sa.select(Sponsor).where(Sponsor.user_id == current_user.id))
    return render_template(
        "statements/sponsor.html", statement=statements.sponsor_statement(found), own=True
    )


@bp.route("/statements/children/<int:child_id>")
@roles_required(*READERS)
def child(child_id: int):
    """Show the statement of the money for one child."""
    found = db.get_or_404(Child, child_id)
    ensure_in_scope(found.region, f"child {child_id}")
    statement = statements.child_statement(found)
    audit_child_view(found)
    return render_template("statements/child.html", statement=statement)


@bp.route("/statements/overdue")
@roles_required(*READERS)
def overdue():
    """List the overdue instalments in the user's area."""
    stmt = in_scope(statements.overdue_stmt(), Child.region_id, current_user)
    return render_template("statements/overdue.html", instalments=db.session.scalars(stmt).all())
