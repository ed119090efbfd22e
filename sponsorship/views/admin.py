"""Admin pages: accounts and scheduled jobs."""

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from sponsorship.access import roles_required
from sponsorship.extensions import db
from sponsorship.forms.admin import EditUserForm, RunJobForm, UserForm
from sponsorship.jobs import registry
from sponsorship.jobs.runner import Outcome, run_job
from sponsorship.jobs.scheduler import next_runs
from sponsorship.models import JobRun, Region, User
from sponsorship.models.enums import RegionLevel, Role
from sponsorship.services.core import users
from sponsorship.views.unit_of_work import attempt

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _scope_choices() -> list[tuple[str, str]]:
    regions = db.session.scalars(
        sa.select(Region)
        .where(Region.level.in_([RegionLevel.COUNTY, RegionLevel.TOWN]))
        .order_by(Region.path)
    )
    return [(str(r.id), r.name) for r in regions]


def _region(value: str) -> Region | None:
    return db.session.get(Region, int(value)) if value else None


@bp.route("/users", endpoint="users")
@roles_required(Role.ADMIN)
def users_list():
    rows = db.session.scalars(
        sa.select(User).where(User.role != Role.SPONSOR).order_by(User.active.desc(), User.username)
    ).all()
    return render_template("admin/users.html", users=rows)


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def user_new():
    form = UserForm(scope_choices=_scope_choices())
    if form.validate_on_submit():
        done = attempt(
            lambda: users.create_user(
                form.username.data,
                form.password.data,
                Role(form.role.data),
                display_name=form.display_name.data or "",
                email=form.email.data,
                scope=_region(form.scope.data),
                by=current_user,
            ),
            success=lambda user: _("Account %(name)s created.", name=user.username),
            form=form,
            field="username",
        )
        if done:
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def user_edit(user_id: int):
    user = db.get_or_404(User, user_id)
    if user.role == Role.SPONSOR:
        abort(404)
    form = EditUserForm(obj=user, scope_choices=_scope_choices())
    if not form.is_submitted():
        form.role.data = user.role.value
        form.scope.data = str(user.scope_region_id or "")
    if form.validate_on_submit():
        done = attempt(
            lambda: _update(user, form),
            success=_("Account %(name)s saved.", name=user.username),
            form=form,
            field="role",
        )
        if done:
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user)


def _update(user: User, form: EditUserForm) -> None:
    users.update_user(
        user,
        role=Role(form.role.data),
        scope=_region(form.scope.data),
        display_name=form.display_name.data or "",
        active=form.active.data,
        by=current_user,
    )
    user.email = form.email.data or None


@bp.route("/jobs")
@roles_required(Role.ADMIN)
def jobs():
    runs = db.session.scalars(sa.select(JobRun).order_by(JobRun.started_at.desc()).limit(50)).all()
    return render_template(
        "admin/jobs.html",
        jobs=next_runs(current_app._get_current_object()),
        runs=runs,
        form=RunJobForm(),
    )


@bp.route("/jobs/<job_id>/run", methods=["POST"])
@roles_required(Role.ADMIN)
def job_run(job_id: str):
    spec = registry().get(job_id)
    if spec is None:
        abort(404)
    if not RunJobForm().validate_on_submit():
        abort(400)
    outcome = run_job(spec, trigger="manual")
    messages = {
        Outcome.SUCCEEDED: (_("The job ran successfully."), "success"),
        Outcome.SKIPPED: (_("This period has already run; nothing was done twice."), "info"),
        Outcome.FAILED: (_("The job failed; see the error in the history below."), "error"),
    }
    flash(*messages[outcome])
    return redirect(url_for("admin.jobs"))
