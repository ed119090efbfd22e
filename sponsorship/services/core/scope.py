"""Region scope: which records a user may see, as a path prefix and as a query filter."""

from __future__ import annotations

import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.models import Region, User
from sponsorship.models.enums import RegionLevel, Role


def scope_path(user: User) -> str | None:
    """Return the path prefix that bounds the user's records, or None for no bound."""
    if user.role == Role.ADMIN or user.scope_region is None:
        return None
    return user.scope_region.path


def in_scope(stmt: sa.Select, region_id_column, user: User) -> sa.Select:
    """Narrow a query to rows whose region lies in the user's subtree."""
    prefix = scope_path(user)
    if prefix is None:
        return stmt
    subtree = sa.select(Region.id).where(Region.path.startswith(prefix, autoescape=True))
    return stmt.where(region_id_column.in_(subtree))


def towns_in_scope(user: User) -> list[Region]:
    """Return the towns the user may see, by code: the choices of every town filter."""
    stmt = sa.select(Region).where(Region.level == RegionLevel.TOWN).order_by(Region.code)
    prefix = scope_path(user)
    if prefix is not None:
        stmt = stmt.where(Region.path.startswith(prefix, autoescape=True))
    return list(db.session.scalars(stmt))
