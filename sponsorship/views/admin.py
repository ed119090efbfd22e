"""Admin pages: accounts and scheduled jobs."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from sponsorship.access import roles_required
from sponsorship.extensions import db
from sponsorship.forms.admin import EditUserForm, RunJobForm, UserForm
from sponsorship.models import Region, User
from sponsorship.models.enums import RegionLevel, Role
from sponsorship.services.core import users
from sponsorship.services.reports import job_health
from sponsorship.views.unit_of_work import attempt
from sponsorship.work.job_catalogue import catalogue, next_runs
from sponsorship.work.job_runs import Outcome, run_job

bp = Blueprint("admin", __name__, url_prefix="/admin")

#: How each run was started, as the jobs page names it.
TRIGGER_LABELS = {
    "scheduled": _l("Scheduled"),
    "catch-up": _l("Catch-up after downtime"),
    "retry": _l("Retry after a database failure"),
    "manual": _l("Run by hand"),
}


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
    """List the staff accounts (not caring parents), active ones first."""
    rows = db.session.scalars(
        sa.select(User).where(User.role != Role.SPONSOR).order_by(User.active.desc(), User.username)
    ).all()
    return render_template("admin/users.html", users=rows)


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def user_new():
    """Create a staff account with its role and area of work."""
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
    """Change a staff account's role, area, name, email or whether it is active."""
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
        email=form.email.data or None,
        by=current_user,
    )


@bp.route("/jobs")
@roles_required(Role.ADMIN)
def jobs():
    """Show the scheduled jobs: next runs, last outcomes, unresolved failures."""
    schedule = next_runs()
    return render_template(
        "admin/jobs.html",
        jobs=schedule,
        last=job_health.last_runs(job.id for job, _ in schedule),
        failures=job_health.unresolved_failures(),
        runs=job_health.recent_runs(),
        trigger_labels=TRIGGER_LABELS,
        form=RunJobForm(),
    )


@bp.route("/jobs/<job_id>/run", methods=["POST"])
@roles_required(Role.ADMIN)
def job_run(job_id: str):
    """Run a scheduled job now by hand and flash how it went."""
    job = catalogue().get(job_id)
    if job is None:
        abort(404)
    if not RunJobForm().validate_on_submit():
        abort(400)
    # The runner is its own unit of work: it claims, commits and records the outcome.
    outcome = run_job(job, trigger="manual")
    messages = {
        Outcome.SUCCEEDED: (_("The job ran successfully."), "success"),
        Outcome.SKIPPED: (_("This period has already run; nothing was done twice."), "info"),
        Outcome.FAILED: (_("The job failed; see the error in the history below."), "error"),
        Outcome.DATABASE_ERROR: (
            _("The database failed or could not be reached; the job did not run."),
            "error",
        ),
    }
    flash(*messages[outcome])
    return redirect(url_for("admin.jobs"))
