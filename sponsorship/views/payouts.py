"""Payout batches: staff build and adjust the draft, finance approves, exports and pays."""

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from sponsorship.access import READERS, ensure_in_scope, refuse_out_of_scope, roles_required
from sponsorship.clock import today
from sponsorship.extensions import db
from sponsorship.forms.payouts import (
    ActionForm,
    AddChildForm,
    BuildForm,
    BulkDecisionForm,
    CancelForm,
    ExportForm,
    IncludeForm,
    PayAllForm,
    ReasonForm,
    ResultForm,
)
from sponsorship.models import Payout, PayoutBatch, Region
from sponsorship.models.enums import Role
from sponsorship.services.core import background
from sponsorship.services.core.scope import in_scope, reaches_everything
from sponsorship.services.money.schedules import school_year_of
from sponsorship.services.payouts import bulk, campaign_payouts, figures, overview, reach, review
from sponsorship.services.payouts.build import (
    build_batch,
    left_out,
    left_out_message,
    open_adhoc_batch,
    period_key,
)
from sponsorship.views.unit_of_work import Audit, attempt

bp = Blueprint("payouts", __name__, url_prefix="/payouts")

#: Staff prepare batches; finance approves and pays them.
PREPARERS = (Role.STAFF, Role.ADMIN)
FINANCE = (Role.FINANCE,)
FILTERS = bulk.SHOWN
PAGE_SIZE = 100


def batch_or_404(batch_id: int) -> PayoutBatch:
    """Return the payout batch, or answer 404 (also when the user's area has no part in it)."""
    batch = db.get_or_404(PayoutBatch, batch_id)
    if not reach.batch_seen_by(batch, current_user):
        refuse_out_of_scope(f"payout batch {batch_id}")
    return batch


def payout_or_404(payout_id: int) -> Payout:
    """Return the payout, or answer 404 (also when outside the user's area)."""
    payout = db.get_or_404(Payout, payout_id)
    # The region as it was when proposed decides, as for the batch page's rows, its totals and
    # the bank file: a child who moves since stays the first town's in this batch.
    ensure_in_scope(db.session.get(Region, payout.region_id), f"payout {payout_id}")
    return payout


def within_reach(batch: PayoutBatch) -> bool:
    """Refuse, flash and audit a batch-level step on a batch reaching beyond the user's area."""
    return bool(
        attempt(
            lambda: reach.ensure_batch_within(batch, current_user),
            refusal=Audit("batch.out_of_scope", batch),
        )
    )


def back(batch: PayoutBatch, **kw):
    """Redirect to the batch's page, keeping the given query arguments."""
    return redirect(url_for("payouts.batch", batch_id=batch.id, **kw))


@bp.route("/", methods=["GET", "POST"])
@roles_required(*READERS)
def index():
    """List the payout batches and let staff build the next one, or an ad hoc one."""
    form = BuildForm()
    if not form.is_submitted():
        form.key.data = period_key(school_year_of(today()))
        form.cutoff_on.data = date(school_year_of(today()), 9, 1)
    if form.validate_on_submit():
        if current_user.role not in PREPARERS:
            abort(403)
        done = attempt(
            lambda: _build(form),
            success=_built,
            form=form,
            field="key",
        )
        if done:
            return back(done.value)
    return render_template(
        "payouts/index.html",
        batches=overview.batches_seen(current_user),
        form=form,
        can_build=current_user.role in PREPARERS,
        waiting=overview.awaiting_approval(current_user),
    )


def _built(batch: PayoutBatch) -> str:
    """Say the draft is ready, and how many children it left out because they were paid."""
    ready = _("Batch %(key)s is ready as a draft.", key=batch.key)
    skipped = left_out(batch) if batch.periodic else 0
    return f"{ready} {left_out_message(skipped)}" if skipped else ready


def _build(form: BuildForm) -> PayoutBatch:
    if form.adhoc.data:
        return open_adhoc_batch(
            form.key.data, cutoff=form.cutoff_on.data, note=form.note.data or "", by=current_user
        )
    reach.ensure_may_build_periodic(current_user)
    return build_batch(form.key.data, form.cutoff_on.data, by=current_user)


