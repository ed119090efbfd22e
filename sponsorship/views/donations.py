"""Money in: record and reverse donations, enter bank statements in batches (finance, admin)."""

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from sponsorship.access import refuse_out_of_scope, roles_required
from sponsorship.clock import today
from sponsorship.extensions import db
from sponsorship.forms.donations import (
    BatchForm,
    CloseBatchForm,
    DonationForm,
    ImportForm,
    RefundForm,
    ReverseForm,
)
from sponsorship.models import Donation, DonationBatch, Sponsor
from sponsorship.models.enums import (
    DonationBatchStatus,
    DonationMethod,
    RemainderTo,
    Role,
    SponsorStatus,
)
from sponsorship.services.core import background
from sponsorship.services.core.scope import in_scope, reaches_everything
from sponsorship.services.money import bank_statements, credit, donation_batches, reach
from sponsorship.services.money.donations import record_donation, reverse_donation
from sponsorship.views.unit_of_work import attempt
from sponsorship.work import background as background_work

bp = Blueprint("donations", __name__, url_prefix="/donations")

#: Only finance and administrators handle money received.
MONEY_ROLES = (Role.FINANCE, Role.ADMIN)


def sponsor_choices() -> list[tuple[str, str]]:
    """Return the approved caring parents in the user's area, as choices of who gave money."""
    stmt = (
        sa.select(Sponsor.id, Sponsor.name, Sponsor.mobile)
        .where(Sponsor.status == SponsorStatus.APPROVED)
        .order_by(Sponsor.name, Sponsor.id)
    )
    rows = db.session.execute(in_scope(stmt, Sponsor.region_id, current_user))
    return [(str(id_), f"{name} ({mobile[-4:]})") for id_, name, mobile in rows]


def _batch_or_404(batch_id: int) -> DonationBatch:
    # Bank statements hold every town's lines: only for the whole county's colleagues.
    if not reaches_everything(current_user):
        abort(403)
    return db.get_or_404(DonationBatch, batch_id)


def _donation_or_404(donation_id: int) -> Donation:
    """Return a donation whose caring parent lies in the user's area, or answer 404 (audited)."""
    donation = db.get_or_404(Donation, donation_id)
    if not reach.sponsor_within(donation.sponsor, current_user):
        refuse_out_of_scope(f"donation={donation_id}")
    return donation


def _sponsor_or_404(sponsor_id: int) -> Sponsor:
    """Return a caring parent of the user's area, or answer 404 (audited)."""
    sponsor = db.get_or_404(Sponsor, sponsor_id)
    if not reach.sponsor_within(sponsor, current_user):
        refuse_out_of_scope(f"sponsor={sponsor_id}")
    return sponsor


def _may_record(form: DonationForm) -> bool:
    """Refuse (beside the caring-parent field) a donation landing outside the user's area."""
    sponsor = db.session.get(Sponsor, int(form.sponsor.data)) if form.sponsor.data else None
    remainder = RemainderTo(form.remainder_to.data)
    return bool(
        attempt(
            lambda: reach.ensure_may_record(sponsor, remainder, current_user),
            form=form,
            field="sponsor",
        )
    )


@bp.route("/")
@roles_required(*MONEY_ROLES)
def index():
    """List the latest 100 donations recorded, newest first."""
    stmt = sa.select(Donation).order_by(Donation.recorded_at.desc(), Donation.id.desc())
    if not reaches_everything(current_user):
        stmt = in_scope(stmt.join(Donation.sponsor), Sponsor.region_id, current_user)
    rows = db.session.scalars(stmt.limit(100)).all()
    return render_template("donations/index.html", donations=rows)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*MONEY_ROLES)
def new():
    """Record a donation, on its own or as a line of a bank-statement batch."""
    batch_id = request.args.get("batch", type=int)
    batch = _batch_or_404(batch_id) if batch_id else None
    form = DonationForm(sponsor_choices=sponsor_choices())
    if not form.is_submitted():
        form.received_on.data = today()
    if form.validate_on_submit() and _may_record(form):
        sponsor = db.session.get(Sponsor, int(form.sponsor.data)) if form.sponsor.data else None
        done = attempt(
            lambda: record_donation(
                sponsor=sponsor,
                amount_fen=form.amount.fen,
                received_on=form.received_on.data,
                method=DonationMethod(form.method.data),
                remainder_to=RemainderTo(form.remainder_to.data),
                bank_reference=form.bank_reference.data or "",
                campaign=form.campaign.data or "",
                donor_name=form.donor_name.data or "",
                note=form.note.data or "",
                batch=batch,
                by=current_user,
            ),
            success=lambda donation: _(
                "Donation recorded, receipt %(no)s.", no=donation.receipt_no
            ),
            form=form,
            field="amount",
        )
        if done and batch is not None:
            return redirect(url_for("donations.batch", batch_id=batch.id))
        if done:
            return redirect(url_for("donations.detail", donation_id=done.value.id))
    return render_template("donations/form.html", form=form, batch=batch)


