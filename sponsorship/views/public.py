"""Public pages: the appeal, the sign-up form, its confirmation and the privacy notice."""

import logging

from flask import Blueprint, current_app, redirect, render_template, url_for

from sponsorship.extensions import limiter
from sponsorship.forms.signup import SignUpForm
from sponsorship.models.enums import AidGroup
from sponsorship.services.core import settings
from sponsorship.services.sponsors.applications import PRIVACY_NOTICE_VERSION, register_sponsor
from sponsorship.views.email_confirmation import send_confirmation
from sponsorship.views.unit_of_work import attempt

bp = Blueprint("public", __name__)
log = logging.getLogger(__name__)


def _form_limit() -> str:
    return current_app.config["PUBLIC_FORM_RATE_LIMIT"]


def landing():
    """Render the appeal with its sign-up button (the front door for visitors)."""
    paragraphs = [p.strip() for p in str(settings.get("appeal_text")).split("\n\n") if p.strip()]
    return render_template("public/landing.html", paragraphs=paragraphs)


def _standards() -> dict[AidGroup, int]:
    return {group: settings.standard_fen(group) for group in AidGroup}


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(_form_limit, methods=["POST"])
def signup():
    """Take a caring parent's application (rate-limited; robots are ignored)."""
    form = SignUpForm()
    if form.is_submitted() and form.website.data:
        # A robot filled the hidden field: answer as if all went well, keep nothing.
        log.info("sign-up honeypot filled; nothing stored")
        return redirect(url_for("public.signup_done"))
    if form.validate_on_submit():
        done = attempt(
            lambda: send_confirmation(
                register_sponsor(form.to_details(), password=form.password.data, consent=True)
            ),
            form=form,
            field="name",
        )
        if done:
            return redirect(url_for("public.signup_done"))
    return render_template("public/signup.html", form=form, standards=_standards())


@bp.route("/signup/done")
def signup_done():
    """Thank the applicant and say what happens next."""
    return render_template("public/signup_done.html")


@bp.route("/privacy")
def privacy():
    """Show the privacy notice, with its version."""
    return render_template("public/privacy.html", version=PRIVACY_NOTICE_VERSION)
