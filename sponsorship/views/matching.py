"""Matching: run the matcher, then confirm or reject its proposals, one by one or in bulk."""

from __future__ import annotations

from itertools import groupby

import sqlalchemy as sa
from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload

from sponsorship.access import EDITORS, ensure_in_scope, roles_required
from sponsorship.extensions import db
from sponsorship.forms.matching import ConfirmForm, ProposalsForm, RejectForm, RunMatchingForm
from sponsorship.models import Child, Pairing, Region
from sponsorship.models.enums import PairingStatus, RegionLevel
from sponsorship.request_input import database_ids
from sponsorship.services.core.scope import in_scope, scope_path
from sponsorship.services.pairing import pairings
from sponsorship.services.pairing.matching import run_matching
from sponsorship.views.unit_of_work import attempt

bp = Blueprint("matching", __name__, url_prefix="/matching")


def town_name(region: Region) -> str:
    """Return the name of the town a region lies in (or its own name)."""
    town = region.ancestor_at(RegionLevel.TOWN)
    return (town or region).name


def pairing_confirmed(pairing: Pairing) -> str:
    """Return the message that a pairing is confirmed, naming the parent and the child."""
    return _(
        "Pairing confirmed: %(sponsor)s and %(child)s.",
        sponsor=pairing.sponsor.name,
        child=pairing.child.given_name,
    )


def _proposals() -> list[tuple[str, list[Pairing]]]:
    """Return the proposals in the user's scope, grouped by the child's town."""
    stmt = (
        sa.select(Pairing)
        .join(Child, Child.id == Pairing.child_id)
        .where(Pairing.status == PairingStatus.PROPOSED)
        .options(
            joinedload(Pairing.sponsor),
            joinedload(Pairing.child).joinedload(Child.region).joinedload(Region.parent),
        )
        .order_by(Pairing.id)
    )
    rows = db.session.scalars(in_scope(stmt, Child.region_id, current_user)).unique().all()
    rows.sort(key=lambda p: (town_name(p.child.region), p.score or 0, p.id))
    return [
        (town, list(group))
        for town, group in groupby(rows, key=lambda p: town_name(p.child.region))
    ]


def _page(form: ProposalsForm, status: int = 200):
    groups = _proposals()
    return (
        render_template(
            "matching/proposals.html",
            groups=groups,
            total=sum(len(g) for _, g in groups),
            form=form,
            run_form=RunMatchingForm(),
        ),
        status,
    )


def _pairing_in_scope(pairing_id: int) -> Pairing:
    pairing = db.get_or_404(Pairing, pairing_id)
    ensure_in_scope(pairing.child.region, f"pairing={pairing_id}")
    return pairing


@bp.route("/")
@roles_required(*EDITORS)
def proposals():
    """List the matcher's proposals in the user's area, grouped by town."""
    return _page(ProposalsForm())


@bp.route("/run", methods=["POST"])
@roles_required(*EDITORS)
def run():
    """Run the matcher for the user's area and say how many proposals it made."""
    if not RunMatchingForm().validate_on_submit():
        abort(400)
    scope = current_user.scope_region if scope_path(current_user) is not None else None
    attempt(
        lambda: run_matching(scope, by=current_user),
        success=lambda summary: _(
            "Matching done: %(proposed)s proposals for %(children)s children awaiting; "
            "%(unmatched)s could not be matched yet.",
            proposed=summary.proposed,
            children=summary.children,
            unmatched=summary.unmatched,
        ),
    )
    return redirect(url_for("matching.proposals"))


@bp.route("/bulk", methods=["POST"])
@roles_required(*EDITORS)
def bulk():
    """Confirm the ticked proposals, or reject them with one reason."""
    form = ProposalsForm()
    if not form.validate_on_submit():
        return _page(form, 422)
    ids = database_ids(request.form.getlist("selected"))
    if not ids:
        form.reason.errors.append(_("Tick at least one proposal first."))
        return _page(form, 422)
    for pairing_id in ids:
        _pairing_in_scope(pairing_id)
    if form.reject.data:
        if not (form.reason.data or "").strip():
            form.reason.errors.append(_("Say why the ticked proposals are rejected."))
            return _page(form, 422)
        attempt(
            lambda: pairings.reject_many(ids, form.reason.data, by=current_user),
            success=lambda done: _("%(n)s proposals rejected.", n=len(done)),
        )
    else:
        attempt(
            lambda: pairings.confirm_many(ids, by=current_user),
            success=lambda done: _("%(n)s pairings confirmed.", n=len(done)),
        )
    return redirect(url_for("matching.proposals"))


@bp.route("/<int:pairing_id>/confirm", methods=["POST"])
@roles_required(*EDITORS)
def confirm(pairing_id: int):
    """Confirm one proposal, making the pairing active."""
    _pairing_in_scope(pairing_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    attempt(
        lambda: pairings.confirm(pairing_id, by=current_user),
        success=pairing_confirmed,
    )
    return redirect(url_for("matching.proposals"))


@bp.route("/<int:pairing_id>/reject", methods=["GET", "POST"])
@roles_required(*EDITORS)
def reject(pairing_id: int):
    """Reject one proposal with a reason, so it is not proposed again."""
    pairing = _pairing_in_scope(pairing_id)
    form = RejectForm()
    if form.validate_on_submit():
        done = attempt(
            lambda: pairings.reject(pairing_id, form.reason.data, by=current_user),
            success=_("Proposal rejected; it will not be proposed again."),
            form=form,
            field="reason",
        )
        if done:
            return redirect(url_for("matching.proposals"))
    return render_template("matching/reject.html", form=form, pairing=pairing)
