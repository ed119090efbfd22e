"""Verify children and put them on the waiting list in bulk: one page, tick, one click."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from sponsorship.access import EDITORS, ensure_in_scope, roles_required
from sponsorship.extensions import db
from sponsorship.forms.children import BulkStatusForm
from sponsorship.models import Region
from sponsorship.services.children import bulk_status
from sponsorship.services.core.scope import towns_in_scope
from sponsorship.views.unit_of_work import attempt

bp = Blueprint("child_bulk", __name__, url_prefix="/children/bulk")
#: Names listed in a message before "and N more".
NAMES_SHOWN = 20


def _town() -> Region | None:
    town_id = request.args.get("town", type=int)
    if not town_id:
        return None
    town = db.get_or_404(Region, town_id)
    ensure_in_scope(town, f"town={town_id}")
    return town


@bp.route("/")
@roles_required(*EDITORS)
def index():
    """List the children to verify or to put on the waiting list, with a box to tick each."""
    town = _town()
    children = bulk_status.children_to_verify(current_user, town)
    return render_template(
        "child_bulk/index.html",
        children=children,
        capped=len(children) >= bulk_status.MAX_LISTED,
        towns=towns_in_scope(current_user),
        town=town,
        form=BulkStatusForm(),
    )


@bp.route("/", methods=["POST"])
@roles_required(*EDITORS)
def apply():
    """Verify the ticked children (and list them as waiting when asked); say who was refused."""
    form = BulkStatusForm()
    if not form.validate_on_submit():
        abort(400)
    ids = [int(i) for i in request.form.getlist("ids") if i.isdigit()]
    chosen = bulk_status.chosen_children(current_user, ids)
    and_open = request.form.get("action") == "verify_open"
    done = attempt(lambda: bulk_status.bulk_verify(chosen, by=current_user, and_open=and_open))
    if done:
        _report(done.value, ticked=len(ids))
    return redirect(url_for("child_bulk.index", **request.args))


def _names(children) -> str:
    names = "、".join(child.name for child in children[:NAMES_SHOWN])
    more = len(children) - NAMES_SHOWN
    return names + (_(" and %(n)d more", n=more) if more > 0 else "")


def _report(outcome: bulk_status.BulkOutcome, *, ticked: int) -> None:
    if not ticked:
        flash(_("Nothing changed: tick the children first."), "info")
        return
    if outcome.verified:
        flash(_("%(n)d children verified.", n=len(outcome.verified)), "success")
    if outcome.awaiting:
        flash(_("%(n)d children now wait for a caring parent.", n=len(outcome.awaiting)), "success")
    if outcome.own:
        flash(
            _(
                "You registered these %(n)d children yourself; another colleague must verify "
                "them: %(names)s",
                n=len(outcome.own),
                names=_names(outcome.own),
            ),
            "error",
        )
    if outcome.skipped:
        flash(
            _(
                "%(n)d children were left as they are (already further on): %(names)s",
                n=len(outcome.skipped),
                names=_names(outcome.skipped),
            ),
            "info",
        )
