"""A campaign's money (finance, admin): gifts, batches of small gifts, grants, hand-overs."""

from __future__ import annotations

import io

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from sponsorship.access import refuse_out_of_scope, roles_required
from sponsorship.clock import today
from sponsorship.extensions import db
from sponsorship.forms.campaigns import (
    GiftBatchForm,
    GiftForm,
    GiftLinesForm,
    GiftSheetForm,
    GrantForm,
    HandOverForm,
)
from sponsorship.forms.donations import CloseBatchForm, ReverseForm
from sponsorship.models import Donation, DonationBatch, Sponsor
from sponsorship.models.enums import Account, DonationMethod
from sponsorship.services.campaigns import fund, gift_batches
from sponsorship.services.core.scope import reaches_everything
from sponsorship.services.money import donation_batches, ledger, reach
from sponsorship.views.campaign_access import MONEY, campaign_or_404
from sponsorship.views.donations import sponsor_choices
from sponsorship.views.unit_of_work import attempt

bp = Blueprint("campaign_money", __name__, url_prefix="/campaigns/<int:campaign_id>/money")


def _back(campaign_id: int):
    return redirect(url_for("campaigns.detail", campaign_id=campaign_id, _anchor="fund"))


@bp.route("/gift", methods=["GET", "POST"])
@roles_required(*MONEY)
def gift(campaign_id: int):
    """Record a gift to the campaign: from a caring parent, a named donor, or anonymous."""
    campaign = campaign_or_404(campaign_id)
    form = GiftForm(sponsor_choices=sponsor_choices())
    if not form.is_submitted():
        form.received_on.data = today()
    if form.validate_on_submit():
        sponsor = db.session.get(Sponsor, int(form.sponsor.data)) if form.sponsor.data else None
        done = attempt(
            lambda: fund.record_gift(
                campaign,
                sponsor=sponsor,
                amount_fen=form.amount.fen,
                received_on=form.received_on.data,
                method=DonationMethod(form.method.data),
                donor_name=form.donor_name.data or "",
                bank_reference=form.bank_reference.data or "",
                note=form.note.data or "",
                by=current_user,
            ),
            success=lambda d: _("Gift recorded, receipt %(no)s.", no=d.receipt_no),
            form=form,
            field="amount",
        )
        if done:
            return _back(campaign.id)
    return render_template("campaigns/gift.html", campaign=campaign, form=form), (
        422 if form.errors else 200
    )


def _gift_or_404(campaign, donation_id: int) -> Donation:
    donation = db.session.get(Donation, donation_id) if donation_id < 2**31 else None
    if donation is None or donation.campaign_id != campaign.id:
        abort(404)
    if donation.sponsor and not reach.sponsor_within(donation.sponsor, current_user):
        refuse_out_of_scope(f"campaign gift {donation_id}")  # audited, as any other town's record
    return donation


@bp.route("/gifts/<int:donation_id>", methods=["GET", "POST"])
@roles_required(*MONEY)
def gift_detail(campaign_id: int, donation_id: int):
    """Show a gift, with the form to reverse it if it was a mistake."""
    campaign = campaign_or_404(campaign_id)
    donation = _gift_or_404(campaign, donation_id)
    form = ReverseForm()
    if form.validate_on_submit():
        done = attempt(
            lambda: fund.reverse_gift(donation, form.reason.data, by=current_user),
            success=_("Donation %(no)s reversed.", no=donation.receipt_no),
            form=form,
            field="reason",
        )
        if done:
            return _back(campaign.id)
    return render_template(
        "campaigns/gift_detail.html", campaign=campaign, donation=donation, form=form
    ), (422 if form.errors else 200)


@bp.route("/batches", methods=["GET", "POST"])
@roles_required(*MONEY)
def batches(campaign_id: int):
    """List the campaign's batches of small gifts and open a new one."""
    campaign = campaign_or_404(campaign_id)
    form = GiftBatchForm()
    if form.validate_on_submit():
        done = attempt(
            lambda: gift_batches.open_gift_batch(
                campaign,
                form.title.data,
                form.expected_count.data,
                form.expected_total.fen,
                by=current_user,
            ),
            success=_("Batch opened: enter or import its gifts."),
            form=form,
            field="title",
        )
        if done:
            return redirect(
                url_for("campaign_money.batch", campaign_id=campaign.id, batch_id=done.value.id)
            )
    rows = [(b, donation_batches.tally(b)) for b in fund.gift_batches(campaign)]
    return render_template("campaigns/batches.html", campaign=campaign, rows=rows, form=form), (
        422 if form.errors else 200
    )


def _batch_or_404(campaign, batch_id: int) -> DonationBatch:
    batch = db.session.get(DonationBatch, batch_id) if batch_id < 2**31 else None
    if batch is None or batch.campaign_id != campaign.id:
        abort(404)
    return batch


