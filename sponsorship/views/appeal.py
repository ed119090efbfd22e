"""The admin edits the appeal (倡议书) shown on the public landing page."""

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from sponsorship.access import roles_required
from sponsorship.models.enums import Role
from sponsorship.services.core import audit, settings
from sponsorship.views.unit_of_work import attempt

bp = Blueprint("appeal", __name__, url_prefix="/admin/appeal")
KEY = "appeal_text"


class AppealForm(FlaskForm):
    """The form holding the text of the appeal shown to visitors."""

    text = TextAreaField(
        _l("Text of the appeal"),
        validators=[DataRequired(_l("This field is required.")), Length(max=20_000)],
    )
    submit = SubmitField(_l("Save"))


@bp.route("/", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit():
    """Edit the appeal on the public landing page and save it, audited."""
    form = AppealForm()
    if not form.is_submitted():
        form.text.data = settings.get(KEY)
    if form.validate_on_submit():
        done = attempt(
            lambda: _save(form.text.data.replace("\r\n", "\n").strip()),
            success=_("The appeal is saved; visitors see it on the front page."),
            form=form,
            field="text",
        )
        if done:
            return redirect(url_for("appeal.edit"))
    return render_template("appeal/edit.html", form=form, default=settings.DEFAULTS[KEY])


def _save(text: str) -> None:
    settings.put(KEY, text, by=current_user)
    audit.record("setting.change", object_type="settings", object_id=KEY)
