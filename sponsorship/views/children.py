"""The register of children: list, detail with audited reveal, status changes, export."""

from __future__ import annotations

import functools
from urllib.parse import parse_qsl

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_login import current_user
from sqlalchemy.orm import joinedload
from werkzeug.datastructures import MultiDict

from sponsorship.access import EDITORS, READERS, ensure_in_scope, roles_required
from sponsorship.clock import today
from sponsorship.extensions import db, limiter
from sponsorship.forms.children import ActionForm, ExitForm, ExportForm, LookupForm, RevealForm
from sponsorship.labels import choices, label
from sponsorship.masking import mask_account, mask_id_number
from sponsorship.models import Child, Pairing, Region
from sponsorship.models.enums import (
    AidType,
    ChildStatus,
    ExitReason,
    Hardship,
    RegionLevel,
    SchoolStage,
)
from sponsorship.services.children import register
from sponsorship.services.children.excel_export import export_children
from sponsorship.services.children.lookup import lookup_by_id_number
from sponsorship.services.children.search import ChildFilters, find_children
from sponsorship.services.core.places import Places
from sponsorship.views.child_audit import audit_child_view
from sponsorship.views.unit_of_work import Audit, attempt

bp = Blueprint("children", __name__, url_prefix="/children")
FILTER_LABELS = {
    "status": _l("Status"),
    "aid_type": _l("Aid type"),
    "stage": _l("School stage"),
    "hardship": _l("Hardship"),
}


@bp.app_template_filter("mask_id")
def _mask_id(value: str | None) -> str:
    return mask_id_number(value)


@bp.app_template_filter("mask_account")
def _mask_account(value: str | None) -> str:
    return mask_account(value)


def get_child(child_id: int) -> Child:
    """Load a child with its guardian and village, or answer 404 (also outside the scope)."""
    child = db.one_or_404(
        sa.select(Child)
        .where(Child.id == child_id)
        .options(joinedload(Child.region).joinedload(Region.parent), joinedload(Child.guardian))
    )
    ensure_in_scope(child.region, f"child={child_id}")
    return child


@bp.route("/")
@roles_required(*READERS)
def index():
    """List the children in the user's area, filtered and paged."""
    return _render_index(LookupForm(formdata=None))


def _render_index(lookup_form: LookupForm, status: int = 200):
    filters = ChildFilters.from_args(request.args).for_user(current_user)
    places = Places.load()
    page = find_children(
        current_user, filters, request.args.get("page", 1, type=int), places=places
    )
    may_reveal = current_user.role in register.REVEAL_ROLES
    return render_template(
        "children/index.html",
        filters=filters,
        page=page,
        towns=places.options(current_user, RegionLevel.TOWN),
        villages=(
            places.options(current_user, RegionLevel.VILLAGE, filters.town) if filters.town else []
        ),
        export_url=url_for("children.export"),
        export_full_url=url_for("children.export_full"),
        can_reveal=may_reveal,
        shows_birth_date=may_reveal,
        lookup_form=lookup_form,
        today=today(),
        **_list_words(str(get_locale())),
        detail_base=url_for("children.index").rstrip("/"),
    ), status


def _lookup_limit() -> str:
    return current_app.config["ID_LOOKUP_RATE_LIMIT"]


def _per_user() -> str:
    return f"user:{current_user.id}" if current_user.is_authenticated else get_remote_address()


@bp.route("/lookup", methods=["POST"])
@roles_required(*register.REVEAL_ROLES)
@limiter.limit(_lookup_limit, key_func=_per_user)
def lookup():
    """Open the child with a whole ID number, sent in the body so no address or log holds it."""
    form = LookupForm()
    if form.validate_on_submit():
        done = attempt(
            lambda: lookup_by_id_number(form.id_number.data, by=current_user),
            form=form,
            field="id_number",
            refusal=Audit("child.lookup"),
        )
        if done:
            return redirect(url_for("children.detail", child_id=done.value.id))
    return _render_index(form, status=422)


@functools.cache
def _list_words(locale: str) -> dict:
    """Return the list page's translated labels, built once per language, not once per row."""
    return {
        "status_choices": choices(ChildStatus),
        "aid_choices": choices(AidType),
        "stage_choices": choices(SchoolStage),
        "hardship_choices": choices(Hardship),
        "filter_labels": {key: str(text) for key, text in FILTER_LABELS.items()},
        "names": {
            "status": {m: label(m) for m in ChildStatus},
            "aid": {m: label(m) for m in AidType},
            "stage": {m: label(m) for m in SchoolStage},
            "hardship": {m: label(m) for m in Hardship},
        },
        "grade_format": _("grade %(n)d"),
        "year_format": _("born %(year)d"),
        "days_format": _("%(n)d days"),
    }


