"""Public pages: the appeal, the sign-up form, its confirmation and the privacy notice."""

import logging

from flask import Blueprint, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _

from sponsorship.forms.signup import SignUpForm
from sponsorship.models.enums import AidGroup
from sponsorship.services.core import settings
from sponsorship.services.sponsors.applications import PRIVACY_NOTICE_VERSION, register_sponsor
from sponsorship.views.email_confirmation import confirmation_link
from sponsorship.views.rate_limits import limit_by_address, limit_by_field, minutes_until
from sponsorship.views.unit_of_work import attempt

bp = Blueprint("public", __name__)
log = logging.getLogger(__name__)


def landing():
    """Render the appeal with its sign-up button (the front door for visitors)."""
    paragraphs = [p.strip() for p in str(settings.get("appeal_text")).split("\n\n") if p.strip()]
    return render_template("public/landing.html", paragraphs=paragraphs)


def _standards() -> dict[AidGroup, int]:
    return {group: settings.standard_fen(group) for group in AidGroup}


def _signup_refused(limit):
    """Answer 429 with the form as it was typed and when to try again."""
    flash(
        _(
            "Too many sign-ups just now. Please try again in %(minutes)s minutes;"
            " what you typed is kept below.",
            minutes=minutes_until(limit),
        ),
        "error",
    )
    form = SignUpForm()  # bound to the posted data: nothing typed is lost
    page = render_template("public/signup.html", form=form, standards=_standards())
    return make_response(page, 429)


@bp.route("/signup", methods=["GET", "POST"])
@limit_by_address("SIGNUP_ADDRESS_RATE_LIMIT", _signup_refused)
@limit_by_field("SIGNUP_PERSON_RATE_LIMIT", "mobile", _signup_refused)
@limit_by_field("SIGNUP_PERSON_RATE_LIMIT", "id_number", _signup_refused)
def signup():
    """Take a caring parent's application (rate-limited; robots are ignored)."""
    form = SignUpForm()
    if form.is_submitted() and form.website.data:
        # A robot filled the hidden field: answer as if all went well, keep nothing.
        log.info("sign-up honeypot filled; nothing stored")
        return redirect(url_for("public.signup_done"))
    if form.validate_on_submit():
        # A sign-up in someone's mobile or ID number is answered as a new one (the service writes
        # to that person instead): this page never tells whose numbers are on record.
        done = attempt(
            lambda: register_sponsor(
                form.to_details(),
                password=form.password.data,
                consent=True,
                confirmation_link=confirmation_link,
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
