"""Finding a child by a whole resident ID number: a reveal in disguise, so it is guarded.

Confirming that a number belongs to a child tells the number; so only those who may reveal it
may look one up, only in their own area, and every lookup is audited (without the number). The
number comes in a POST body, never in a web address; the view also limits how
often, and audits a lookup that finds nobody.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from sponsorship.clock import today
from sponsorship.errors import DomainError, NotFoundError
from sponsorship.extensions import db
from sponsorship.models import Child, User
from sponsorship.services.children.register import REVEAL_ROLES
from sponsorship.services.core import audit
from sponsorship.services.core.scope import in_scope
from sponsorship.services.core.validators import normalize_id_number


def lookup_by_id_number(text: str, *, by: User) -> Child:
    """Return the child in the user's area with this whole ID number, auditing the lookup."""
    if by.role not in REVEAL_ROLES:
        raise NotFoundError(_l("You may not look children up by ID number."))
    number = normalize_id_number(text, today=today())
    if number is None:
        raise DomainError(_l("Type the whole 18-character ID number."))
    child = db.session.scalar(
        in_scope(sa.select(Child).where(Child.id_number == number), Child.region_id, by)
    )
    if child is None:
        # The view audits the refusal (in English, without the number) after the rollback.
        raise DomainError(_l("No child in your area has this ID number."))
    # The detail says what happened, never the number that was typed.
    audit.record("child.lookup", child, detail="found", user=by)
    return child