@bp.route("/<int:batch_id>")
@roles_required(*READERS)
def batch(batch_id: int):
    """Show the batch with its totals and payouts, filtered and paged."""
    batch = batch_or_404(batch_id)
    shown = request.args.get("show", "all")
    page = max(request.args.get("page", 1, type=int), 1)
    stmt = sa.select(Payout).where(Payout.batch_id == batch.id)
    if FILTERS.get(shown) is not None:
        stmt = stmt.where(FILTERS[shown])
    stmt = in_scope(stmt, Payout.region_id, current_user)
    payouts = db.paginate(stmt.order_by(Payout.id), page=page, per_page=PAGE_SIZE, error_out=False)
    if batch.campaign_id is not None:  # campaign beneficiaries' names: audited as their lists
        attempt(lambda: campaign_payouts.record_viewed(batch, len(payouts.items), by=current_user))
    return render_template(
        "payouts/batch.html",
        batch=batch,
        payouts=payouts,
        shown=shown,
        filters=list(FILTERS),
        # A town's user sees the town's part of a county batch, in the totals as in the rows.
        totals=figures.totals(batch, current_user),
        by_group=figures.by_group(batch, current_user),
        by_town=figures.by_town(batch, current_user),
        in_reach=reach.batch_within(batch, current_user),
        is_preparer=current_user.role in PREPARERS,
        is_finance=current_user.role in FINANCE,
        # The general fund is the county's: only its colleagues may cover a shortfall from it.
        may_draw_on_general_fund=reaches_everything(current_user),
        work=background.latest(background.PAY_BATCH, batch.id),
        action_form=ActionForm(),
        bulk_form=BulkDecisionForm(),
        cancel_form=CancelForm(),
        include_form=IncludeForm(),
        reason_form=ReasonForm(),
        add_form=AddChildForm(),
        export_form=ExportForm(),
        pay_form=PayAllForm(paid_on=today()),
        result_form=ResultForm(paid_on=today()),
    )


@bp.route("/<int:batch_id>/submit", methods=["POST"])
@roles_required(*PREPARERS)
def submit(batch_id: int):
    """Submit a draft batch for a finance colleague to approve."""
    batch = batch_or_404(batch_id)
    if ActionForm().validate_on_submit() and within_reach(batch):
        attempt(
            lambda: review.submit(batch, by=current_user),
            success=_("Submitted: a finance colleague can now approve it."),
        )
    return back(batch)


@bp.route("/<int:batch_id>/return", methods=["POST"])
@roles_required(*PREPARERS, *FINANCE)
def send_back(batch_id: int):
    """Send a submitted batch back to draft for changes."""
    batch = batch_or_404(batch_id)
    if ActionForm().validate_on_submit() and within_reach(batch):
        attempt(
            lambda: review.return_to_draft(batch, by=current_user),
            success=_("Sent back to draft for changes."),
        )
    return back(batch)


@bp.route("/<int:batch_id>/approve", methods=["POST"])
@roles_required(*FINANCE)
def approve(batch_id: int):
    """Approve a submitted batch for payment; a refusal is audited."""
    batch = batch_or_404(batch_id)
    if ActionForm().validate_on_submit() and within_reach(batch):
        attempt(
            lambda: review.approve(batch, by=current_user),
            success=_("Approved: download the bank file next."),
            refusal=Audit("batch.approval_refused", batch),
        )
    return back(batch)


@bp.route("/<int:batch_id>/cancel", methods=["POST"])
@roles_required(*PREPARERS, *FINANCE)
def cancel(batch_id: int):
    """Cancel a batch, with the reason."""
    batch = batch_or_404(batch_id)
    form = CancelForm()
    if not form.validate_on_submit():
        flash(_("Say why the batch is cancelled."), "error")
        return back(batch)
    if not within_reach(batch):
        return back(batch)
    attempt(
        lambda: review.cancel(batch, form.reason.data, by=current_user),
        success=_("The batch is cancelled."),
    )
    return back(batch)
