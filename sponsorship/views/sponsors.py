"""Staff review caring parents' applications: list, detail, approve, reject, edit, deactivate."""

from datetime import datetime, time

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from sponsorship.access import EDITORS, ensure_in_scope, roles_required
from sponsorship.clock import local_zone
from sponsorship.extensions import db
from sponsorship.forms.sponsors import (
    WITHDRAW_REQUESTED,
    ApproveForm,
    BulkApproveForm,
    BulkInviteForm,
    BulkRejectForm,
    DeactivateForm,
    EditSponsorForm,
    FilterForm,
    RejectForm,
)
from sponsorship.models import Region, Sponsor
from sponsorship.models.enums import SponsorStatus
from sponsorship.money import format_fen
from sponsorship.services.core.scope import in_scope, towns_in_scope
from sponsorship.services.sponsors import invitations, review
from sponsorship.services.sponsors.applications import edit_sponsor
from sponsorship.views import safe_next
from sponsorship.views.sponsor_entry import invitation_link
from sponsorship.views.unit_of_work import attempt

bp = Blueprint("sponsors", __name__, url_prefix="/sponsors")
PER_PAGE = 50


def _load(sponsor_id: int) -> Sponsor:
    sponsor = db.get_or_404(Sponsor, sponsor_id)
    ensure_in_scope(sponsor.region, f"sponsor={sponsor_id}")
    return sponsor


def _filtered(form: FilterForm) -> sa.Select:
    stmt = in_scope(sa.select(Sponsor), Sponsor.region_id, current_user)
    if form.status.data == WITHDRAW_REQUESTED:
        stmt = stmt.where(
            Sponsor.withdraw_requested_at.is_not(None), Sponsor.status != SponsorStatus.WITHDRAWN
        )
    elif form.status.data:
        stmt = stmt.where(Sponsor.status == SponsorStatus(form.status.data))
    if form.town.data:
        town = db.session.get(Region, int(form.town.data))
        if town is not None:
            subtree = sa.select(Region.id).where(Region.path.startswith(town.path, autoescape=True))
            stmt = stmt.where(Sponsor.region_id.in_(subtree))
    if form.aid_preference.data:
        stmt = stmt.where(Sponsor.aid_preference == form.aid_preference.data)
    zone = local_zone()
    if form.since.data:
        stmt = stmt.where(Sponsor.created_at >= datetime.combine(form.since.data, time.min, zone))
    if form.until.data:
        stmt = stmt.where(Sponsor.created_at <= datetime.combine(form.until.data, time.max, zone))
    return stmt.order_by(Sponsor.created_at.desc(), Sponsor.id.desc())


@bp.route("/")
@roles_required(*EDITORS)
def index():
    """List the caring parents' applications in the user's area, filtered and paged."""
    form = FilterForm(request.args)
    form.town.choices = [("", _("All"))] + [
        (str(t.id), t.name) for t in towns_in_scope(current_user)
    ]
    stmt = _filtered(form) if form.validate() else _filtered(FilterForm(formdata=None))
    page = db.paginate(stmt, per_page=PER_PAGE, error_out=False)
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template(
        "sponsors/index.html",
        form=form,
        page=page,
        args=args,
        bulk=BulkApproveForm(),
        invite=BulkInviteForm(formdata=None),
        reject=BulkRejectForm(formdata=None),
    )


@bp.route("/<int:sponsor_id>")
@roles_required(*EDITORS)
def detail(sponsor_id: int):
    """Show a caring parent's application with the approve, reject and withdraw forms."""
    sponsor = _load(sponsor_id)
    return render_template(
        "sponsors/detail.html",
        sponsor=sponsor,
        approve_form=ApproveForm(),
        reject_form=RejectForm(),
        deactivate_form=DeactivateForm(),
    )


def _decide(sponsor_id: int, form_class, action, success: str):
    sponsor = _load(sponsor_id)
    form = form_class()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
        return redirect(url_for("sponsors.detail", sponsor_id=sponsor.id))
    attempt(lambda: action(sponsor, form), success=success % {"name": sponsor.name})
    return redirect(url_for("sponsors.detail", sponsor_id=sponsor.id))


@bp.route("/<int:sponsor_id>/approve", methods=["POST"])
@roles_required(*EDITORS)
def approve(sponsor_id: int):
    """Approve a caring parent's application; a letter tells them so."""
    return _decide(
        sponsor_id,
        ApproveForm,
        lambda s, f: review.approve(s, by=current_user, note=f.note.data or ""),
        _("%(name)s is approved; a letter tells them so."),
    )


@bp.route("/<int:sponsor_id>/reject", methods=["POST"])
@roles_required(*EDITORS)
def reject(sponsor_id: int):
    """Turn down an application with the reason; a letter tells them why."""
    return _decide(
        sponsor_id,
        RejectForm,
        lambda s, f: review.reject(s, by=current_user, reason=f.reason.data),
        _("%(name)s is not approved; a letter tells them the reason."),
    )


