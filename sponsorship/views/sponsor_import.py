"""Excel import of paper applications: template, upload and preview, all-or-nothing confirm."""

from __future__ import annotations

from flask import Blueprint, send_file
from flask_babel import gettext as _
from flask_login import current_user

from sponsorship.access import EDITORS, roles_required
from sponsorship.services.core.scope import towns_in_scope
from sponsorship.services.sponsors.excel_import import apply_import, plan_import
from sponsorship.services.sponsors.sheet import read_rows, template_workbook
from sponsorship.views.children import XLSX
from sponsorship.views.sheet_import import SheetImport
from sponsorship.views.sponsor_entry import invitation_link

bp = Blueprint("sponsor_import", __name__, url_prefix="/sponsors/import")

SPONSORS = SheetImport(
    read_rows=read_rows,
    plan=plan_import,
    apply=lambda plan, by: apply_import(plan, by, invitation_link),
    upload_template="sponsors/import.html",
    preview_template="sponsors/import_preview.html",
    upload_endpoint="sponsor_import.upload",
    done_endpoint="sponsors.index",
    success=lambda counts: _(
        "Import finished: %(created)d caring parents entered and invited, %(same)d already "
        "entered.",
        created=counts["create"],
        same=counts["unchanged"],
    ),
    raced=lambda: _(
        "A colleague entered some of these forms meanwhile. "
        "Nothing was imported; please upload the file again."
    ),
)


@bp.route("/template.xlsx")
@roles_required(*EDITORS)
def template():
    """Download the Excel template of paper applications, with the towns in the user's area."""
    towns = [t.name for t in towns_in_scope(current_user)]
    return send_file(
        template_workbook(towns),
        as_attachment=True,
        download_name="caring-parents-template.xlsx",
        mimetype=XLSX,
    )


@bp.route("/", methods=["GET", "POST"])
@roles_required(*EDITORS)
def upload():
    """Check an uploaded .xlsx of paper applications and show the preview."""
    return SPONSORS.upload()


@bp.route("/confirm", methods=["POST"])
@roles_required(*EDITORS)
def confirm():
    """Enter the previewed caring parents all together, or nothing if anything changed."""
    return SPONSORS.confirm()
