"""Finance's side of a payout batch: the bank file, and what the bank paid or returned."""

from datetime import date

from flask import Blueprint, Response, current_app, flash
from flask_babel import gettext as _
from flask_login import current_user

from sponsorship.access import roles_required
from sponsorship.forms.payouts import ExportForm, PayAllForm, ReasonForm, ResultForm
from sponsorship.models import PayoutBatch
from sponsorship.models.enums import Role
from sponsorship.services.payouts import bank_file
from sponsorship.services.payouts.payments import mark_failed, request_payment
from sponsorship.services.payouts.results import apply_result
from sponsorship.views.downloads import attachment
from sponsorship.views.payouts import back, batch_or_404, payout_or_404, within_reach
from sponsorship.views.unit_of_work import attempt
from sponsorship.work import background as background_work

bp = Blueprint("payout_bank", __name__, url_prefix="/payouts")


def start_work(work_id: int) -> None:
    """Run queued background work beside this request (it was committed just now)."""
    background_work.start(current_app._get_current_object(), work_id)


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
    """Start marking the batch's payouts paid on the bank's date; the page shows the progress."""
    batch = batch_or_404(batch_id)
    form = PayAllForm()
    if not form.validate_on_submit():
        flash(_("Give the date the bank paid."), "error")
        return back(batch)
    if not within_reach(batch):
        return back(batch)
    done = attempt(
        lambda: request_payment(batch, paid_on=form.paid_on.data, by=current_user),
        success=_("Paying has started: the progress is shown on this page."),
    )
    if done:
        start_work(done.value.id)
    return back(batch)


@bp.route("/<int:batch_id>/result", methods=["POST"])
@roles_required(*FINANCE)
def result(batch_id: int):
    """Read the bank's result file: record the failures, pay the rest; lines done are skipped."""
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
    paid_on = form.paid_on.data
    done = attempt(lambda: _apply(batch, text, paid_on))
    if not done:
        return back(batch)
    applied, work = done.value
    flash(
        _(
            "From the bank's file: %(paid)d to mark paid, %(failed)d failed, "
            "%(skipped)d already recorded and skipped.",
            paid=len(applied.to_pay),
            failed=applied.failed,
            skipped=applied.skipped,
        ),
        "success",
    )
    if work is not None:
        start_work(work.id)
    return back(batch)


def _apply(batch: PayoutBatch, text: str, paid_on: date):
    # The failures are recorded in this request; the payments are queued with them.
    applied = apply_result(batch, text, by=current_user)
    work = None
    if applied.to_pay:
        work = request_payment(batch, paid_on=paid_on, only=applied.to_pay, by=current_user)
    return applied, work


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
