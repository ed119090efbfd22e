"""Confirming a caring parent's email: until then the address serves for letters, not for login.

Anyone can type any address into the sign-up form. Before this check, a stranger's sign-up with
the owner's address made the address ambiguous, and the owner could no longer log in or reset a
password with it. Now an address serves for login and reset only once its owner opened the link
mailed to it, and one confirmed address belongs to one account (a partial unique index).
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError

from sponsorship.clock import utcnow
from sponsorship.errors import DomainError
from sponsorship.extensions import db
from sponsorship.models import Sponsor, User
from sponsorship.models.enums import LetterKind
from sponsorship.services.core import audit
from sponsorship.services.letters.queue import queue_letter

SALT = "email-confirmation"
#: Days a confirmation link stays valid.
VALID_DAYS = 7


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def make_token(user: User) -> str:
    """Return a signed token that confirms the user's current email address."""
    return _serializer().dumps({"u": user.id, "e": user.email})


def request_confirmation(sponsor: Sponsor, link_for: Callable[[str], str]) -> bool:
    """Mail a confirmation link to the caring parent's unconfirmed email; False if none is due."""
    user = sponsor.user
    if user is None or not user.email or user.email_confirmed_at is not None:
        return False
    token = make_token(user)
    stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
    queue_letter(
        LetterKind.EMAIL_CONFIRMATION,
        sponsor,
        f"email-confirmation-{stamp}",
        link=link_for(token),
        valid_days=VALID_DAYS,
    )
    return True


def user_for_token(token: str) -> User | None:
    """Return the account whose current email the token confirms, or None when it does not."""
    try:
        data = _serializer().loads(token, max_age=VALID_DAYS * 24 * 3600)
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    user = db.session.get(User, data["u"])
    if user is None or not user.active or user.email is None or user.email != data.get("e"):
        return None  # the address changed since the link was sent: that link confirms nothing
    return user


def confirm_email(token: str) -> User:
    """Mark the email the token was sent to as confirmed; refuse one confirmed by another."""
    user = user_for_token(token)
    if user is None:
        raise DomainError(
            _l("The confirmation link is invalid or has expired; ask for a new one in the portal.")
        )
    if user.email_confirmed_at is not None:
        return user
    email = user.email.strip().lower()
    taken = sa.select(User.id).where(
        User.email == email, User.email_confirmed_at.is_not(None), User.id != user.id
    )
    if db.session.scalar(taken) is not None:
        raise _taken()
    try:
        with db.session.begin_nested():  # a twin confirmation may win the race: the index decides
            user.email, user.email_confirmed_at = email, utcnow()
            db.session.flush()
    except IntegrityError as error:
        raise _taken() from error
    audit.record("user.email_confirmed", user, user=user)
    return user


def _taken() -> DomainError:
    return DomainError(
        _l(
            "This email address is already confirmed for another account. Log in with your "
            "mobile number, or ask the federation's staff for help."
        )
    )
