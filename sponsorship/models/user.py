"""Users: staff, finance, viewers, admins and caring parents' portal accounts."""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from sponsorship.clock import utcnow
from sponsorship.extensions import db
from sponsorship.models.enums import Role
from sponsorship.models.region import Region
from sponsorship.models.types import UTCDateTime, str_enum

#: Roles that work in the back office; scope applies to staff and viewers.
STAFF_ROLES = frozenset({Role.ADMIN, Role.STAFF, Role.FINANCE, Role.VIEWER})


#: A hash of a random password per hashing method, checked when no account matches a login:
#: a login for an unknown name then costs what a login for a real account costs.
_DUMMY_HASHES: dict[str, str] = {}


def _hash_method() -> str:
    if has_app_context():
        return current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    return "scrypt"


def check_dummy_password(password: str) -> bool:
    """Check `password` against a throw-away hash (always False): the work of a real check."""
    method = _hash_method()
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash(secrets.token_hex(16), method=method)
    check_password_hash(_DUMMY_HASHES[method], password)
    return False


def new_session_token() -> str:
    """Return a fresh random token that identifies one login generation of a user."""
    return secrets.token_urlsafe(32)


class User(UserMixin, db.Model):
    """A login account: a staff member with a role and region scope, or a caring parent."""

    __tablename__ = "users"
    __table_args__ = (
        # An email serves for login and password reset only once confirmed, and then for one
        # account only: someone else's sign-up with the same address cannot take it over.
        sa.Index(
            "uq_users_confirmed_email",
            "email",
            unique=True,
            sqlite_where=sa.text("email_confirmed_at IS NOT NULL"),
            postgresql_where=sa.text("email_confirmed_at IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Login name; caring parents log in with their mobile or email instead.
    username: Mapped[str] = mapped_column(sa.String(80), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(100), default="")
    email: Mapped[str | None] = mapped_column(sa.String(255), index=True)
    #: When the owner opened the confirmation link sent to `email`; None: not usable to log in.
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(str_enum(Role))
    #: Staff and viewers see this region's subtree; None means the whole programme.
    scope_region_id: Mapped[int | None] = mapped_column(sa.ForeignKey("regions.id"))
    active: Mapped[bool] = mapped_column(default=True)
    #: Changes on logout and password change, so an old session cookie stops working.
    session_token: Mapped[str] = mapped_column(
        sa.String(64), unique=True, default=new_session_token
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    scope_region: Mapped[Region | None] = relationship()

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"

    # Flask-Login identifies the session by the token, not the id: rotating it logs out everywhere.
    def get_id(self) -> str:
        """Return the session token that Flask-Login keeps in the session cookie."""
        return self.session_token

    @property
    def is_active(self) -> bool:
        """Whether the account may log in; Flask-Login asks."""
        return self.active

    def set_password(self, password: str) -> None:
        """Hash and store a new password, and end every existing session."""
        self.password_hash = generate_password_hash(password, method=_hash_method())
        self.password_changed_at = utcnow()
        self.rotate_session_token()

    def check_password(self, password: str) -> bool:
        """Tell whether `password` matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    def change_email(self, email: str | None) -> None:
        """Set a new email; a different address must be confirmed again before it serves."""
        if email != self.email:
            self.email = email
            self.email_confirmed_at = None

    def rotate_session_token(self) -> None:
        """Issue a new session token, ending every existing session of the user."""
        self.session_token = new_session_token()

    @property
    def is_staff(self) -> bool:
        """Whether the user works in the back office rather than in the portal."""
        return self.role in STAFF_ROLES

    def can_see(self, region: Region | None) -> bool:
        """Tell whether a record in `region` lies within this user's scope."""
        if self.role == Role.ADMIN or self.scope_region is None:
            return self.is_staff
        return self.scope_region.contains(region)