def _batch_page(campaign, batch, lines_form=None, sheet_form=None, status=200):
    lines_form = lines_form or GiftLinesForm(formdata=None, received_on=today())
    sheet_form = sheet_form or GiftSheetForm(formdata=None, received_on=today())
    return render_template(
        "campaigns/batch.html",
        campaign=campaign,
        batch=batch,
        tally=donation_batches.tally(batch),
        lines_form=lines_form,
        sheet_form=sheet_form,
        close_form=CloseBatchForm(),
    ), status


@bp.route("/batches/<int:batch_id>")
@roles_required(*MONEY)
def batch(campaign_id: int, batch_id: int):
    """Show a batch's gifts and how they tally with its count and total."""
    campaign = campaign_or_404(campaign_id)
    return _batch_page(campaign, _batch_or_404(campaign, batch_id))


def _record(campaign, batch, form, read):
    done = attempt(
        lambda: gift_batches.record_gift_lines(
            batch,
            read(),
            received_on=form.received_on.data,
            method=DonationMethod(form.method.data),
            by=current_user,
        ),
        success=lambda rows: _("%(n)d gifts recorded.", n=len(rows)),
        form=form,
        field="lines" if "lines" in form else "file",
    )
    if done:
        return redirect(url_for("campaign_money.batch", campaign_id=campaign.id, batch_id=batch.id))
    return None


@bp.route("/batches/<int:batch_id>/lines", methods=["POST"])
@roles_required(*MONEY)
def batch_lines(campaign_id: int, batch_id: int):
    """Record typed lines (donor, amount) in the batch: all of them, or none."""
    campaign = campaign_or_404(campaign_id)
    batch = _batch_or_404(campaign, batch_id)
    form = GiftLinesForm()
    if form.validate_on_submit():
        answer = _record(campaign, batch, form, lambda: gift_batches.parse_typed(form.lines.data))
        if answer is not None:
            return answer
    return _batch_page(campaign, batch, lines_form=form, status=422)


@bp.route("/batches/<int:batch_id>/import", methods=["POST"])
@roles_required(*MONEY)
def batch_import(campaign_id: int, batch_id: int):
    """Record an Excel sheet's gifts in the batch: all of them, or none."""
    campaign = campaign_or_404(campaign_id)
    batch = _batch_or_404(campaign, batch_id)
    form = GiftSheetForm()
    if form.validate_on_submit():
        content = form.file.data.read()
        answer = _record(
            campaign, batch, form, lambda: gift_batches.parse_sheet(io.BytesIO(content))
        )
        if answer is not None:
            return answer
    return _batch_page(campaign, batch, sheet_form=form, status=422)


@bp.route("/batches/<int:batch_id>/close", methods=["POST"])
@roles_required(*MONEY)
def batch_close(campaign_id: int, batch_id: int):
    """Close a batch and say whether its gifts match its count and total."""
    campaign = campaign_or_404(campaign_id)
    batch = _batch_or_404(campaign, batch_id)
    if CloseBatchForm().validate_on_submit():
        attempt(
            lambda: donation_batches.close_batch(batch, by=current_user),
            success=lambda t: (
                _("Batch closed: it matches.")
                if t.matches
                else _("Batch closed, but it does not match its count or total.")
            ),
        )
    return redirect(url_for("campaign_money.batch", campaign_id=campaign.id, batch_id=batch.id))


@bp.route("/grant", methods=["GET", "POST"])
@roles_required(*MONEY)
def grant(campaign_id: int):
    """Grant money from the general fund (the county's: only for whole-county colleagues)."""
    campaign = campaign_or_404(campaign_id)
    if not reaches_everything(current_user):
        abort(403)
    form = GrantForm()
    if form.validate_on_submit():
        done = attempt(
            lambda: fund.grant_from_general(
                campaign, form.amount.fen, memo=form.memo.data or "", by=current_user
            ),
            success=_("Grant recorded."),
            form=form,
            field="amount",
        )
        if done:
            return _back(campaign.id)
    return render_template(
        "campaigns/grant.html",
        campaign=campaign,
        form=form,
        general_fen=-ledger.balance(Account.GENERAL),
    ), (422 if form.errors else 200)


@bp.route("/hand-over", methods=["GET", "POST"])
@roles_required(*MONEY)
def hand_over(campaign_id: int):
    """Record the campaign's money handed on to another body, as its own ledger movement."""
    campaign = campaign_or_404(campaign_id)
    form = HandOverForm()
    held = fund.held(campaign)
    if not form.is_submitted():
        form.handed_on.data = today()
        form.amount.data = f"{held // 100}.{held % 100:02d}" if held else ""
    if form.validate_on_submit():
        done = attempt(
            lambda: fund.hand_over(
                campaign,
                receiving_body=form.receiving_body.data,
                reference=form.reference.data or "",
                amount_fen=form.amount.fen,
                handed_on=form.handed_on.data,
                note=form.note.data or "",
                by=current_user,
            ),
            success=_("Hand-over recorded."),
            form=form,
            field="amount",
        )
        if done:
            return _back(campaign.id)
    return render_template(
        "campaigns/hand_over.html", campaign=campaign, form=form, held_fen=held
    ), (422 if form.errors else 200)
