"""A campaign's people (staff, admin): children from the register, adults from Excel, details."""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from sponsorship.access import roles_required
from sponsorship.forms.campaigns import ActionForm, ChildFilterForm, ReasonForm
from sponsorship.forms.children import ConfirmImportForm, UploadForm
from sponsorship.models.enums import ChildStatus, Hardship
from sponsorship.services.campaigns import beneficiaries as people
from sponsorship.services.campaigns import beneficiary_import as sheet
from sponsorship.services.campaigns.beneficiaries import ChildFilter
from sponsorship.services.core.uploads import discard_upload, load_upload, save_upload
from sponsorship.views.campaign_access import ORGANISERS, READERS, XLSX, campaign_or_404
from sponsorship.views.unit_of_work import attempt

bp = Blueprint("campaign_people", __name__, url_prefix="/campaigns/<int:campaign_id>/people")


def _towns(campaign) -> list[tuple[str, str]]:
    return [(str(t.id), name) for name, t in sorted(sheet.towns_of(campaign, current_user).items())]


def _filter(form: ChildFilterForm) -> ChildFilter:
    def number(value):
        return value if isinstance(value, int) and 0 <= value <= 30 else None

    return ChildFilter(
        hardship=Hardship(form.hardship.data) if form.hardship.data else None,
        town_id=int(form.town.data) if form.town.data else None,
        min_age=number(form.min_age.data),
        max_age=number(form.max_age.data),
        status=ChildStatus(form.status.data) if form.status.data else None,
    )


@bp.route("/children", methods=["GET", "POST"])
@roles_required(*ORGANISERS)
def children(campaign_id: int):
    """Preview the register's children a filter finds (GET), and add them all (POST)."""
    campaign = campaign_or_404(campaign_id)
    town_choices = _towns(campaign)
    if request.method == "POST":
        form = ChildFilterForm(town_choices=town_choices)
        if form.validate_on_submit():
            done = attempt(
                lambda: people.add_children(campaign, _filter(form), by=current_user),
                success=lambda counts: _(
                    "%(added)d children added; %(skipped)d already in the campaign were skipped.",
                    added=counts[0],
                    skipped=counts[1],
                ),
                form=form,
                field="hardship",
            )
            if done:
                return redirect(
                    url_for("campaigns.detail", campaign_id=campaign.id, _anchor="people")
                )
    else:
        form = ChildFilterForm(
            formdata=request.args, meta={"csrf": False}, town_choices=town_choices
        )
        form.validate()
    found, already = ([], set())
    if not form.errors:
        found, already = people.preview_children(campaign, _filter(form), current_user)
    return render_template(
        "campaigns/children.html",
        campaign=campaign,
        form=form,
        post_form=ChildFilterForm(
            formdata=None, obj=None, town_choices=town_choices, data=form.data
        ),
        found=found[: people.MAX_CHILDREN],
        too_many=len(found) > people.MAX_CHILDREN,
        already=already,
        searched=bool(request.args) or request.method == "POST",
    ), (422 if form.errors else 200)


@bp.route("/template.xlsx")
@roles_required(*ORGANISERS)
def template(campaign_id: int):
    """Download the Excel template for adults, with the towns of the campaign's area."""
    campaign = campaign_or_404(campaign_id)
    towns = sorted(sheet.towns_of(campaign, current_user))
    return send_file(
        sheet.template_workbook(towns),
        as_attachment=True,
        download_name="campaign-people-template.xlsx",
        mimetype=XLSX,
    )


def _preview(campaign, plan, token: str, filename: str, status: int = 200):
    return render_template(
        "campaigns/import_preview.html",
        campaign=campaign,
        plan=plan,
        rows=plan.rows[:500],
        hidden=max(0, len(plan.rows) - 500),
        filename=filename,
        form=ConfirmImportForm(token=token),
        upload_form=UploadForm(formdata=None),
    ), status


@bp.route("/import", methods=["GET", "POST"])
@roles_required(*ORGANISERS)
def upload(campaign_id: int):
    """Check an uploaded sheet of adults and show every problem, or the preview to confirm."""
    campaign = campaign_or_404(campaign_id)
    form = UploadForm()
    if form.validate_on_submit():
        upload_file = form.file.data
        content = upload_file.read()
        if not (upload_file.filename or "").lower().endswith(".xlsx"):
            form.file.errors.append(_("Choose an Excel file ending in .xlsx."))
        else:
            done = attempt(
                lambda: _plan(campaign, sheet.read_rows(io.BytesIO(content))),
                form=form,
                field="file",
            )
            if done:
                rows, plan = done.value
                token = save_upload(rows, current_user.id) if plan.ok else ""
                return _preview(
                    campaign, plan, token, upload_file.filename, 200 if plan.ok else 422
                )
    return render_template("campaigns/import.html", campaign=campaign, form=form), (
        422 if form.errors else 200
    )


