"""The letter queue, a letter's page, resending failed emails, and the print queue."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from sponsorship.access import EDITORS, ensure_in_scope, roles_required
from sponsorship.clock import localnow
from sponsorship.extensions import db
from sponsorship.forms.letters import MarkPrintedForm, QueueFilterForm, ResendForm
from sponsorship.models import Letter
from sponsorship.request_input import database_ids
from sponsorship.services.core import audit
from sponsorship.services.core.scope import in_scope
from sponsorship.services.letters import printing
from sponsorship.services.letters import queue as letter_queue
from sponsorship.services.letters import text as letter_text
from sponsorship.views.unit_of_work import attempt

bp = Blueprint("letters", __name__, url_prefix="/letters")


def _scoped(stmt: sa.Select) -> sa.Select:
    return in_scope(stmt, Letter.region_id, current_user)


def _letter_or_404(letter_id: int) -> Letter:
    letter = db.get_or_404(Letter, letter_id)
    ensure_in_scope(letter.region, f"letter={letter_id}")
    return letter


@bp.route("/")
@roles_required(*EDITORS)
def queue():
    """List the letters in the user's area, filtered by kind, channel and status."""
    form = QueueFilterForm(request.args)
    stmt = _scoped(sa.select(Letter))
    for name in ("kind", "channel", "status"):
        select = getattr(form, name)
        allowed = {value for value, _label in select.choices if value}
        if select.data in allowed:  # an unknown value filters nothing rather than failing
            stmt = stmt.where(getattr(Letter, name) == select.data)
    page = db.paginate(
        stmt.order_by(Letter.created_at.desc(), Letter.id.desc()), per_page=50, error_out=False
    )
    letter_text.fill(page.items)
    return render_template("letters/queue.html", form=form, page=page)


@bp.route("/<int:letter_id>")
@roles_required(*EDITORS)
def detail(letter_id: int):
    """Show a letter, with the button to send it again if it failed."""
    letter = _letter_or_404(letter_id)
    letter_text.fill([letter])
    return render_template("letters/detail.html", letter=letter, resend_form=ResendForm())


@bp.route("/<int:letter_id>/resend", methods=["POST"])
@roles_required(*EDITORS)
def resend(letter_id: int):
    """Put a failed email or SMS back in the queue to be sent again."""
    letter = _letter_or_404(letter_id)
    if ResendForm().validate_on_submit():
        attempt(
            lambda: letter_queue.resend(letter, by=current_user),
            success=_("The letter is back in the queue and will be sent within a minute."),
        )
    return redirect(url_for("letters.detail", letter_id=letter.id))


def _postal(ids: list[int] | None = None) -> list[Letter]:
    stmt = letter_queue.postal_queue(_scoped(sa.select(Letter)))
    if ids is not None:
        stmt = stmt.where(Letter.id.in_(ids))
    letters = list(db.session.scalars(stmt))
    letter_text.fill(letters)
    return letters


def _ids(text: str | None) -> list[int]:
    return database_ids(part.strip() for part in (text or "").split(","))


@bp.route("/print")
@roles_required(*EDITORS)
def print_queue():
    """List the postal letters waiting to be printed."""
    waiting = _postal()
    form = MarkPrintedForm(letter_ids=",".join(str(letter.id) for letter in waiting))
    return render_template("letters/print_queue.html", letters=waiting, form=form)


@bp.route("/print.pdf")
@roles_required(*EDITORS)
def print_pdf():
    """Download the waiting postal letters (or the chosen ones) as one PDF."""
    chosen = _postal(_ids(request.args.get("ids")) if request.args.get("ids") else None)
    done = attempt(lambda: _printed(chosen))
    if not done:
        return redirect(url_for("letters.print_queue"))
    pdf = done.value
    name = f"letters-{localnow():%Y%m%d-%H%M}.pdf"
    return (
        pdf,
        200,
        {
            "Content-Type": "application/pdf",
            "Content-Disposition": f'attachment; filename="{name}"',
        },
    )


def _printed(chosen: list[Letter]) -> bytes:
    pdf = printing.print_pdf(chosen)
    audit.record("letter.print_pdf", detail=",".join(str(letter.id) for letter in chosen))
    return pdf


@bp.route("/print/mark", methods=["POST"])
@roles_required(*EDITORS)
def mark_printed():
    """Mark the listed postal letters as printed."""
    form = MarkPrintedForm()
    if form.validate_on_submit():
        chosen = _postal(_ids(form.letter_ids.data))
        attempt(
            lambda: letter_queue.mark_printed(chosen, by=current_user),
            success=lambda done: _("%(count)d letters marked printed.", count=done),
        )
    return redirect(url_for("letters.print_queue"))
