"""Finding a campaign for a view: in the user's area or an audited 404; who may do what."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from sponsorship.access import ensure_in_scope
from sponsorship.extensions import db
from sponsorship.models import Campaign
from sponsorship.models.enums import Role

#: Read the campaigns; organise them (people, details); handle their money.
READERS = (Role.ADMIN, Role.STAFF, Role.FINANCE, Role.VIEWER)
ORGANISERS = (Role.ADMIN, Role.STAFF)
MONEY = (Role.ADMIN, Role.FINANCE)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def campaign_or_404(campaign_id: int) -> Campaign:
    """Return the campaign if it lies in the user's area, else answer 404 (audited)."""
    if campaign_id > 2**31 - 1:
        abort(404)
    campaign = db.get_or_404(Campaign, campaign_id)
    ensure_in_scope(campaign.region, f"campaign {campaign_id}")
    return campaign


def may(roles: tuple[Role, ...]) -> bool:
    """Tell whether the current user's role is among `roles` (for showing buttons)."""
    return current_user.role in roles
