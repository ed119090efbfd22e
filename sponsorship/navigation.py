"""The navigation bar by role, in groups: each capability adds its entries here."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l

from sponsorship.models.enums import Role

READ = {Role.ADMIN, Role.STAFF, Role.FINANCE, Role.VIEWER}
WORK = {Role.ADMIN, Role.STAFF}
MONEY = {Role.ADMIN, Role.FINANCE}
ADMIN = {Role.ADMIN}
SPONSOR = {Role.SPONSOR}

#: (group label or None for a top-level link, [(endpoint, label, roles)]), in display order.
NAVIGATION = [
    (None, [("main.dashboard", _l("Dashboard"), READ)]),
    (None, [("sponsors.index", _l("Caring parents"), WORK)]),
    (None, [("children.index", _l("Children"), READ)]),
    (
        _l("Pairing work"),
        [
            ("matching.proposals", _l("Matching"), WORK),
            ("pairings.index", _l("Pairings"), WORK),
        ],
    ),
    (
        _l("Money"),
        [
            ("donations.index", _l("Donations"), MONEY),
            ("payouts.index", _l("Payout batches"), READ),
            ("statements.programme", _l("Statements"), READ),
            ("statements.overdue", _l("Overdue"), READ),
        ],
    ),
    (
        _l("Letters"),
        [
            ("letters.queue", _l("Letters"), WORK),
            ("letters.print_queue", _l("Print queue"), WORK),
            ("letter_templates.index", _l("Letter templates"), ADMIN),
        ],
    ),
    (None, [("campaigns.index", _l("Campaigns"), READ)]),
    (None, [("reports.statistics", _l("Statistics"), READ)]),
    (
        _l("System"),
        [
            ("regions.index", _l("Regions"), READ),
            ("admin.users", _l("Users"), ADMIN),
            ("admin.jobs", _l("Scheduled jobs"), ADMIN),
            ("audit_log.index", _l("Audit log"), ADMIN),
            ("data_requests.index", _l("Personal-data requests"), WORK),
            ("appeal.edit", _l("Appeal"), ADMIN),
        ],
    ),
    (None, [("portal.home", _l("My page"), SPONSOR)]),
    (None, [("portal.children", _l("My children"), SPONSOR)]),
    (None, [("portal.pledges", _l("My pledges"), SPONSOR)]),
    (None, [("portal.donations", _l("My donations"), SPONSOR)]),
    (None, [("portal.received", _l("What my children received"), SPONSOR)]),
    (None, [("portal.letters", _l("My letters"), SPONSOR)]),
    (None, [("my_data.index", _l("My personal data"), SPONSOR)]),
]


@dataclass(frozen=True)
class NavGroup:
    """One menu group: its heading (None for a lone link) and the links the user may open."""

    label: str | None
    #: (endpoint, label) pairs the user may open.
    items: list[tuple[str, str]]


def items_for(user) -> list[NavGroup]:
    """Return the navigation groups the user's role may open (endpoints that exist only)."""
    if not user.is_authenticated:
        return []
    known = current_app.view_functions
    groups = []
    for label, entries in NAVIGATION:
        items = [(e, str(text)) for e, text, roles in entries if user.role in roles and e in known]
        if items:
            groups.append(NavGroup(str(label) if label and len(items) > 1 else None, items))
    return groups
