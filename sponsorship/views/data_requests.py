"""Staff's side of personal-data requests: caring parents' erasure requests, and a guardian's
requests about a child (the record as a file, withdrawal of consent, erasure)."""

from __future__ import annotations

import io

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from sponsorship.access import EDITORS, ensure_in_scope, roles_required
from sponsorship.clock import today
from sponsorship.extensions import db
from sponsorship.forms.data_requests import ChildErasureForm, ChildRecordForm, DecisionForm
from sponsorship.models import DataRequest, Sponsor
from sponsorship.models.data_request import DataRequestStatus
from sponsorship.services.core.scope import in_scope
from sponsorship.services.data import files
from sponsorship.services.data.child_requests import ErasureGround, child_record, erase_child
from sponsorship.services.data.sponsor_requests import carry_out_erasure, refuse_erasure
from sponsorship.views.children import XLSX, get_child
from sponsorship.views.unit_of_work import attempt

bp = Blueprint("data_requests", __name__)


def _requests(status: DataRequestStatus, limit: int | None = None) -> list[DataRequest]:
    stmt = in_scope(
        sa.select(DataRequest)
        .join(Sponsor, DataRequest.sponsor_id == Sponsor.id)
        .where(DataRequest.status == status)
        .order_by(DataRequest.requested_at.desc(), DataRequest.id.desc()),
        Sponsor.region_id,
        current_user,
    )
    return list(db.session.scalars(stmt.limit(limit) if limit else stmt))


@bp.route("/data-requests/")
@roles_required(*EDITORS)
def index():
    """List the erasure requests waiting for staff, and the latest ones dealt with."""
    handled = _requests(DataRequestStatus.DONE, 20) + _requests(DataRequestStatus.REFUSED, 20)
    return render_template(
        "data_requests/index.html",
        waiting=_requests(DataRequestStatus.OPEN),
        handled=sorted(handled, key=lambda r: r.handled_at, reverse=True)[:20],
        form=DecisionForm(),
    )


@bp.route("/data-requests/<int:request_id>", methods=["POST"])
@roles_required(*EDITORS)
def decide(request_id: int):
    """Carry out or refuse one erasure request."""
    request = db.get_or_404(DataRequest, request_id)
    ensure_in_scope(request.sponsor.region, f"data_request={request_id}")
    form = DecisionForm()
    if form.validate_on_submit():
        if form.refuse.data:
            attempt(
                lambda: refuse_erasure(request, form.note.data or "", by=current_user),
                success=_("The request is refused; the reason is recorded."),
            )
        else:
            attempt(
                lambda: carry_out_erasure(request, by=current_user),
                success=_("The caring parent's pairings ended and the data is erased."),
            )
    return redirect(url_for("data_requests.index"))


@bp.route("/children/<int:child_id>/record.<fmt>", methods=["POST"])
@roles_required(*EDITORS)
def child_record_file(child_id: int, fmt: str):
    """Produce the child's whole record as a file for the guardian (audited as a reveal)."""
    child = get_child(child_id)
    form = ChildRecordForm()
    write = files.as_json if fmt == "json" else files.as_xlsx
    if not form.validate_on_submit():
        flash(_("The page was open too long; try again."), "error")
        return redirect(url_for("children.detail", child_id=child_id))
    done = attempt(lambda: write(child_record(child, by=current_user)))
    if not done:
        return redirect(url_for("children.detail", child_id=child_id))
    name = f"child-{child.id}-{today():%Y%m%d}.{'json' if fmt == 'json' else 'xlsx'}"
    mimetype = "application/json" if fmt == "json" else XLSX
    return send_file(
        io.BytesIO(done.value), as_attachment=True, download_name=name, mimetype=mimetype
    )


@bp.route("/children/<int:child_id>/erase", methods=["GET", "POST"])
@roles_required(*EDITORS)
def child_erase(child_id: int):
    """A guardian withdraws consent or asks for erasure: end the pairing, anonymise the record."""
    child = get_child(child_id)
    form = ChildErasureForm()
    if form.validate_on_submit():
        done = attempt(
            lambda: erase_child(child, ErasureGround(form.ground.data), by=current_user),
            success=_("The pairing has ended and the child's personal data is erased."),
            form=form,
            field="ground",
        )
        if done:
            return redirect(url_for("children.detail", child_id=child_id))
    status = 422 if form.is_submitted() else 200
    return render_template("data_requests/child_erase.html", child=child, form=form), status
