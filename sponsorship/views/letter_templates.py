"""The template editor: each kind's text per language, a server-rendered preview, versions."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from sponsorship.access import roles_required
from sponsorship.forms.letters import TemplateForm
from sponsorship.letters.rendering import LANGUAGES, sample_context
from sponsorship.models.enums import LetterKind, Role
from sponsorship.services.letters import templates
from sponsorship.views.unit_of_work import attempt

bp = Blueprint("letter_templates", __name__, url_prefix="/letters/templates")

LANGUAGE_NAMES = {"zh": "中文", "en": "English"}


def _kind(value: str) -> LetterKind:
    try:
        return LetterKind(value)
    except ValueError:
        abort(404)


@bp.route("/")
@roles_required(Role.ADMIN)
def index():
    """List each letter kind with the version of its text in use per language."""
    rows = [
        (kind, [(lang, templates.current_text(kind, lang)[2]) for lang in LANGUAGES])
        for kind in LetterKind
    ]
    return render_template(
        "letter_templates/index.html",
        rows=rows,
        names=LANGUAGE_NAMES,
        failed=templates.failed_templates(),
    )


@bp.route("/<kind>/<language>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit(kind: str, language: str):
    """Edit a letter template in one language, preview it, save a new version."""
    letter_kind = _kind(kind)
    if language not in LANGUAGES:
        abort(404)
    subject, body, version = templates.current_text(letter_kind, language)
    form = TemplateForm()
    shown_version = version
    if not form.is_submitted():
        old = request.args.get("version", type=int)
        if old:
            row = templates.version(letter_kind, language, old)
            if row is None:
                abort(404)
            subject, body, shown_version = row.subject, row.body, row.version
        form.subject.data, form.body.data = subject, body
    preview = None
    if form.validate_on_submit():
        shown = attempt(
            lambda: templates.preview(letter_kind, language, form.subject.data, form.body.data),
            form=form,
            field="body",
        )
        preview = shown.value
        if shown and form.save.data:
            saved = attempt(
                lambda: templates.save_template(
                    letter_kind, language, form.subject.data, form.body.data, by=current_user
                ),
                success=lambda row: _("Version %(number)d saved and in use.", number=row.version),
                form=form,
                field="body",
            )
            if saved:
                return redirect(url_for("letter_templates.edit", kind=kind, language=language))
    elif not form.is_submitted():
        # A version saved before templates were checked may not render: say so beside the text.
        preview = attempt(
            lambda: templates.preview(letter_kind, language, subject, body), form=form, field="body"
        ).value
    return render_template(
        "letter_templates/edit.html",
        form=form,
        kind=letter_kind,
        language=language,
        language_name=LANGUAGE_NAMES[language],
        version=version,
        shown_version=shown_version,
        preview=preview,
        history=templates.history(letter_kind, language),
        placeholders=_placeholders(sample_context(letter_kind, language)),
        failure=templates.failed_templates().get((letter_kind.value, language)),
    )


def _placeholders(context: dict, prefix: str = "") -> list[str]:
    """Return the names a template of this kind can use, e.g. name, child.given_name."""
    names = []
    for key, value in context.items():
        if isinstance(value, dict):
            names.extend(_placeholders(value, f"{prefix}{key}."))
        else:
            names.append(f"{prefix}{key}")
    return sorted(names)
