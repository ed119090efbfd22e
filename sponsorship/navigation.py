"""The navigation bar by role: each capability adds its entries here."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from sponsorship.models.enums import Role

#: (endpoint, label, roles that see it), in display order.
NAVIGATION = [
    ("main.dashboard", _l("Dashboard"), {Role.ADMIN, Role.STAFF, Role.FINANCE, Role.VIEWER}),
    ("regions.index", _l("Regions"), {Role.ADMIN, Role.STAFF, Role.FINANCE, Role.VIEWER}),
    ("children.index", _l("Children"), {Role.ADMIN, Role.STAFF, Role.FINANCE, Role.VIEWER}),
    ("admin.users", _l("Users"), {Role.ADMIN}),
    ("admin.jobs", _l("Scheduled jobs"), {Role.ADMIN}),
    ("audit_log.index", _l("Audit log"), {Role.ADMIN}),
]


def items_for(user) -> list[tuple[str, str]]:
    """Return the navigation entries the user's role may open."""
    if not user.is_authenticated:
        return []
    return [(endpoint, str(text)) for endpoint, text, roles in NAVIGATION if user.role in roles]
