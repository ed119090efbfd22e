"""The towns and villages as one small in-memory index, loaded once per request."""

from __future__ import annotations

from typing import NamedTuple

import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.models import Region, User
from sponsorship.models.enums import RegionLevel
from sponsorship.services.core.scope import scope_path

#: Children live in towns and villages; the county and above hold none directly.
LOCAL_LEVELS = (RegionLevel.TOWN, RegionLevel.VILLAGE)


class Place(NamedTuple):
    """A town or village: the few columns the index needs."""

    id: int
    name: str
    level: RegionLevel
    parent_id: int | None
    path: str


class Places:
    """Towns and villages (hundreds of rows): scope, filters and names without more queries."""

    def __init__(self, places: list[Place]) -> None:
        self.by_id = {place.id: place for place in places}
        self.in_order = places

    @classmethod
    def load(cls) -> Places:
        """Return the index of every town and village, in code order, read in one query."""
        rows = db.session.execute(
            sa.select(Region.id, Region.name, Region.level, Region.parent_id, Region.path)
            .where(Region.level.in_(LOCAL_LEVELS))
            .order_by(Region.code)
        )
        return cls([Place(*row) for row in rows])

    def ids_for(self, user: User, town: int | None = None, village: int | None = None):
        """Return the ids of the places a query may cover, or None when it need not say.

        Resolving the scope and the place filters to a literal list lets the database use its
        region indexes; a user who sees every town and village needs no bound at all.
        """
        prefixes = [p for p in (scope_path(user),) if p is not None]
        if village:
            wanted = [village] if village in self.by_id else []
        else:
            wanted = list(self.by_id)
            if town:
                prefixes.append(self.by_id[town].path if town in self.by_id else "/none/")
        ids = [i for i in wanted if all(self.by_id[i].path.startswith(p) for p in prefixes)]
        if not town and not village and len(ids) == len(self.by_id):
            return None
        return ids

    def options(self, user: User, level: RegionLevel, parent_id: int | None = None) -> list:
        """Return (id, name) of the towns or villages the user may work in, in code order."""
        prefix = scope_path(user) or "/"
        return [
            (p.id, p.name)
            for p in self.in_order
            if p.level == level
            and p.path.startswith(prefix)
            and (parent_id is None or p.parent_id == parent_id)
        ]

    def names(self, region_id: int) -> tuple[str, str]:
        """Return (village, town) names of a place; a town has no village name."""
        place = self.by_id.get(region_id)
        if place is None:
            return "", ""
        if place.level == RegionLevel.TOWN:
            return "", place.name
        parent = self.by_id.get(place.parent_id)
        return place.name, parent.name if parent else ""