@bp.route("/<int:sponsor_id>/deactivate", methods=["POST"])
@roles_required(*EDITORS)
def deactivate(sponsor_id: int):
    """Mark a caring parent as withdrawn, keeping the record."""
    return _decide(
        sponsor_id,
        DeactivateForm,
        lambda s, f: review.deactivate(s, by=current_user, reason=f.reason.data or ""),
        _("%(name)s is marked as withdrawn; the record is kept."),
    )


@bp.route("/bulk-approve", methods=["POST"])
@roles_required(*EDITORS)
def bulk_approve():
    """Approve the ticked pending applications in the user's area."""
    if not BulkApproveForm().validate_on_submit():
        abort(400)
    chosen = _ticked()
    done = attempt(lambda: review.bulk_approve(chosen, by=current_user))
    if done and done.value:
        flash(_("%(n)d applications approved.", n=done.value), "success")
    elif done:
        flash(_("Nothing approved: tick pending applications first."), "info")
    return redirect(safe_next(request.form.get("next"), url_for("sponsors.index")))


def _ticked() -> list[Sponsor]:
    ids = [int(i) for i in request.form.getlist("ids") if i.isdigit()]
    return list(
        db.session.scalars(
            in_scope(
                sa.select(Sponsor).where(Sponsor.id.in_(ids)), Sponsor.region_id, current_user
            ).order_by(Sponsor.id)
        )
    )


@bp.route("/bulk-reject", methods=["POST"])
@roles_required(*EDITORS)
def bulk_reject():
    """Turn down the ticked pending applications in the user's area, with one reason."""
    form = BulkRejectForm()
    if not form.validate_on_submit():
        abort(400)
    chosen = _ticked()
    done = attempt(lambda: review.bulk_reject(chosen, by=current_user, reason=form.reason.data))
    if done and done.value:
        flash(
            _("%(n)d applications not approved; letters tell them the reason.", n=done.value),
            "success",
        )
    elif done:
        flash(_("Nothing rejected: tick pending applications first."), "info")
    return redirect(safe_next(request.form.get("next"), url_for("sponsors.index")))


@bp.route("/bulk-invite", methods=["POST"])
@roles_required(*EDITORS)
def bulk_invite():
    """Invite the ticked caring parents in the user's area who do not use the portal yet."""
    if not BulkInviteForm().validate_on_submit():
        abort(400)
    chosen = _ticked()
    done = attempt(
        lambda: invitations.bulk_invite(chosen, by=current_user, link_for=invitation_link)
    )
    if done:
        outcome = done.value
        if outcome.invited:
            flash(
                _("%(n)d caring parents invited to the portal.", n=len(outcome.invited)), "success"
            )
        if outcome.already_active:
            names = "、".join(s.name for s in outcome.already_active)
            flash(_("Already using the portal, not invited again: %(names)s", names=names), "info")
        if outcome.not_invitable:
            names = "、".join(s.name for s in outcome.not_invitable)
            flash(_("Not approved or withdrawn, not invited: %(names)s", names=names), "info")
        if not chosen:
            flash(_("Nothing sent: tick caring parents first."), "info")
    return redirect(safe_next(request.form.get("next"), url_for("sponsors.index")))


@bp.route("/<int:sponsor_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit(sponsor_id: int):
    """Edit a caring parent's record; moving it out of the user's area is refused."""
    sponsor = _load(sponsor_id)
    form = EditSponsorForm(obj=sponsor)
    if not form.is_submitted():
        for name in ("kind", "gender", "aid_preference", "distance", "child_gender"):
            value = getattr(sponsor, name)
            getattr(form, name).data = value.value if value else ""
        form.payment_frequency.data = sponsor.payment_frequency.value
        form.channel.data = sponsor.channel.value
        form.region.data = str(sponsor.region_id)
        form.capacity.data = str(sponsor.capacity)
        form.pledge.data = format_fen(sponsor.pledge_per_child_fen, symbol=False)
    if form.validate_on_submit():
        done = attempt(
            lambda: _edit(sponsor, form),
            success=lambda saved: _("%(name)s saved.", name=saved.name),
            form=form,
            field="name",
        )
        if done:
            return redirect(url_for("sponsors.detail", sponsor_id=sponsor.id))
    return render_template("sponsors/edit.html", form=form, sponsor=sponsor)


def _edit(sponsor: Sponsor, form: EditSponsorForm) -> Sponsor:
    edit_sponsor(sponsor, form.to_details(), by=current_user)
    # Moving the record out of one's own area is refused like any other look outside it.
    ensure_in_scope(sponsor.region, f"sponsor={sponsor.id} moved")
    return sponsor
