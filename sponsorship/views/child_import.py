"""Excel import of children: template, upload and preview, then an all-or-nothing confirmation."""

from __future__ import annotations

from flask import Blueprint, send_file
from flask_babel import gettext as _
from flask_login import current_user

from sponsorship.access import EDITORS, roles_required
from sponsorship.models.enums import RegionLevel
from sponsorship.services.children.excel_import import apply_import, plan_import
from sponsorship.services.children.search import places_in_scope
from sponsorship.services.children.sheet import read_rows, template_workbook
from sponsorship.views.children import XLSX
from sponsorship.views.sheet_import import SheetImport

bp = Blueprint("child_import", __name__, url_prefix="/children/import")

CHILDREN = SheetImport(
    read_rows=read_rows,
    plan=plan_import,
    apply=apply_import,
    upload_template="children/import.html",
    preview_template="children/import_preview.html",
    upload_endpoint="child_import.upload",
    done_endpoint="children.index",
    success=lambda counts: _(
        "Import finished: %(created)d registered, %(updated)d updated, %(same)d unchanged.",
        created=counts["create"],
        updated=counts["update"],
        same=counts["unchanged"],
    ),
    # Someone registered one of these children between our check and our insert.
    raced=lambda: _(
        "Someone registered some of these children meanwhile. "
        "Nothing was imported; please upload the file again."
    ),
)


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
    return CHILDREN.upload()


@bp.route("/confirm", methods=["POST"])
@roles_required(*EDITORS)
def confirm():
    """Import the previewed children all together, or nothing if anything changed."""
    return CHILDREN.confirm()
