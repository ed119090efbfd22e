"""Finance's side of a payout batch: the bank file, and what the bank paid or returned."""

from datetime import date

from flask import Blueprint, Response, flash
from flask_babel import gettext as _
from flask_login import current_user

from sponsorship.access import roles_required
from sponsorship.forms.payouts import ExportForm, PayAllForm, ReasonForm, ResultForm
from sponsorship.models import PayoutBatch
from sponsorship.models.enums import Role
from sponsorship.services.payouts import bank_file
from sponsorship.services.payouts.payments import mark_failed
from sponsorship.views.downloads import attachment
from sponsorship.views.payouts import back, batch_or_404, payout_or_404, within_reach
from sponsorship.views.unit_of_work import attempt
from sponsorship.work.payments import pay_in_chunks

bp = Blueprint("payout_bank", __name__, url_prefix="/payouts")

#: The bank file carries full account numbers: finance only.
FINANCE = (Role.FINANCE,)
MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@bp.route("/<int:batch_id>/export", methods=["POST"])
@roles_required(*FINANCE)
def export(batch_id: int):
    """Download the batch's bank file (CSV or Excel), with full account numbers."""
    batch = batch_or_404(batch_id)
    form = ExportForm()
    if not form.validate_on_submit() or not within_reach(batch):
        return back(batch)
    # The response is made inside the unit of work: the batch turns exported, and the download
    # is audited, only once the file and its headers exist.
    done = attempt(lambda: _download(batch, form.fmt.data))
    if not done:
        return back(batch)
    return done.value


def _download(batch: PayoutBatch, fmt: str) -> Response:
    data, name = bank_file.export(batch, fmt, by=current_user)
    fmt = name.rsplit(".", 1)[-1]
    return Response(
        data,
        mimetype=MEDIA[fmt],
        headers={"Content-Disposition": attachment(name, f"payouts-batch-{batch.id}.{fmt}")},
    )


@bp.route("/<int:batch_id>/pay", methods=["POST"])
@roles_required(*FINANCE)
def pay_all(batch_id: int):
    """Mark the batch's payouts paid on the bank's date and queue the letters."""
    batch = batch_or_404(batch_id)
    form = PayAllForm()
    if not form.validate_on_submit():
        flash(_("Give the date the bank paid."), "error")
        return back(batch)
    if not within_reach(batch):
        return back(batch)
    attempt(
        lambda: pay_in_chunks(batch.id, paid_on=form.paid_on.data, by_id=current_user.id),
        success=lambda paid: _("%(n)d payouts marked paid; the letters are queued.", n=paid),
    )
    return back(batch)


@bp.route("/<int:batch_id>/result", methods=["POST"])
@roles_required(*FINANCE)
def result(batch_id: int):
    """Read the bank's result file: record the failures, mark the rest paid."""
    batch = batch_or_404(batch_id)
    form = ResultForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
        return back(batch)
    if not within_reach(batch):
        return back(batch)
    raw = form.file.data.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030", errors="replace")
    read = attempt(lambda: _record_failures(batch, text))
    if not read:
        return back(batch)
    failed, listed = len(read.value.failed), read.value.paid
    # The failures are kept first: paying the rest commits chunk by chunk on its own.
    attempt(
        lambda: _pay_listed(batch, form.paid_on.data, listed),
        success=lambda paid: _(
            "%(paid)d paid and %(failed)d failed, from the bank's file.", paid=paid, failed=failed
        ),
    )
    return back(batch)


def _record_failures(batch: PayoutBatch, text: str) -> bank_file.Result:
    outcome = bank_file.parse_result(batch, text)
    for payout_id, reason in outcome.failed.items():
        payout = payout_or_404(payout_id)
        if payout.batch_id == batch.id:
            mark_failed(payout, reason, by=current_user)
    return outcome


@bp.route("/payout/<int:payout_id>/fail", methods=["POST"])
@roles_required(*FINANCE)
def failed(payout_id: int):
    """Mark one payout failed with the bank's reason, to pay in a later batch."""
    payout = payout_or_404(payout_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Say why the bank could not pay."), "error")
        return back(payout.batch)
    attempt(
        lambda: mark_failed(payout, form.reason.data, by=current_user),
        success=_("Marked failed: the child can be paid in a later batch."),
    )
    return back(payout.batch)


def _pay_listed(batch: PayoutBatch, paid_on: date, listed: dict[int, str]) -> int:
    if not listed:
        return 0
    return pay_in_chunks(batch.id, paid_on=paid_on, by_id=current_user.id, only=listed)