def _render_detail(child: Child, revealed=None, reveal_form=None, exit_form=None, status=200):
    history = db.session.scalars(
        sa.select(Pairing)
        .where(Pairing.child_id == child.id)
        .options(joinedload(Pairing.sponsor))
        .order_by(Pairing.created_at.desc(), Pairing.id.desc())
    ).all()
    return render_template(
        "children/detail.html",
        child=child,
        history=history,
        revealed=revealed,
        reveal_form=reveal_form or RevealForm(formdata=None),
        action_form=ActionForm(),
        exit_form=exit_form or ExitForm(formdata=None),
        can_reveal=register.can_reveal(current_user, child),
        shows_birth_date=register.can_reveal(current_user, child),
        can_edit=current_user.role in EDITORS,
        today=today(),
    ), status


@bp.route("/<int:child_id>")
@roles_required(*READERS)
def detail(child_id: int):
    """Show a child's record and pairing history, and audit that it was opened."""
    child = get_child(child_id)
    audit_child_view(child)
    return _render_detail(child)


@bp.route("/<int:child_id>/reveal", methods=["POST"])
@roles_required(*EDITORS)
def reveal(child_id: int):
    """Show the child's full ID and bank numbers, once a reason is given (audited)."""
    child = get_child(child_id)
    form = RevealForm()
    if not form.validate_on_submit():
        return _render_detail(child, reveal_form=form, status=422)
    done = attempt(
        lambda: register.reveal(child, form.reason.data, by=current_user), form=form, field="reason"
    )
    if not done:
        return _render_detail(child, reveal_form=form, status=422)
    return _render_detail(child, revealed=done.value)


def _status_action(child_id: int, verb, message: str):
    child = get_child(child_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    attempt(lambda: verb(child, by=current_user), success=message)
    return redirect(url_for("children.detail", child_id=child_id))


@bp.route("/<int:child_id>/verify", methods=["POST"])
@roles_required(*EDITORS)
def verify(child_id: int):
    """Mark a child's record as verified."""
    return _status_action(child_id, register.verify_child, _("The record is verified."))


@bp.route("/<int:child_id>/await", methods=["POST"])
@roles_required(*EDITORS)
def await_sponsor(child_id: int):
    """Put a child on the list of children waiting for a caring parent."""
    return _status_action(
        child_id, register.open_for_sponsors, _("The child is now waiting for a caring parent.")
    )


@bp.route("/<int:child_id>/exit", methods=["POST"])
@roles_required(*EDITORS)
def exit_programme(child_id: int):
    """Record that a child leaves the programme, with the reason and a note."""
    child = get_child(child_id)
    form = ExitForm()
    if form.validate_on_submit():
        done = attempt(
            lambda: register.exit_child(
                child, ExitReason(form.reason.data), form.note.data or "", by=current_user
            ),
            success=_("The child has left the programme."),
            form=form,
            field="note",
        )
        if done:
            return redirect(url_for("children.detail", child_id=child_id))
    return _render_detail(child, exit_form=form, status=422)


@bp.route("/export/full")
@roles_required(*register.REVEAL_ROLES)
def export_full():
    """Ask why the full numbers are needed before exporting them."""
    filters = ChildFilters.from_args(request.args)
    form = ExportForm(args=filters.query()[1:])
    return render_template("children/export_full.html", form=form, filters=filters)


@bp.route("/export", methods=["GET", "POST"])
@roles_required(*READERS)
def export():
    """GET exports masked numbers; POST (with a reason) the full numbers, for those allowed."""
    reason = None
    args = request.args
    if request.method == "POST":
        if current_user.role not in register.REVEAL_ROLES:
            abort(403)
        form = ExportForm()
        if not form.validate_on_submit():
            flash(_("Say why you need the full numbers, then export again."), "error")
            return redirect(url_for("children.export_full") + "?" + (form.args.data or ""))
        reason = form.reason.data.strip()
        args = MultiDict(_parse_qs(form.args.data or ""))
    filters = ChildFilters.from_args(args)
    done = attempt(lambda: export_children(current_user, filters, reveal_reason=reason))
    if not done:
        return redirect(url_for("children.index"))
    stream = done.value
    name = f"children-{today():%Y%m%d}.xlsx"
    return send_file(stream, as_attachment=True, download_name=name, mimetype=XLSX)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _parse_qs(text: str) -> list[tuple[str, str]]:
    return parse_qsl(text, keep_blank_values=False)
