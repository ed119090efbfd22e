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


def reaches_everything(user: User) -> bool:
    """Tell whether the user's area is the whole programme (no scope, or the tree's root):
    only such users act on what belongs to no one town (the general fund, county batches)."""
    return scope_path(user) is None or user.scope_region.parent_id is None


def region_ids_in_scope(user: User) -> sa.Select:
    """Select the ids of the regions in the user's subtree (all regions when unbounded)."""
    prefix = scope_path(user)
    stmt = sa.select(Region.id)
    return stmt if prefix is None else stmt.where(Region.path.startswith(prefix, autoescape=True))


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
