"""Reports: the statistics for a period, its print page and its spreadsheet."""

from __future__ import annotations

from flask import Blueprint, render_template, request, send_file
from flask_babel import gettext as _
from flask_login import current_user

from sponsorship.access import READERS, roles_required
from sponsorship.forms.reports import PeriodForm
from sponsorship.services.campaigns.paragraph import campaigns_in_period
from sponsorship.services.core import audit
from sponsorship.services.core.scope import towns_in_scope
from sponsorship.services.reports.dashboard import area_of
from sponsorship.services.reports.export import XLSX_MIME, statistics_workbook
from sponsorship.services.reports.measures import Period, current_half_year
from sponsorship.services.reports.statistics import Statistics, statistics_for
from sponsorship.views.unit_of_work import attempt

bp = Blueprint("reports", __name__, url_prefix="/reports")


def _campaigns(stats: Statistics) -> list:
    """The period's campaigns in the user's area (and the chosen town), with paragraphs."""
    return campaigns_in_period(stats.period, current_user, stats.area)


def _statistics() -> tuple[PeriodForm, Statistics]:
    """Read the period and the area from the query string; fall back to the defaults."""
    form = PeriodForm(request.args)
    towns = towns_in_scope(current_user)
    scope = area_of(current_user)
    whole = scope.name if scope is not None else _("Whole county")
    form.town.choices = [("", whole)] + [(str(t.id), t.name) for t in towns]
    if request.args:
        form.validate()  # errors show beside the fields; each valid field still applies
    default = current_half_year()
    start = form.start.data if form.start.data and not form.start.errors else default.start
    end = form.end.data if form.end.data and not form.end.errors else default.end
    if end < start:
        start, end = default.start, default.end
    form.start.data, form.end.data = start, end
    area = scope
    if form.town.data and not form.town.errors:
        area = next(t for t in towns if str(t.id) == form.town.data)
    return form, statistics_for(Period(start, end), area)


@bp.route("/statistics")
@roles_required(*READERS)
def statistics():
    """Show the statistics for the chosen period and area."""
    form, stats = _statistics()
    return render_template(
        "reports/statistics.html", form=form, stats=stats, campaigns=_campaigns(stats)
    )


@bp.route("/statistics/print")
@roles_required(*READERS)
def statistics_print():
    """Show the statistics for the chosen period and area as a page to print."""
    _form, stats = _statistics()
    return render_template(
        "reports/statistics_print.html", stats=stats, campaigns=_campaigns(stats)
    )


@bp.route("/statistics.xlsx")
@roles_required(*READERS)
def statistics_xlsx():
    """Download the statistics for the period and area as a spreadsheet (audited)."""
    _form, stats = _statistics()
    area = stats.area.name if stats.area is not None else "全县"
    name = f"statistics-{stats.period.start:%Y%m%d}-{stats.period.end:%Y%m%d}.xlsx"
    attempt(
        lambda: audit.record(
            "report.exported", object_type="report", object_id="statistics", detail=f"{name} {area}"
        )
    )
    return send_file(
        statistics_workbook(stats, _campaigns(stats)),
        mimetype=XLSX_MIME,
        as_attachment=True,
        download_name=name,
    )
