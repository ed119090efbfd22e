"""Confirming an email address from the link mailed to it (no login needed), and that link.

The page asks for a press of a button rather than confirming on opening: mail scanners open
links, and only the owner should confirm.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import gettext as _

from sponsorship.forms.portal import ConfirmEmailForm
from sponsorship.models import Sponsor
from sponsorship.services.core import email_confirmation
from sponsorship.services.core.links import public_url
from sponsorship.views.unit_of_work import attempt

bp = Blueprint("email_confirmation", __name__, url_prefix="/portal/confirm-email")


def confirmation_link(token: str) -> str:
    """Return the absolute link a confirmation letter carries: under PUBLIC_URL, never the
    request's Host, which is whatever the sender typed."""
    return public_url("email_confirmation.confirm", token=token)


def send_confirmation(sponsor: Sponsor) -> bool:
    """Queue the confirmation letter for the caring parent's unconfirmed email, if any."""
    return email_confirmation.request_confirmation(sponsor, confirmation_link)


@bp.route("/<token>", methods=["GET", "POST"])
def confirm(token: str):
    """Show the address a valid link confirms, and confirm it on the button."""
    user = email_confirmation.user_for_token(token)
    if user is None:
        return render_template("portal/confirm_email.html", user=None), 404
    form = ConfirmEmailForm()
    if form.validate_on_submit():
        done = attempt(
            lambda: email_confirmation.confirm_email(token),
            success=_("Your email address is confirmed; you can log in with it."),
        )
        if done:
            return redirect(url_for("auth.login"))
    return render_template("portal/confirm_email.html", user=user, form=form)
