"""Accounts: create, authenticate, change password, change role and scope, deactivate."""

from __future__ import annotations

import re
import secrets

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from sponsorship.clock import utcnow
from sponsorship.errors import DomainError
from sponsorship.extensions import db
from sponsorship.models import Region, Sponsor, User
from sponsorship.models.enums import Role
from sponsorship.models.user import check_dummy_password
from sponsorship.services.core import audit
from sponsorship.services.core.validators import FieldError, normalize_email, normalize_mobile

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.@-]{3,80}$")
MIN_PASSWORD_LENGTH = 10
#: Roles whose scope can be narrowed to a region subtree.
SCOPED_ROLES = (Role.STAFF, Role.VIEWER, Role.FINANCE)


def generate_password() -> str:
    """Return a random password that is easy to type once: 16 URL-safe characters."""
    return secrets.token_urlsafe(12)


def check_password_strength(password: str) -> None:
    """Refuse passwords that are too short to resist guessing."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(
            _l("The password needs at least %(n)s characters.", n=MIN_PASSWORD_LENGTH),
        )


def find_by_username(username: str) -> User | None:
    """Return the account with this login name (surrounding spaces ignored), or None."""
    return db.session.scalar(sa.select(User).where(User.username == username.strip()))


def find_portal_user(login: str) -> User | None:
    """Return the caring parent's portal account for a mobile number or email, if exactly one."""
    try:
        mobile = normalize_mobile(login)
    except FieldError:
        mobile = None
    if mobile:
        where = Sponsor.mobile == mobile
    else:
        try:
            email = normalize_email(login)
        except FieldError:
            return None
        if email is None:
            return None
        # Only a confirmed address serves for login and reset (see email_confirmation).
        where = sa.and_(User.email == email, User.email_confirmed_at.is_not(None))
    found = db.session.scalars(
        sa.select(User)
        .join(Sponsor, Sponsor.user_id == User.id)
        .where(where, User.role == Role.SPONSOR)
        .limit(2)
    ).all()
    return found[0] if len(found) == 1 else None


def find_for_login(login: str) -> User | None:
    """Return the account for a login name, or a caring parent's for a mobile number or email."""
    return find_by_username(login) or find_portal_user(login)


def create_user(
    username: str,
    password: str,
    role: Role,
    *,
    display_name: str = "",
    email: str | None = None,
    scope: Region | None = None,
    by: User | None = None,
) -> User:
    """Create an account; staff and viewers may be scoped to a region subtree."""
    username = username.strip()
    if not USERNAME_RE.match(username):
        raise DomainError(
            _l("The login name needs 3–80 letters, digits or _ . @ -."),
        )
    if find_by_username(username) is not None:
        raise DomainError(_l("The login name %(name)s is taken.", name=username))
    check_password_strength(password)
    user = User(
        username=username,
        role=role,
        display_name=display_name.strip() or username,
        email=email or None,
        scope_region=scope if role in SCOPED_ROLES else None,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record("user.create", user, detail=f"role={role}", user=by)
    return user


def authenticate(username: str, password: str) -> User | None:
    """Return the active user with these credentials, auditing success and failure alike."""
    user = find_for_login(username)
    if user is None:
        # The same hashing work as for a real account: timing tells no one which names exist.
        check_dummy_password(password)
    if user is None or not user.check_password(password) or not user.active:
        reason = "unknown user" if user is None else ("inactive" if not user.active else "password")
        audit.record(
            "auth.login_failed",
            object_type="users",
            object_id=user.id if user else None,
            detail=f"login={username[:80]!r} reason={reason}",
            user=None,
        )
        return None
    user.last_login_at = utcnow()
    audit.record("auth.login", user, user=user)
    return user


def change_password(user: User, new_password: str, *, by: User | None = None) -> None:
    """Set a new password; every existing session of the user ends."""
    check_password_strength(new_password)
    user.set_password(new_password)
    audit.record("user.password_changed", user, user=by or user)
    db.session.flush()


def update_user(
    user: User,
    *,
    role: Role,
    scope: Region | None,
    display_name: str,
    active: bool,
    email: str | None,
    by: User,
) -> None:
    """Change role, scope, name, email and active flag; deactivating ends the user's sessions.

    A changed email is unconfirmed until its owner confirms it, as when they change it.
    """
    if user.id == by.id and (not active or role != Role.ADMIN):
        raise DomainError(
            _l("You cannot deactivate yourself or remove your own admin role."),
        )
    changes = []
    if user.role != role:
        changes.append(f"role {user.role}→{role}")
    if user.active != active:
        changes.append(f"active {user.active}→{active}")
        if not active:
            user.rotate_session_token()
    new_scope = scope if role in SCOPED_ROLES else None
    if user.scope_region != new_scope:
        changes.append(f"scope → {new_scope.code if new_scope else 'all'}")
    user.role, user.scope_region, user.active = role, new_scope, active
    user.display_name = display_name.strip() or user.username
    if (email or None) != user.email:
        changes.append("email changed")  # the addresses stay out of the audit trail
        user.change_email(email or None)
    db.session.flush()
    audit.record("user.update", user, detail="; ".join(changes), user=by)