def _plan(campaign, rows):
    return rows, sheet.plan_import(campaign, rows, current_user)


@bp.route("/import/confirm", methods=["POST"])
@roles_required(*ORGANISERS)
def confirm(campaign_id: int):
    """Add the previewed people all together, or nobody if anything changed meanwhile."""
    campaign = campaign_or_404(campaign_id)
    form = ConfirmImportForm()
    token = form.token.data or ""
    rows = load_upload(token, current_user.id) if form.validate_on_submit() else None
    if rows is None:
        flash(
            _("That upload has expired or was already imported. Please upload the file again."),
            "error",
        )
        return redirect(url_for("campaign_people.upload", campaign_id=campaign.id))
    plan = sheet.plan_import(campaign, rows, current_user)
    if not plan.ok:
        discard_upload(token)
        return _preview(campaign, plan, "", "", status=409)
    done = attempt(
        lambda: sheet.apply_import(campaign, plan, current_user),
        success=lambda counts: _("%(n)d people added to the campaign.", n=counts["create"]),
    )
    if not done:
        return redirect(url_for("campaign_people.upload", campaign_id=campaign.id))
    discard_upload(token)
    return redirect(url_for("campaigns.detail", campaign_id=campaign.id, _anchor="people"))


def _person_or_404(campaign, beneficiary_id: int):
    if beneficiary_id > 2**31 - 1:
        abort(404)
    done = attempt(lambda: people.get_beneficiary(campaign, beneficiary_id))
    return done.value


def _person_page(
    campaign, person, *, revealed=None, health=None, reveal_form=None, health_form=None, status=200
):
    return render_template(
        "campaigns/person.html",
        campaign=campaign,
        person=person,
        masked_id=people.masked_id(person),
        revealed=revealed,
        health=health,
        may_reveal=people.may_reveal(current_user, campaign),
        may_health=people.may_view_health(current_user) and bool(person.health_condition),
        may_remove=current_user.role in ORGANISERS and campaign.is_open,
        reveal_form=reveal_form or ReasonForm(formdata=None),
        health_form=health_form or ReasonForm(formdata=None),
        remove_form=ActionForm(formdata=None),
    ), status


@bp.route("/<int:beneficiary_id>")
@roles_required(*READERS)
def person(campaign_id: int, beneficiary_id: int):
    """Show one person of the campaign (masked ID, no health condition), audited."""
    campaign = campaign_or_404(campaign_id)
    beneficiary = _person_or_404(campaign, beneficiary_id)
    attempt(lambda: people.record_person_view(beneficiary, by=current_user))
    return _person_page(campaign, beneficiary)


@bp.route("/<int:beneficiary_id>/reveal", methods=["POST"])
@roles_required(*ORGANISERS)
def reveal(campaign_id: int, beneficiary_id: int):
    """Show the full ID number, once a reason is given (audited)."""
    return _with_reason(
        campaign_id, beneficiary_id, people.reveal_id, shown="revealed", form_slot="reveal_form"
    )


@bp.route("/<int:beneficiary_id>/health", methods=["POST"])
@roles_required(*ORGANISERS)
def health(campaign_id: int, beneficiary_id: int):
    """Show the health condition (查看健康状况), once a reason is given (audited)."""
    return _with_reason(
        campaign_id, beneficiary_id, people.view_health, shown="health", form_slot="health_form"
    )


def _with_reason(campaign_id: int, beneficiary_id: int, show, *, shown: str, form_slot: str):
    """Run `show` with the reason typed: the person's page holding its answer in `shown`, or
    the reason form again, in `form_slot`, with why not."""
    campaign = campaign_or_404(campaign_id)
    beneficiary = _person_or_404(campaign, beneficiary_id)
    form = ReasonForm()
    if form.validate_on_submit():
        done = attempt(
            lambda: show(beneficiary, form.reason.data, by=current_user),
            form=form,
            field="reason",
        )
        if done:
            return _person_page(campaign, beneficiary, **{shown: done.value})
    return _person_page(campaign, beneficiary, **{form_slot: form}, status=422)


@bp.route("/<int:beneficiary_id>/remove", methods=["POST"])
@roles_required(*ORGANISERS)
def remove(campaign_id: int, beneficiary_id: int):
    """Take a person out of the campaign while nothing has been handed out to them."""
    campaign = campaign_or_404(campaign_id)
    beneficiary = _person_or_404(campaign, beneficiary_id)
    if ActionForm().validate_on_submit():
        done = attempt(
            lambda: people.remove_beneficiary(beneficiary, by=current_user),
            success=_("Taken out of the campaign."),
        )
        if done:
            return redirect(url_for("campaigns.detail", campaign_id=campaign.id, _anchor="people"))
    return redirect(
        url_for("campaign_people.person", campaign_id=campaign.id, beneficiary_id=beneficiary_id)
    )
