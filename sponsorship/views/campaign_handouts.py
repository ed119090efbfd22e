"""A campaign's handouts: amounts, method, the bank batch, the cash sign-for sheet and
signatures, and gifts in kind."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from sponsorship.access import EDITORS, READERS, ensure_in_scope, roles_required
from sponsorship.clock import today
from sponsorship.extensions import db
from sponsorship.forms import campaign_handouts as forms
from sponsorship.forms.dates import EARLIEST, LATEST
from sponsorship.models import Campaign, CampaignBeneficiary
from sponsorship.models.enums import BeneficiaryGroup, HandoutMethod, Role
from sponsorship.request_input import database_ids
from sponsorship.services.campaigns import gifts_in_kind, handouts, handouts_bank, handouts_cash
from sponsorship.services.campaigns.handouts_amounts import AmountRule
from sponsorship.services.campaigns.handouts_summary import bank_batches, summary
from sponsorship.views.downloads import attachment
from sponsorship.views.unit_of_work import attempt

bp = Blueprint("campaign_handouts", __name__, url_prefix="/campaigns")

#: The sign-for sheet goes to whoever hands the cash out, and to finance, who checks it.
SHEET_ROLES = (*EDITORS, Role.FINANCE)


def campaign_or_404(campaign_id: int) -> Campaign:
    """Return the campaign, or answer 404 (also when it belongs to another area)."""
    campaign = db.get_or_404(Campaign, campaign_id)
    ensure_in_scope(campaign.region, f"campaign {campaign_id}")
    return campaign


def back(campaign: Campaign):
    """Redirect to the campaign's handouts page."""
    return redirect(url_for("campaign_handouts.page", campaign_id=campaign.id))


def _flash_errors(form) -> None:
    for errors in form.errors.values():
        for message in errors:
            flash(message, "error")


def _ticked() -> list[int]:
    return database_ids(request.form.getlist("ids"))


@bp.app_template_global("handout_summary")
def handout_summary(campaign: Campaign):
    """The campaign page's handouts panel: the figures in the current user's area."""
    return summary(campaign, current_user)


@bp.app_template_global("handout_gifts")
def handout_gifts(campaign: Campaign):
    """The campaign page's list of gifts in kind."""
    return gifts_in_kind.gifts(campaign)


@bp.route("/<int:campaign_id>/handouts")
@roles_required(*READERS)
def page(campaign_id: int):
    """Show the campaign's people with their amounts, methods and states, and the forms."""
    campaign = campaign_or_404(campaign_id)
    # Children's names and masked IDs are shown: the view is audited, as the other lists are.
    listed = attempt(lambda: handouts.listed(campaign, by=current_user)).value
    gift_form = forms.GiftForm(given_on=today())
    gift_form.beneficiary.choices = _gift_choices(listed)
    return render_template(
        "campaigns/handouts.html",
        campaign=campaign,
        people=listed,
        figures=summary(campaign, current_user),
        batches=bank_batches(campaign),
        gifts=gifts_in_kind.gifts(campaign),
        groups=list(BeneficiaryGroup),
        can_edit=current_user.role in EDITORS and campaign.is_open,
        can_print=current_user.role in SHEET_ROLES,
        amounts_form=forms.AmountsForm(),
        method_form=forms.MethodForm(),
        signatures_form=forms.SignaturesForm(signed_on=today()),
        undo_form=forms.UndoForm(),
        bank_form=forms.BankBatchForm(),
        gift_form=gift_form,
        today=today(),
    )


def _gift_choices(listed: list[CampaignBeneficiary]) -> list[tuple[str, str]]:
    return [("", _("The campaign (not one person)"))] + [(str(p.id), p.name) for p in listed]


@bp.route("/<int:campaign_id>/handouts/amounts", methods=["POST"])
@roles_required(*EDITORS)
def amounts(campaign_id: int):
    """Set the amount of everyone waiting: one for all, or one per group."""
    campaign = campaign_or_404(campaign_id)
    form = forms.AmountsForm()
    if not form.validate_on_submit():
        _flash_errors(form)
        return back(campaign)
    attempt(
        lambda: handouts.set_amounts(campaign, _rule(form), by=current_user),
        success=lambda n: _("Amounts set for %(n)d people.", n=n),
    )
    return back(campaign)


def _rule(form: forms.AmountsForm) -> AmountRule:
    if form.mode.data == forms.BY_GROUP:
        return AmountRule(
            by_group={
                group.value: form[f"group_{group.value}"].fen
                for group in BeneficiaryGroup
                if form[f"group_{group.value}"].data
            }
        )
    return AmountRule(one_fen=form.one.fen if form.one.data else None)


