"""The front door (the appeal for visitors, the home page for users) and the staff dashboard."""

from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from sponsorship.access import READERS, roles_required
from sponsorship.clock import today
from sponsorship.money import format_fen
from sponsorship.services.campaigns import overview
from sponsorship.services.data import backups
from sponsorship.services.data.sponsor_requests import open_requests_count
from sponsorship.services.payouts.overview import batch_state
from sponsorship.services.reports import job_health, trends
from sponsorship.services.reports.dashboard import area_of, dashboard_for
from sponsorship.views import charts, public
from sponsorship.views.auth import home_for
from sponsorship.work.job_catalogue import next_runs

bp = Blueprint("main", __name__)

#: How many upcoming scheduled jobs the dashboard lists.
NEXT_JOBS = 4


@bp.route("/")
def index():
    """Show visitors the appeal and send logged-in users to their home page."""
    if not current_user.is_authenticated:
        return public.landing()

    return redirect(home_for(current_user))


def _link(endpoint: str, **values) -> str | None:
    """Return the URL of `endpoint` if that page exists (and the user may open it), else None."""
    if endpoint not in current_app.view_functions:
        return None
    return url_for(endpoint, **values)


def _links() -> dict[str, str | None]:
    editor = current_user.role in ("admin", "staff")
    return {
        "applicants": _link("sponsors.index", status="pending") if editor else None,
        "proposals": _link("matching.proposals") if editor else None,
        "batches": _link("payouts.index"),
        "failed_letters": _link("letters.queue", status="failed") if editor else None,
        "awaiting": _link("children.index", status="awaiting"),
        "statistics": _link("reports.statistics"),
        "overdue": _link("statements.overdue"),
        "jobs": _link("admin.jobs") if current_user.role == "admin" else None,
        "data_requests": _link("data_requests.index") if editor else None,
        "campaigns": _link("campaigns.index"),
    }


def _charts(area, board) -> list[charts.Chart]:
    day = today()
    return [
        charts.bar_chart(
            _("Caring parents recruited by month"), trends.recruitment_by_month(day, area)
        ),
        charts.bar_chart(
            _("Money raised by month (yuan)"),
            [
                trends.Point(p.label, p.value // 100)
                for p in trends.money_by_month(day, board.money_days)
            ],
            _compact_yuan,
        ),
        charts.hbar_chart(
            _("Pairings in progress by town"),
            board.town_pairings,
            note=lambda shown, total: _(
                "The %(shown)d towns with the most pairings, of %(total)d.",
                shown=shown,
                total=total,
            ),
        ),
    ]


def _compact_yuan(yuan: int) -> str:
    """Write a month's money short enough to stand above its bar: 8,500, 12.3万, 124万 (12k)."""
    if yuan < 10_000:
        return f"{yuan:,}"
    if not str(get_locale()).startswith("zh"):
        return f"{yuan / 1_000:.0f}k"
    if yuan < 1_000_000:
        return f"{yuan / 10_000:.1f}".removesuffix(".0") + "万"
    return f"{yuan / 10_000:.0f}万"


@bp.route("/dashboard")
@roles_required(*READERS)
def dashboard():
    """Show staff the figures, charts, next jobs and payout state of their area."""
    board = dashboard_for(current_user)
    jobs = sorted(
        ((spec, at) for spec, at in next_runs() if at),
        key=lambda pair: pair[1],
    )[:NEXT_JOBS]
    return render_template(
        "main/dashboard.html",
        board=board,
        charts=_charts(area_of(current_user), board),
        jobs=jobs,
        job_failures=job_health.unresolved_failures(),
        batch=batch_state(current_user),
        backup=backups.health(),
        data_requests=open_requests_count(current_user),
        links=_links(),
        money=format_fen,
        campaigns=overview.lines(current_user, open_only=True, limit=10),
    )
