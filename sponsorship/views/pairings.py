"""Pairings staff make by hand, the active pairings of their area, and ending one."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload

from sponsorship.access import EDITORS, ensure_in_scope, roles_required
from sponsorship.clock import today
from sponsorship.extensions import db
from sponsorship.forms.matching import EndPairingForm, ManualPairingForm
from sponsorship.models import Child, Pairing, Region, Sponsor
from sponsorship.models.enums import ChildStatus, PairingStatus, RegionLevel, SponsorStatus
from sponsorship.services.core.scope import in_scope, scope_path
from sponsorship.services.pairing import pairings
from sponsorship.views.child_audit import audit_child_view
from sponsorship.views.matching import pairing_confirmed, town_name
from sponsorship.views.unit_of_work import attempt

bp = Blueprint("pairings", __name__, url_prefix="/pairings")


@bp.route("/")
@roles_required(*EDITORS)
def index():
    """List the active pairings in the user's area, latest confirmed first."""
    stmt = (
        sa.select(Pairing)
        .join(Child, Child.id == Pairing.child_id)
        .where(Pairing.status == PairingStatus.ACTIVE)
        .options(joinedload(Pairing.sponsor), joinedload(Pairing.child).joinedload(Child.region))
        .order_by(Pairing.confirmed_at.desc(), Pairing.id.desc())
    )
    rows = db.session.scalars(in_scope(stmt, Child.region_id, current_user)).unique().all()
    return render_template("pairings/index.html", pairings=rows, town_name=town_name)


def _sponsor_choices() -> list[tuple[int, str]]:
    """Approved caring parents of the user's county with a free place."""
    active = (
        sa.select(sa.func.count())
        .where(Pairing.sponsor_id == Sponsor.id, Pairing.status == PairingStatus.ACTIVE)
        .scalar_subquery()
    )
    stmt = (
        sa.select(Sponsor)
        .where(Sponsor.status == SponsorStatus.APPROVED, active < Sponsor.capacity)
        .options(joinedload(Sponsor.region))
        .order_by(Sponsor.name, Sponsor.id)
    )
    scope = current_user.scope_region if scope_path(current_user) is not None else None
    county = scope.ancestor_at(RegionLevel.COUNTY) if scope is not None else None
    if county is not None:
        subtree = sa.select(Region.id).where(Region.path.startswith(county.path, autoescape=True))
        stmt = stmt.where(Sponsor.region_id.in_(subtree))
    return [(s.id, f"{s.name} · {town_name(s.region)}") for s in db.session.scalars(stmt)]


def _child_choices() -> list[tuple[int, str]]:
    """Children awaiting a caring parent in the user's scope, by given name only."""
    stmt = (
        sa.select(Child)
        .where(Child.status == ChildStatus.AWAITING)
        .options(joinedload(Child.region))
        .order_by(Child.id)
    )
    rows = db.session.scalars(in_scope(stmt, Child.region_id, current_user))
    return [(c.id, f"{c.given_name} (#{c.id}) · {c.region.full_name}") for c in rows]


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*EDITORS)
def manual():
    """Pair a caring parent with a waiting child by hand, confirmed at once."""
    form = ManualPairingForm()
    form.sponsor.choices = _sponsor_choices()
    form.child.choices = _child_choices()
    if form.validate_on_submit():
        child = db.session.get(Child, form.child.data)
        ensure_in_scope(child.region if child else None, f"child={form.child.data}")
        done = attempt(
            lambda: pairings.pair_by_hand(form.sponsor.data, form.child.data, by=current_user),
            success=pairing_confirmed,
            form=form,
            field="child",
        )
        if done:
            return redirect(url_for("pairings.index"))
    return render_template("pairings/manual.html", form=form)


@bp.route("/<int:pairing_id>/end", methods=["GET", "POST"])
@roles_required(*EDITORS)
def end(pairing_id: int):
    """End a pairing on a date with a reason; the child waits for a parent again."""
    pairing = db.get_or_404(Pairing, pairing_id)
    ensure_in_scope(pairing.child.region, f"pairing={pairing_id}")
    form = EndPairingForm()
    if not form.is_submitted():
        form.ended_on.data = today()
    if form.validate_on_submit():
        done = attempt(
            lambda: pairings.end(
                pairing_id, form.reason.data, by=current_user, on=form.ended_on.data
            ),
            success=_("Pairing ended; the child awaits a caring parent again."),
            form=form,
            field="reason",
        )
        if done:
            return redirect(url_for("pairings.index"))
    audit_child_view(pairing.child)
    return render_template("pairings/end.html", form=form, pairing=pairing)
