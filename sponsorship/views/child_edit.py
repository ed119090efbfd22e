"""Registering a child and editing the record, with the same rules as the Excel import."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from sponsorship.access import EDITORS, roles_required
from sponsorship.clock import today
from sponsorship.forms.children import ChildForm
from sponsorship.models import Child
from sponsorship.models.enums import RegionLevel
from sponsorship.services.children import register
from sponsorship.services.children.rules import build_child_data
from sponsorship.services.children.search import places_in_scope
from sponsorship.views.child_audit import audit_child_view
from sponsorship.views.children import get_child
from sponsorship.views.unit_of_work import attempt

bp = Blueprint("child_edit", __name__, url_prefix="/children")


def _village_choices() -> list[tuple[str, str]]:
    villages = places_in_scope(current_user, RegionLevel.VILLAGE)
    return [(str(v.id), f"{v.parent.name if v.parent else ''} · {v.name}") for v in villages]


def _save(form: ChildForm, child: Child | None) -> Child:
    """Check the form with the shared rules and register or update the child."""
    values = form.values()
    if child is not None:
        # The protected numbers are never put back into the page: blank keeps what is stored.
        values["id_number"] = values["id_number"] or child.id_number or ""
        values["bank_account"] = values["bank_account"] or child.guardian.bank_account or ""
    data = build_child_data(values, today())
    if child is None:
        return register.register_child(data, by=current_user)
    return register.update_child(child, data, by=current_user)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*EDITORS)
def new():
    """Register a new child from the form; another user verifies the record."""
    form = ChildForm(village_choices=_village_choices())
    if not form.is_submitted():
        form.consent_given_on.data = today().isoformat()
    if form.validate_on_submit():
        done = attempt(
            lambda: _save(form, None),
            success=lambda child: _(
                "%(name)s is registered. Another user verifies the record.", name=child.name
            ),
            form=form,
            field="region_id",
        )
        if done:
            return redirect(url_for("children.detail", child_id=done.value.id))
    return render_template("children/form.html", form=form, child=None)


@bp.route("/<int:child_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit(child_id: int):
    """Edit a child's record; blank protected numbers keep the stored ones."""
    child = get_child(child_id)
    form = ChildForm(village_choices=_village_choices())
    if not form.is_submitted():
        _fill(form, child)
    if form.validate_on_submit():
        done = attempt(
            lambda: _save(form, child),
            success=lambda saved: _("The record of %(name)s is saved.", name=saved.name),
            form=form,
            field="region_id",
        )
        if done:
            return redirect(url_for("children.detail", child_id=child.id))
    audit_child_view(child)
    return render_template("children/form.html", form=form, child=child)


def _fill(form: ChildForm, child: Child) -> None:
    guardian = child.guardian
    form.name.data = child.name
    form.gender.data = child.gender.value
    form.birth_date.data = child.birth_date.isoformat()
    form.region_id.data = str(child.region_id)
    form.address.data = child.address
    form.school.data = child.school
    form.school_stage.data = child.school_stage.value
    form.grade.data = str(child.grade or "")
    form.aid_type.data = child.aid_type.value
    form.hardships.data = [h.value for h in child.hardships]
    form.family_situation.data = child.family_situation
    form.guardian_name.data = guardian.name
    form.guardian_relation.data = guardian.relation
    form.guardian_mobile.data = guardian.mobile or ""
    form.bank_name.data = guardian.bank_name or ""
    form.consent_given_on.data = guardian.consent_given_on.isoformat()
