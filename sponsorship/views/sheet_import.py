"""Importing a sheet, the same for every register: upload, preview every error, confirm all.

The file is read and checked without writing; the rows wait on the server under a random token
while the user looks at the preview; the confirmation checks them again against the register as
it is then, and enters all of them or none.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from sponsorship.extensions import db
from sponsorship.forms.children import ConfirmImportForm, UploadForm
from sponsorship.services.core.uploads import discard_upload, load_upload, save_upload
from sponsorship.views.unit_of_work import attempt

#: Rows listed in the preview; the counts and every error are always shown in full.
PREVIEW_ROWS = 500


@dataclass(frozen=True)
class SheetImport:
    """One register's import: how to read, plan and apply its sheet, and its pages and words."""

    read_rows: Callable
    plan: Callable
    apply: Callable
    upload_template: str
    preview_template: str
    upload_endpoint: str
    done_endpoint: str
    #: The flash after a confirmed import, from the counts the apply step returns.
    success: Callable[[dict], str]
    #: What to say when a unique key was taken between the check and the insert.
    raced: Callable[[], str]

    def upload(self):
        """Check an uploaded .xlsx and show the preview of the import."""
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
                done = attempt(lambda: self._plan(content), form=form, field="file")
                if done:
                    rows, plan = done.value
                    token = save_upload(rows, current_user.id) if plan.ok else ""
                    return self._preview(plan, token, upload_file.filename)
        return render_template(self.upload_template, form=form), 422 if form.errors else 200

    def _plan(self, content: bytes):
        rows = self.read_rows(io.BytesIO(content))
        return rows, self.plan(rows, current_user)

    def _preview(self, plan, token: str, filename: str, status: int = 200):
        db.session.rollback()  # planning reads only; make sure nothing it touched is kept
        return render_template(
            self.preview_template,
            plan=plan,
            rows=plan.rows[:PREVIEW_ROWS],
            hidden=max(0, len(plan.rows) - PREVIEW_ROWS),
            filename=filename,
            form=ConfirmImportForm(token=token),
            upload_form=UploadForm(formdata=None),
        ), status

    def confirm(self):
        """Import the previewed rows all together, or nothing if anything changed."""
        form = ConfirmImportForm()
        token = form.token.data or ""
        rows = load_upload(token, current_user.id) if form.validate_on_submit() else None
        if rows is None:
            flash(
                _("That upload has expired or was already imported. Please upload the file again."),
                "error",
            )
            return redirect(url_for(self.upload_endpoint))
        plan = self.plan(rows, current_user)
        if not plan.ok:
            # The register changed since the preview: show the new problems, import nothing.
            discard_upload(token)
            return self._preview(plan, "", "", status=409)
        try:
            done = attempt(lambda: self.apply(plan, current_user), success=self.success)
        except IntegrityError:
            db.session.rollback()
            flash(self.raced(), "error")
            return redirect(url_for(self.upload_endpoint))
        if not done:
            return redirect(url_for(self.upload_endpoint))
        discard_upload(token)
        return redirect(url_for(self.done_endpoint))