@bp.route("/<int:campaign_id>/handouts/method", methods=["POST"])
@roles_required(*EDITORS)
def method(campaign_id: int):
    """Hand the ticked people out by bank or cash, or everyone by their bank details."""
    campaign = campaign_or_404(campaign_id)
    form = forms.MethodForm()
    if not form.validate_on_submit():
        _flash_errors(form)
        return back(campaign)
    if form.method.data == forms.BY_DETAILS:
        attempt(
            lambda: handouts.default_methods(campaign, by=current_user),
            success=lambda counts: _(
                "%(bank)d by bank, %(cash)d in cash.", bank=counts[0], cash=counts[1]
            ),
        )
        return back(campaign)
    ids = _ticked()
    if not ids:
        flash(_("Tick the people first."), "error")
        return back(campaign)
    attempt(
        lambda: handouts.set_method(
            campaign, HandoutMethod(form.method.data), by=current_user, ids=ids
        ),
        success=lambda n: _("The method is set for %(n)d people.", n=n),
    )
    return back(campaign)


@bp.route("/<int:campaign_id>/handouts/bank-batch", methods=["POST"])
@roles_required(*EDITORS)
def bank_batch(campaign_id: int):
    """Build the bank batch of everyone waiting for a bank handout, then show the batch."""
    campaign = campaign_or_404(campaign_id)
    if not forms.BankBatchForm().validate_on_submit():
        return back(campaign)
    done = attempt(
        lambda: handouts_bank.build_bank_batch(campaign, by=current_user),
        success=lambda batch: _(
            "Batch %(key)s is ready as a draft: submit it for a finance colleague to approve.",
            key=batch.key,
        ),
    )
    if done:
        return redirect(url_for("payouts.batch", batch_id=done.value.id))
    return back(campaign)


@bp.route("/<int:campaign_id>/handouts/sign-sheet")
@roles_required(*SHEET_ROLES)
def sign_sheet(campaign_id: int):
    """Download the cash sign-for sheet (A4 PDF, IDs masked); the download is audited."""
    campaign = campaign_or_404(campaign_id)
    on = _date_arg("on")
    done = attempt(lambda: _sheet(campaign, on))
    if not done:
        return back(campaign)
    return done.value


def _date_arg(name: str) -> date | None:
    try:
        value = date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None
    return value if EARLIEST <= value <= LATEST else None


def _sheet(campaign: Campaign, on: date | None) -> Response:
    data, name = handouts_cash.sign_sheet(campaign, by=current_user, handout_on=on)
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": attachment(name, f"sign-sheet-campaign-{campaign.id}.pdf")},
    )


@bp.route("/<int:campaign_id>/handouts/signatures", methods=["POST"])
@roles_required(*EDITORS)
def signatures(campaign_id: int):
    """Record that the ticked people signed for their cash on a date, or did not, and why."""
    campaign = campaign_or_404(campaign_id)
    form = forms.SignaturesForm()
    if not form.validate_on_submit():
        _flash_errors(form)
        return back(campaign)
    ids = _ticked()
    if not ids:
        flash(_("Tick the people first."), "error")
        return back(campaign)
    if form.outcome.data == forms.NOT_SIGNED:
        attempt(
            lambda: handouts_cash.record_not_signed(
                campaign, ids, form.reason.data or "", by=current_user
            ),
            success=lambda n: _("%(n)d people recorded as not signed.", n=n),
        )
        return back(campaign)
    if form.signed_on.data is None:
        flash(_("Give the date they signed."), "error")
        return back(campaign)
    attempt(
        lambda: handouts_cash.record_signed(campaign, ids, form.signed_on.data, by=current_user),
        success=lambda n: _("%(n)d signatures recorded.", n=n),
    )
    return back(campaign)


@bp.route("/handouts/<int:beneficiary_id>/undo", methods=["POST"])
@roles_required(*EDITORS)
def undo(beneficiary_id: int):
    """Undo a signature recorded by mistake, with the reason: the handout is reversed."""
    person = db.get_or_404(CampaignBeneficiary, beneficiary_id)
    campaign = campaign_or_404(person.campaign_id)
    if person.region is not None:
        ensure_in_scope(person.region, f"campaign beneficiary {beneficiary_id}")
    form = forms.UndoForm()
    if not form.validate_on_submit():
        flash(_("Say why the signature is undone."), "error")
        return back(campaign)
    attempt(
        lambda: handouts_cash.undo_signature(person, form.reason.data, by=current_user),
        success=_("The signature is undone and its handout reversed."),
    )
    return back(campaign)


@bp.route("/<int:campaign_id>/gifts", methods=["POST"])
@roles_required(*EDITORS)
def gifts(campaign_id: int):
    """Record gifts in kind given for the campaign or to one of its people."""
    campaign = campaign_or_404(campaign_id)
    form = forms.GiftForm()
    listed = list(db.session.scalars(handouts.people(campaign, current_user)))
    form.beneficiary.choices = _gift_choices(listed)
    if not form.validate_on_submit():
        _flash_errors(form)
        return back(campaign)
    chosen = {str(p.id): p for p in listed}.get(form.beneficiary.data or "")
    attempt(
        lambda: gifts_in_kind.record_gift(
            campaign,
            description=form.description.data,
            count=form.count.data,
            value_fen=form.value.fen,
            given_on=form.given_on.data,
            beneficiary=chosen,
            by=current_user,
        ),
        success=_("The gifts in kind are recorded."),
    )
    return back(campaign)
