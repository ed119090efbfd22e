"""The caring parent's own data in the portal: a copy to download, an erasure request."""

from __future__ import annotations

import io

from flask import Blueprint, abort, g, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from sponsorship.clock import today
from sponsorship.forms.data_requests import ErasureRequestForm
from sponsorship.services.data import files
from sponsorship.services.data.sponsor_requests import open_erasure, request_erasure, sponsor_data
from sponsorship.views.portal import sponsor_required
from sponsorship.views.unit_of_work import attempt

bp = Blueprint("my_data", __name__, url_prefix="/portal/my-data")

FORMATS = {
    "json": ("application/json", files.as_json),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", files.as_xlsx),
}


@bp.route("/")
@sponsor_required
def index():
    """Explain what we keep, offer the copy, and the erasure request."""
    return render_template(
        "my_data/index.html",
        sponsor=g.sponsor,
        form=ErasureRequestForm(),
        waiting=open_erasure(g.sponsor),
    )


@bp.route("/download.<fmt>")
@sponsor_required
def download(fmt: str):
    """Send the caring parent a copy of their own data (the download is audited)."""
    if fmt not in FORMATS:
        abort(404)
    mimetype, write = FORMATS[fmt]
    done = attempt(lambda: write(sponsor_data(g.sponsor, by=current_user)))
    if not done:
        return redirect(url_for("my_data.index"))
    name = f"my-data-{today():%Y%m%d}.{fmt}"
    return send_file(
        io.BytesIO(done.value), as_attachment=True, download_name=name, mimetype=mimetype
    )


@bp.route("/erase", methods=["POST"])
@sponsor_required
def erase():
    """Record the request to close the account and erase the data; staff carry it out."""
    form = ErasureRequestForm()
    if form.validate_on_submit():
        done = attempt(
            lambda: request_erasure(g.sponsor, by=current_user),
            success=_("We have your request. Staff will end your pairings and erase your data."),
            form=form,
            field="confirm",
        )
        if done:
            return redirect(url_for("my_data.index"))
    return (
        render_template(
            "my_data/index.html", sponsor=g.sponsor, form=form, waiting=open_erasure(g.sponsor)
        ),
        422,
    )
