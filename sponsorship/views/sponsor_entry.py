"""Paper applications: staff type in a caring parent's signed form; the portal invites them."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from sponsorship.access import EDITORS, roles_required
from sponsorship.forms.sponsors import PaperApplicationForm
from sponsorship.models.enums import Channel
from sponsorship.services.core.links import public_url
from sponsorship.services.sponsors.paper import enter_paper_application
from sponsorship.views.unit_of_work import attempt

bp = Blueprint("sponsor_entry", __name__, url_prefix="/sponsors/paper")


def invitation_link(token: str) -> str:
    """Return the address where an invited caring parent chooses a password.

    From PUBLIC_URL, never the request's Host: the link is mailed to someone else.
    """
    return public_url("portal.reset_password", token=token)


def _saved(sponsor) -> str:
    by = _("by email") if sponsor.email else _("by SMS")
    return _(
        "%(name)s is entered from form %(reference)s and invited to the portal %(by)s.",
        name=sponsor.name,
        reference=sponsor.paper_reference,
        by=by,
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*EDITORS)
def new():
    """Enter one paper application; "save and next" brings back an empty form for the stack."""
    form = PaperApplicationForm()
    if not form.is_submitted():
        form.channel.data = Channel.SMS.value
    if form.validate_on_submit():
        done = attempt(
            lambda: enter_paper_application(
                form.to_details(),
                form.paper_reference.data,
                by=current_user,
                link_for=invitation_link,
            ),
            success=_saved,
            form=form,
            field="name",
        )
        if done and form.save_and_next.data:
            return redirect(url_for("sponsor_entry.new"))
        if done:
            return redirect(url_for("sponsors.detail", sponsor_id=done.value.id))
    return render_template("sponsors/paper.html", form=form), 422 if form.errors else 200
