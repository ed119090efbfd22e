"""The navigation bar by role: each capability adds its entries here."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from sponsorship.models.enums import Role

#: (endpoint, label, roles that see it), in display order.
NAVIGATION = [
    ("main.dashboard", _l("Dashboard"), {Role.ADMIN, Role.STAFF, Role.FINANCE, Role.VIEWER}),
    ("regions.index", _l("Regions"), {Role.ADMIN, Role.STAFF, Role.FINANCE, Role.VIEWER}),
    ("matching.proposals", _l("Matching"), {Role.ADMIN, Role.STAFF}),
    ("pairings.index", _l("Pairings"), {Role.ADMIN, Role.STAFF}),
    ("admin.users", _l("Users"), {Role.ADMIN}),
    ("admin.jobs", _l("Scheduled jobs"), {Role.ADMIN}),
]


def items_for(user) -> list[tuple[str, str]]:
    """Return the navigation entries the user's role may open."""
    if not user.is_authenticated:
        return []
    return [(endpoint, str(text)) for endpoint, text, roles in NAVIGATION if user.role in roles]
