"""Invite caring parents to the portal: an account in their mobile number, and a link by letter.

Staff never type a password: the letter (by email when there is one, else by SMS) carries a
link to choose one, valid for days rather than the hour of a reset link.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from sponsorship.clock import today
from sponsorship.errors import DomainError
from sponsorship.extensions import db
from sponsorship.models import Sponsor, User
from sponsorship.models.enums import LetterKind, Role, SponsorStatus
from sponsorship.services.core import audit, users
from sponsorship.services.core.link_lifetimes import valid_hours
from sponsorship.services.core.password_reset import make_token
from sponsorship.services.letters.queue import queue_letter

#: Builds the absolute address of the set-password page from a token (the web layer knows it).
LinkFor = Callable[[str], str]
#: Statuses whose caring parents may be invited: not those refused or gone.
INVITABLE = (SponsorStatus.PENDING, SponsorStatus.APPROVED)


@dataclass
class InviteOutcome:
    """Who was invited, and who was left out because they already use the portal or cannot."""

    invited: list[Sponsor] = field(default_factory=list)
    already_active: list[Sponsor] = field(default_factory=list)
    not_invitable: list[Sponsor] = field(default_factory=list)


def ensure_account(sponsor: Sponsor) -> User:
    """Return the caring parent's portal account, creating one whose password nobody knows."""
    if sponsor.user is not None:
        return sponsor.user
    if users.find_by_username(sponsor.mobile) is not None:
        raise DomainError(
            _l(
                "Another account already logs in with %(mobile)s; change the mobile number first.",
                mobile=sponsor.mobile,
            )
        )
    user = User(
        username=sponsor.mobile,
        display_name=sponsor.name,
        email=sponsor.email,
        role=Role.SPONSOR,
    )
    # A long random secret no one is told: the only way in is the invitation's link.
    user.set_password(secrets.token_urlsafe(32))
    sponsor.user = user
    db.session.add(user)
    db.session.flush()
    return user


def invite(sponsor: Sponsor, *, by: User, link_for: LinkFor) -> bool:
    """Queue a portal invitation (at most one a day); return whether a new one was queued."""
    user = ensure_account(sponsor)
    link = link_for(make_token(user, invitation=True))
    letter = queue_letter(
        LetterKind.PORTAL_INVITATION,
        sponsor,
        f"invite-{today():%Y%m%d}",
        link=link,
        valid_hours=valid_hours(LetterKind.PORTAL_INVITATION),
    )
    if letter is not None:
        audit.record("sponsor.invite", sponsor, detail=letter.channel.value, user=by)
    return letter is not None


def bulk_invite(sponsors: Iterable[Sponsor], *, by: User, link_for: LinkFor) -> InviteOutcome:
    """Invite each caring parent who has not logged in to the portal yet."""
    outcome = InviteOutcome()
    for sponsor in sponsors:
        if sponsor.status not in INVITABLE:
            outcome.not_invitable.append(sponsor)
        elif sponsor.user is not None and sponsor.user.last_login_at is not None:
            outcome.already_active.append(sponsor)
        else:
            invite(sponsor, by=by, link_for=link_for)
            outcome.invited.append(sponsor)
    return outcome
