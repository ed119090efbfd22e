"""Campaigns (专项活动): the list, a campaign's page, creating, editing and closing one."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from sponsorship.access import roles_required
from sponsorship.clock import today
from sponsorship.extensions import db
from sponsorship.forms.campaigns import ActionForm, CampaignForm, ReasonForm
from sponsorship.models import Region
from sponsorship.models.enums import CampaignKind
from sponsorship.services.campaigns import beneficiaries as people
from sponsorship.services.campaigns import campaigns, fund, overview
from sponsorship.services.campaigns.paragraph import paragraph
from sponsorship.views.campaign_access import (
    MONEY,
    ORGANISERS,
    READERS,
    campaign_or_404,
    may,
)
from sponsorship.views.unit_of_work import attempt

bp = Blueprint("campaigns", __name__, url_prefix="/campaigns")


def _region_choices() -> list[tuple[str, str]]:
    return [(str(r.id), r.name) for r in campaigns.owner_regions(current_user)]


@bp.route("/")
@roles_required(*READERS)
def index():
    """List the campaigns in the user's area, open ones first, with their fund and people."""
    return render_template(
        "campaigns/index.html", lines=overview.lines(current_user), may_organise=may(ORGANISERS)
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*ORGANISERS)
def new():
    """Open a campaign for the county or a town in the user's area."""
    form = CampaignForm(region_choices=_region_choices())
    if not form.is_submitted():
        form.starts_on.data = today()
    if form.validate_on_submit():
        region = db.session.get(Region, int(form.region.data))
        done = attempt(
            lambda: campaigns.create_campaign(
                name=form.name.data,
                kind=CampaignKind(form.kind.data),
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
                region=region,
                description=form.description.data or "",
                by=current_user,
            ),
            success=_("Campaign opened."),
            form=form,
            field="name",
        )
        if done:
            return redirect(url_for("campaigns.detail", campaign_id=done.value.id))
    return render_template("campaigns/form.html", form=form, campaign=None), (
        422 if form.errors else 200
    )


@bp.route("/<int:campaign_id>/edit", methods=["GET", "POST"])
@roles_required(*ORGANISERS)
def edit(campaign_id: int):
    """Change a campaign's name, kind, dates or description."""
    campaign = campaign_or_404(campaign_id)
    form = CampaignForm(
        obj=campaign, region_choices=[(str(campaign.region_id), campaign.region.name)]
    )
    if not form.is_submitted():
        form.kind.data = campaign.kind.value
        form.region.data = str(campaign.region_id)
    if form.validate_on_submit():
        done = attempt(
            lambda: campaigns.edit_campaign(
                campaign,
                name=form.name.data,
                kind=CampaignKind(form.kind.data),
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
                description=form.description.data or "",
                by=current_user,
            ),
            success=_("Campaign saved."),
            form=form,
            field="name",
        )
        if done:
            return redirect(url_for("campaigns.detail", campaign_id=campaign.id))
    return render_template("campaigns/form.html", form=form, campaign=campaign), (
        422 if form.errors else 200
    )


@bp.route("/<int:campaign_id>")
@roles_required(*READERS)
def detail(campaign_id: int):
    """Show a campaign: its fund, gifts, grants, hand-overs, people (masked) and paragraph."""
    campaign = campaign_or_404(campaign_id)
    # Every view of the list of people is audited, as a child's page is.
    done = attempt(lambda: people.beneficiaries(campaign, by=current_user, page="campaign"))
    rows = done.value or []
    return render_template(
        "campaigns/detail.html",
        campaign=campaign,
        figures=fund.figures(campaign),
        gifts=fund.gifts(campaign, limit=50),
        grants=fund.grants(campaign),
        hand_overs=fund.hand_overs(campaign),
        batches=fund.gift_batches(campaign),
        people=rows,
        summary=people.summary(campaign),
        masked_id=people.masked_id,
        paragraph=paragraph(campaign),
        may_organise=may(ORGANISERS),
        may_money=may(MONEY),
        may_reveal=people.may_reveal(current_user, campaign),
        may_health=people.may_view_health(current_user),
        reveal_form=ReasonForm(),
        action_form=ActionForm(),
    )


@bp.route("/<int:campaign_id>/close", methods=["POST"])
@roles_required(*ORGANISERS)
def close(campaign_id: int):
    """Close a campaign: nothing more is added; its figures stay for the report."""
    campaign = campaign_or_404(campaign_id)
    if ActionForm().validate_on_submit():
        attempt(
            lambda: campaigns.close_campaign(campaign, by=current_user),
            success=_("Campaign closed."),
        )
    return redirect(url_for("campaigns.detail", campaign_id=campaign.id))
