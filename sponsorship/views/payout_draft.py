"""Staff's side of a draft batch: add a child, and include or leave out payouts, one at a time
or many at once."""

import sqlalchemy as sa
from flask import Blueprint, flash, request
from flask_babel import gettext as _
from flask_login import current_user

from sponsorship.access import roles_required
from sponsorship.extensions import db
from sponsorship.forms.payouts import AddChildForm, BulkDecisionForm, IncludeForm, ReasonForm
from sponsorship.models import Child
from sponsorship.request_input import database_ids
from sponsorship.services.core.scope import in_scope
from sponsorship.services.payouts import bulk, review
from sponsorship.views.payouts import PREPARERS, back, batch_or_404, payout_or_404
from sponsorship.views.unit_of_work import attempt

bp = Blueprint("payout_draft", __name__, url_prefix="/payouts")


@bp.route("/<int:batch_id>/add", methods=["POST"])
@roles_required(*PREPARERS)
def add_child(batch_id: int):
    """Add a child, found by name or register number, to the batch."""
    batch = batch_or_404(batch_id)
    form = AddChildForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
        return back(batch)
    wanted = form.child.data.strip()
    wanted_id = (database_ids([wanted]) or [-1])[0]
    found = list(
        db.session.scalars(
            in_scope(
                sa.select(Child).where(sa.or_(Child.name == wanted, Child.id == wanted_id)),
                Child.region_id,
                current_user,
            ).limit(2)
        )
    )
    if len(found) != 1:
        flash(
            _("No child found with that name or number.")
            if not found
            else _("Several children have that name: use the register number."),
            "error",
        )
        return back(batch)
    child = found[0]
    amount = getattr(form.amount, "fen", None) if form.amount.data else None
    attempt(
        lambda: review.add_child(batch, child, amount_fen=amount, by=current_user),
        success=_("%(name)s is added to the batch.", name=child.name),
    )
    return back(batch)


@bp.route("/payout/<int:payout_id>/include", methods=["POST"])
@roles_required(*PREPARERS)
def include(payout_id: int):
    """Include a held or excluded payout, from the general fund if asked."""
    payout = payout_or_404(payout_id)
    form = IncludeForm()
    if form.validate_on_submit():
        attempt(
            lambda: review.include(payout, general_fund=form.general_fund.data, by=current_user),
            success=_("The payout is included."),
        )
    return back(payout.batch, show=request.args.get("show", "all"))


@bp.route("/payout/<int:payout_id>/exclude", methods=["POST"])
@roles_required(*PREPARERS)
def exclude(payout_id: int):
    """Leave a payout out of the batch, with the reason."""
    payout = payout_or_404(payout_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Say why this payout is left out."), "error")
        return back(payout.batch)
    attempt(
        lambda: review.exclude(payout, form.reason.data, by=current_user),
        success=_("The payout is excluded."),
    )
    return back(payout.batch, show=request.args.get("show", "all"))


@bp.route("/<int:batch_id>/decide", methods=["POST"])
@roles_required(*PREPARERS)
def decide(batch_id: int):
    """Include or exclude many payouts at once: those ticked, or all the filter shows."""
    batch = batch_or_404(batch_id)
    shown = request.args.get("show", "all")
    form = BulkDecisionForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
        return back(batch, show=shown)
    ids = None if form.everything.data else request.form.getlist("ids", type=int)
    if ids == []:
        flash(_("Tick the payouts to decide, or choose every payout the filter shows."), "error")
        return back(batch, show=shown)
    attempt(
        lambda: bulk.decide(
            batch,
            form.action.data,
            by=current_user,
            ids=ids,
            shown=shown,
            general_fund=form.general_fund.data,
            reason=form.reason.data or "",
        ),
        success=_decided,
    )
    return back(batch, show=shown)


def _decided(decided: bulk.Decided) -> str:
    """Say how many payouts changed, and name those left as they were (the first few)."""
    said = _("%(count)d payouts decided.", count=decided.changed)
    if decided.refused:
        left = "; ".join(str(m) for m in decided.refused[:5])
        more = len(decided.refused) - 5
        said += " " + _("Left as they were: %(list)s", list=left)
        if more > 0:
            said += " " + _("and %(count)d more.", count=more)
    return said
