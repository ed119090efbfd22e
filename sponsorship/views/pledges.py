"""Pledges: change a pledge's yearly amount from its next unpaid instalment (staff, admin)."""

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from sponsorship.access import EDITORS, ensure_in_scope, roles_required
from sponsorship.extensions import db
from sponsorship.forms.donations import PledgeAmountForm
from sponsorship.models import Pledge
from sponsorship.services.money import pledges
from sponsorship.views.child_audit import audit_child_view
from sponsorship.views.unit_of_work import attempt

bp = Blueprint("pledges", __name__, url_prefix="/pledges")


@bp.route("/<int:pledge_id>/amount", methods=["GET", "POST"])
@roles_required(*EDITORS)
def amount(pledge_id: int):
    """Change a pledge's yearly amount from its next unpaid instalment."""
    pledge = db.get_or_404(Pledge, pledge_id)
    ensure_in_scope(pledge.pairing.child.region, f"pledge {pledge_id}")
    form = PledgeAmountForm()
    if form.validate_on_submit():
        done = attempt(
            lambda: pledges.change_amount(
                pledge, form.amount.fen, reason=form.reason.data, by=current_user
            ),
            success=_("The pledge amount was changed from the next unpaid instalment."),
            form=form,
            field="amount",
        )
        if done:
            return redirect(url_for("statements.sponsor", sponsor_id=pledge.pairing.sponsor_id))
    audit_child_view(pledge.pairing.child)
    return render_template("pledges/amount.html", pledge=pledge, form=form)