@bp.route("/<int:donation_id>")
@roles_required(*MONEY_ROLES)
def detail(donation_id: int):
    """Show a donation with the form to reverse it."""
    donation = _donation_or_404(donation_id)
    return render_template("donations/detail.html", donation=donation, form=ReverseForm())


@bp.route("/<int:donation_id>/reverse", methods=["POST"])
@roles_required(*MONEY_ROLES)
def reverse(donation_id: int):
    """Reverse a donation, with the reason, and show it again."""
    donation = _donation_or_404(donation_id)
    form = ReverseForm()
    within = attempt(lambda: reach.ensure_donation_within(donation, current_user), form=form)
    if within and form.validate_on_submit():
        done = attempt(
            lambda: reverse_donation(donation, form.reason.data, by=current_user),
            success=_("Donation %(no)s reversed.", no=donation.receipt_no),
            form=form,
            field="reason",
        )
        if done:
            return redirect(url_for("donations.detail", donation_id=donation.id))
    return render_template("donations/detail.html", donation=donation, form=form), 422


@bp.route("/batches", methods=["GET", "POST"])
@roles_required(*MONEY_ROLES)
def batches_list():
    """List the latest donation batches and open a new one for a bank statement."""
    if not reaches_everything(current_user):
        abort(403)
    form = BatchForm()
    if form.validate_on_submit():
        done = attempt(
            lambda: donation_batches.open_batch(
                form.title.data, form.expected_count.data, form.expected_total.fen, by=current_user
            ),
            success=_("Batch opened: enter the statement's lines."),
            form=form,
            field="title",
        )
        if done:
            return redirect(url_for("donations.batch", batch_id=done.value.id))
    rows = db.session.scalars(
        sa.select(DonationBatch).order_by(DonationBatch.created_at.desc()).limit(50)
    ).all()
    return render_template("donations/batches.html", batches=rows, form=form)


@bp.route("/batches/<int:batch_id>")
@roles_required(*MONEY_ROLES)
def batch(batch_id: int):
    """Show a batch's lines and how they tally with the statement's count and total."""
    batch = _batch_or_404(batch_id)
    return render_template(
        "donations/batch.html",
        batch=batch,
        tally=donation_batches.tally(batch),
        close_form=CloseBatchForm(),
        import_form=ImportForm(),
        import_errors=[],
        work=background.latest(background.IMPORT_STATEMENT, batch.id),
    )


@bp.route("/batches/<int:batch_id>/close", methods=["POST"])
@roles_required(*MONEY_ROLES)
def batch_close(batch_id: int):
    """Close a batch and say whether its lines match the statement."""
    batch = _batch_or_404(batch_id)
    if not CloseBatchForm().validate_on_submit():
        abort(400)
    done = attempt(lambda: donation_batches.close_batch(batch, by=current_user))
    if done and done.value.matches:
        flash(_("Batch closed: the lines match the statement."), "success")
    elif done:
        flash(_("Batch closed with a mismatch: check the lines against the statement."), "error")
    return redirect(url_for("donations.batch", batch_id=batch.id))


@bp.route("/batches/<int:batch_id>/import", methods=["POST"])
@roles_required(*MONEY_ROLES)
def batch_import(batch_id: int):
    """Import a batch's lines from a CSV statement, or list the bad lines."""
    batch = _batch_or_404(batch_id)
    form = ImportForm()
    errors: list[str] = []
    if batch.status != DonationBatchStatus.OPEN:
        errors = [_("This batch is closed; open a new one.")]
    elif form.validate_on_submit():
        raw = form.file.data.read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("gb18030", errors="replace")
        # A sheet with bad lines stages none and returns them, so there is nothing to keep.
        done = attempt(
            lambda: bank_statements.request_import(batch, text, by=current_user),
            form=form,
            field="file",
        )
        work, errors = done.value if done else (None, [])
        if done and not errors:
            flash(
                _(
                    "%(n)d lines checked; they are being recorded, the progress is shown below.",
                    n=work.total,
                ),
                "success",
            )
            background_work.start(current_app._get_current_object(), work.id)
            return redirect(url_for("donations.batch", batch_id=batch.id))
    return (
        render_template(
            "donations/batch.html",
            batch=batch,
            tally=donation_batches.tally(batch),
            close_form=CloseBatchForm(),
            import_form=form,
            import_errors=errors,
            work=background.latest(background.IMPORT_STATEMENT, batch.id),
        ),
        422,
    )


@bp.route("/refunds/<int:sponsor_id>", methods=["POST"])
@roles_required(*MONEY_ROLES)
def refund(sponsor_id: int):
    """Refund part of a caring parent's credit and return to their statement."""
    sponsor = _sponsor_or_404(sponsor_id)
    form = RefundForm()
    if form.validate_on_submit():
        attempt(
            lambda: credit.refund_credit(
                sponsor, form.amount.fen, form.reason.data, by=current_user
            ),
            success=_("Refund recorded."),
        )
    else:
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
    return redirect(url_for("statements.sponsor", sponsor_id=sponsor.id))
