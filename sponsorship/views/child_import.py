"""Excel import of children: template, upload and preview, then an all-or-nothing confirmation."""

from __future__ import annotations

import io

from flask import Blueprint, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from sponsorship.access import EDITORS, roles_required
from sponsorship.extensions import db
from sponsorship.forms.children import ConfirmImportForm, UploadForm
from sponsorship.models.enums import RegionLevel
from sponsorship.services.children.excel_import import apply_import, plan_import
from sponsorship.services.children.search import places_in_scope
from sponsorship.services.children.sheet import read_rows, template_workbook
from sponsorship.services.core.uploads import discard_upload, load_upload, save_upload
from sponsorship.views.children import XLSX
from sponsorship.views.unit_of_work import attempt

bp = Blueprint("child_import", __name__, url_prefix="/children/import")
#: Rows listed in the preview; the counts and every error are always shown in full.
PREVIEW_ROWS = 500


@bp.route("/template.xlsx")
@roles_required(*EDITORS)
def template():
    """Download the Excel template, with the towns in the user's area."""
    towns = [t.name for t in places_in_scope(current_user, RegionLevel.TOWN)]
    return send_file(
        template_workbook(towns),
        as_attachment=True,
        download_name="children-template.xlsx",
        mimetype=XLSX,
    )


@bp.route("/", methods=["GET", "POST"])
@roles_required(*EDITORS)
def upload():
    """Check an uploaded .xlsx of children and show the preview of the import."""
    form = UploadForm()
    if form.validate_on_submit():
        upload_file = form.file.data
        name = (upload_file.filename or "").lower()
        content = upload_file.read()
        if not name.endswith(".xlsx"):
            hint = (
                _("Old .xls files: open them in Excel and save as .xlsx.")
                if name.endswith(".xls")
                else ""
            )
            form.file.errors.append(_("Choose an Excel file ending in .xlsx.") + " " + hint)
        else:
            done = attempt(lambda: _plan(content), form=form, field="file")
            if done:
                rows, plan = done.value
                token = save_upload(rows, current_user.id) if plan.ok else ""
                return _preview(plan, token, upload_file.filename)
    return render_template("children/import.html", form=form), 422 if form.errors else 200


def _plan(content: bytes):
    rows = read_rows(io.BytesIO(content))
    return rows, plan_import(rows, current_user)


def _preview(plan, token: str, filename: str, status: int = 200):
    db.session.rollback()  # planning reads only; make sure nothing it touched is kept
    return render_template(
        "children/import_preview.html",
        plan=plan,
        rows=plan.rows[:PREVIEW_ROWS],
        hidden=max(0, len(plan.rows) - PREVIEW_ROWS),
        filename=filename,
        form=ConfirmImportForm(token=token),
        upload_form=UploadForm(formdata=None),
    ), status


@bp.route("/confirm", methods=["POST"])
@roles_required(*EDITORS)
def confirm():
    """Import the previewed children all together, or nothing if anything changed."""
    form = ConfirmImportForm()
    rows = (
        load_upload(form.token.data or "", current_user.id) if form.validate_on_submit() else None
    )
    if rows is None:
        flash(
            _("That upload has expired or was already imported. Please upload the file again."),
            "error",
        )
        return redirect(url_for("child_import.upload"))
    plan = plan_import(rows, current_user)
    if not plan.ok:
        # The register changed since the preview: show the new problems, import nothing.
        discard_upload(form.token.data)
        return _preview(plan, "", "", status=409)
    try:
        done = attempt(
            lambda: apply_import(plan, current_user),
            success=lambda counts: _(
                "Import finished: %(created)d registered, %(updated)d updated, %(same)d unchanged.",
                created=counts["create"],
                updated=counts["update"],
                same=counts["unchanged"],
            ),
        )
    except IntegrityError:
        # Someone registered one of these children between our check and our insert.
        db.session.rollback()
        flash(
            _(
                "Someone registered some of these children meanwhile. "
                "Nothing was imported; please upload the file again."
            ),
            "error",
        )
        return redirect(url_for("child_import.upload"))
    if not done:
        return redirect(url_for("child_import.upload"))
    discard_upload(form.token.data)
    return redirect(url_for("children.index"))
