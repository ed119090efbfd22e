"""Password reset for caring parents: a signed, time-limited link sent by letter.

The same link, longer-lived, invites a caring parent whom staff entered from a paper form to set
a first password: staff never type one.
"""

from __future__ import annotations

import hashlib
from contextlib import suppress

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from sponsorship.clock import utcnow
from sponsorship.errors import DomainError
from sponsorship.extensions import db
from sponsorship.letters.rendering import LetterTemplateError, render
from sponsorship.models import Sponsor, User
from sponsorship.models.enums import Role
from sponsorship.services.core import audit, users
from sponsorship.services.core.link_lifetimes import CONFIG_KEYS, max_age, valid_hours
from sponsorship.services.core.links import public_url
from sponsorship.services.letters.queue import LetterKind, queue_letter
from sponsorship.services.letters.recipients import common_context
from sponsorship.services.letters.templates import current_text

SALT = "portal-password-reset"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _fingerprint(user: User) -> str:
    # Part of the signed payload: once the password changes, every earlier link stops working.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:20]


def make_token(user: User, *, invitation: bool = False) -> str:
    """Return a signed token that lets `user` set a new password until it expires or is used."""
    payload = {"u": user.id, "p": _fingerprint(user)}
    if invitation:
        payload["i"] = 1
    return _serializer().dumps(payload)


def user_for_token(token: str) -> User | None:
    """Return the portal user a valid, unexpired, unused token belongs to, or None."""
    serializer = _serializer()
    try:
        # The payload says which lifetime applies: read it within the longest, then check it.
        data = serializer.loads(token, max_age=max(max_age(kind) for kind in CONFIG_KEYS))
        if not isinstance(data, dict):
            return None
        kind = LetterKind.PORTAL_INVITATION if data.get("i") else LetterKind.PASSWORD_RESET
        serializer.loads(token, max_age=max_age(kind))
    except (SignatureExpired, BadSignature):
        return None
    user = db.session.get(User, data.get("u")) if isinstance(data.get("u"), int) else None
    if user is None or not user.active or user.role != Role.SPONSOR:
        return None
    if data.get("p") != _fingerprint(user):
        return None
    return user


def request_reset(login: str) -> None:
    """Send a reset link to the account behind `login`, if any; say nothing either way."""
    user = users.find_portal_user(login)
    if user is None or not user.active:
        _rehearse()
        return
    sponsor = db.session.scalar(sa.select(Sponsor).where(Sponsor.user_id == user.id))
    # From the configured address only: the request's Host is whatever the sender typed.
    link = public_url("portal.reset_password", token=make_token(user))
    stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
    queue_letter(
        LetterKind.PASSWORD_RESET,
        sponsor,
        f"password-reset-{stamp}",
        link=link,
        valid_hours=valid_hours(LetterKind.PASSWORD_RESET),
    )


def _rehearse() -> None:
    """Sign a token and render the letter as for a real account, keeping nothing.

    An unknown login must cost what a known one costs, or the answer's timing tells an attacker
    which mobile numbers and emails have accounts.
    """
    link = public_url("portal.reset_password", token=_serializer().dumps({"u": 0, "p": "0" * 20}))
    subject, body, _version = current_text(LetterKind.PASSWORD_RESET, "zh")
    hours = valid_hours(LetterKind.PASSWORD_RESET)
    context = {**common_context("", "zh"), "link": link, "valid_hours": hours}
    with suppress(LetterTemplateError):
        render(subject, body, context, "zh")


def reset_password(token: str, new_password: str) -> User:
    """Set a new password with a valid token; the token is spent because the hash changes."""
    user = user_for_token(token)
    if user is None:
        raise DomainError(
            _l("The reset link is invalid or has expired; please ask for a new one."),
        )
    users.check_password_strength(new_password)
    user.set_password(new_password)
    db.session.flush()
    audit.record("user.password_reset", user, user=user)
    return user
