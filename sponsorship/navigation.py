"""The navigation bar by role: each capability adds its entries here."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from sponsorship.models.enums import Role

#: (endpoint, label, roles that see it), in display order.
NAVIGATION = [
    ("main.dashboard", _l("Dashboard"), {Role.ADMIN, Role.STAFF, Role.FINANCE, Role.VIEWER}),
    ("sponsors.index", _l("Caring parents"), {Role.ADMIN, Role.STAFF}),
    ("regions.index", _l("Regions"), {Role.ADMIN, Role.STAFF, Role.FINANCE, Role.VIEWER}),
    ("letters.queue", _l("Letters"), {Role.ADMIN, Role.STAFF}),
    ("letters.print_queue", _l("Print queue"), {Role.ADMIN, Role.STAFF}),
    ("letter_templates.index", _l("Letter templates"), {Role.ADMIN}),
    ("donations.index", _l("Donations"), {Role.ADMIN, Role.FINANCE}),
    ("payouts.index", _l("Payout batches"), {Role.ADMIN, Role.STAFF, Role.FINANCE, Role.VIEWER}),
    ("statements.programme", _l("Statements"), {Role.ADMIN, Role.STAFF, Role.FINANCE, Role.VIEWER}),
    ("statements.overdue", _l("Overdue"), {Role.ADMIN, Role.STAFF, Role.FINANCE, Role.VIEWER}),
    ("statements.mine", _l("My statement"), {Role.SPONSOR}),
    ("admin.users", _l("Users"), {Role.ADMIN}),
    ("admin.jobs", _l("Scheduled jobs"), {Role.ADMIN}),
    ("appeal.edit", _l("Appeal"), {Role.ADMIN}),
    ("portal.home", _l("My page"), {Role.SPONSOR}),
    ("portal.children", _l("My children"), {Role.SPONSOR}),
    ("portal.pledges", _l("My pledges"), {Role.SPONSOR}),
    ("portal.donations", _l("My donations"), {Role.SPONSOR}),
    ("portal.received", _l("What my children received"), {Role.SPONSOR}),
    ("portal.letters", _l("My letters"), {Role.SPONSOR}),
]


def items_for(user) -> list[tuple[str, str]]:
    """Return the navigation entries the user's role may open."""
    if not user.is_authenticated:
        return []
    return [(endpoint, str(text)) for endpoint, text, roles in NAVIGATION if user.role in roles]
