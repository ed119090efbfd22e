"""The caring parent's own portal: their application, children, money, letters, contact details."""

from functools import wraps

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from sponsorship.access import roles_required
from sponsorship.clock import today
from sponsorship.extensions import db, limiter
from sponsorship.forms.portal import ContactForm, ResetPasswordForm, ResetRequestForm, WithdrawForm
from sponsorship.models import Pairing, Payout
from sponsorship.models.enums import Channel, LetterKind, PairingStatus, PayoutStatus, Role
from sponsorship.services.core import password_reset
from sponsorship.services.core.link_lifetimes import valid_hours
from sponsorship.services.letters.queue import letters_for_sponsor
from sponsorship.services.money.statements import sponsor_statement
from sponsorship.services.sponsors.applications import (
    request_withdrawal,
    sponsor_of,
    update_contact,
)
from sponsorship.views.child_audit import audit_child_view
from sponsorship.views.email_confirmation import send_confirmation
from sponsorship.views.unit_of_work import attempt

bp = Blueprint("portal", __name__, url_prefix="/portal")

#: The tiles of the portal's home page: (endpoint, title, what the caring parent finds there).
SECTIONS = [
    ("pledges", _l("My pledges"), _l("Your pledges and the instalments due and paid.")),
    (
        "donations",
        _l("My donations"),
        _l("Every donation we received from you, with its receipt number."),
    ),
    (
        "received",
        _l("What my children received"),
        _l("The aid paid to your children's guardians each September."),
    ),
    (
        "letters",
        _l("My letters"),
        _l("The letters we sent you: acknowledgements, reminders, thanks."),
    ),
]


def sponsor_required(view):
    """Let only a caring parent with an application through, and hand it to the view."""

    @wraps(view)
    @roles_required(Role.SPONSOR)
    def wrapped(*args, **kwargs):
        g.sponsor = sponsor_of(current_user)
        if g.sponsor is None:
            abort(404)
        return view(*args, **kwargs)

    return wrapped


def _pairings():
    return db.session.scalars(
        sa.select(Pairing)
        .where(Pairing.sponsor_id == g.sponsor.id, Pairing.status == PairingStatus.ACTIVE)
        .order_by(Pairing.confirmed_at, Pairing.id)
    ).all()


@bp.route("/")
@sponsor_required
def home():
    """Show the caring parent how their application stands and the portal's sections."""
    return render_template(
        "portal/home.html", sponsor=g.sponsor, children=len(_pairings()), sections=SECTIONS
    )


@bp.route("/children")
@sponsor_required
def children():
    """List the children the caring parent sponsors now."""
    return render_template("portal/children.html", pairings=_pairings(), today=today())


@bp.route("/children/<int:pairing_id>")
@sponsor_required
def child(pairing_id: int):
    """Show one of the caring parent's own pairings; another's answers 404."""
    pairing = db.get_or_404(Pairing, pairing_id)
    if pairing.sponsor_id != g.sponsor.id:
        abort(404)
    audit_child_view(pairing.child)
    return render_template("portal/child.html", pairing=pairing, today=today())


@bp.route("/pledges")
@sponsor_required
def pledges():
    """List the caring parent's pledges with the instalments due and paid."""
    statement = sponsor_statement(g.sponsor)
    return render_template("portal/pledges.html", pledges=statement.pledges, statement=statement)


@bp.route("/donations")
@sponsor_required
def donations():
    """List every donation received from the caring parent, with receipts."""
    statement = sponsor_statement(g.sponsor)
    return render_template("portal/donations.html", statement=statement)


@bp.route("/received")
@sponsor_required
def received():
    """List the aid paid to the guardians of the caring parent's children."""
    rows = db.session.scalars(
        sa.select(Payout)
        .join(Pairing, Payout.pairing_id == Pairing.id)
        .where(Pairing.sponsor_id == g.sponsor.id, Payout.status == PayoutStatus.PAID)
        .order_by(Payout.paid_on.desc(), Payout.id.desc())
    ).all()
    return render_template("portal/received.html", payouts=rows, today=today())


@bp.route("/letters")
@sponsor_required
def letters():
    """List the letters sent to the caring parent."""
    return render_template("portal/letters.html", letters=letters_for_sponsor(g.sponsor))


@bp.route("/contact", methods=["GET", "POST"])
@sponsor_required
def contact():
    """Let the caring parent change their contact details and channel."""
    sponsor = g.sponsor
    form = ContactForm(obj=sponsor)
    if not form.is_submitted():
        form.region.data = str(sponsor.region_id)
        form.channel.data = sponsor.channel.value
    if form.validate_on_submit():
        done = attempt(
            lambda: send_confirmation(
                update_contact(
                    sponsor,
                    mobile=form.mobile.data,
                    email=form.email.data,
                    address=form.address.data,
                    region=form.selected_region(),
                    channel=Channel(form.channel.data),
                )
            ),
            success=_("Your contact details are saved."),
            form=form,
            field="mobile",
        )
        if done:
            return redirect(url_for("portal.home"))
    return render_template("portal/contact.html", form=form)


@bp.route("/withdraw", methods=["GET", "POST"])
@sponsor_required
def withdraw():
    """Let the caring parent ask to withdraw; staff follow up, nothing is deleted."""
    form = WithdrawForm()
    if form.validate_on_submit():
        attempt(
            lambda: request_withdrawal(g.sponsor),
            success=_("We have your request; staff will contact you. Nothing is deleted."),
        )
        return redirect(url_for("portal.home"))
    return render_template("portal/withdraw.html", form=form, sponsor=g.sponsor)


def _form_limit() -> str:
    return current_app.config["PUBLIC_FORM_RATE_LIMIT"]


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(_form_limit, methods=["POST"])
def reset_request():
    """Send a password-reset link, with the same answer whether or not it matched."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        attempt(lambda: password_reset.request_reset(form.login.data))
        # The same words whether or not an account matched: they must not tell which.
        flash(
            _(
                "If an account uses these details, we have sent it a link to set a new password. "
                "The link works for %(hours)d hours.",
                hours=valid_hours(LetterKind.PASSWORD_RESET),
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("portal/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Set a new password from a valid reset link."""
    if password_reset.user_for_token(token) is None:
        return render_template("portal/reset_invalid.html"), 404
    form = ResetPasswordForm()
    if form.validate_on_submit():
        done = attempt(
            lambda: password_reset.reset_password(token, form.new.data),
            success=_("Your password has been changed; please log in."),
            form=form,
            field="new",
        )
        if done:
            return redirect(url_for("auth.login"))
    return render_template("portal/reset_password.html", form=form)
