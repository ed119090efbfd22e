"""Regions: the county's tree of towns and villages, with a materialised path for scoping."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sponsorship.extensions import db
from sponsorship.models.enums import RegionLevel, Zone
from sponsorship.models.types import str_enum

#: Parent level for each level; the tree never skips a level below the county.
PARENT_LEVELS = {
    RegionLevel.PROVINCE: (),
    RegionLevel.CITY: (RegionLevel.PROVINCE,),
    RegionLevel.COUNTY: (RegionLevel.CITY, RegionLevel.PROVINCE),
    RegionLevel.TOWN: (RegionLevel.COUNTY,),
    RegionLevel.VILLAGE: (RegionLevel.TOWN,),
}


class Region(db.Model):
    """A province, city, county, town or village; records and staff scopes belong to one."""

    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Administrative division code; stable across re-imports.
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    level: Mapped[RegionLevel] = mapped_column(str_enum(RegionLevel))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("regions.id"), index=True)
    zone: Mapped[Zone | None] = mapped_column(str_enum(Zone))
    #: "/<code>/<code>/.../" from the root: a subtree is one indexed prefix match.
    path: Mapped[str] = mapped_column(sa.String(255), index=True)

    parent: Mapped[Region | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Region]] = relationship(back_populates="parent")

    def __repr__(self) -> str:
        return f"<Region {self.code} {self.name}>"

    def compute_path(self) -> str:
        """Return this region's path from its parent's (which must already be set)."""
        prefix = self.parent.path if self.parent is not None else "/"
        return f"{prefix}{self.code}/"

    def contains(self, other: Region | None) -> bool:
        """Tell whether `other` lies in this region's subtree (itself included)."""
        return other is not None and other.path.startswith(self.path)

    def ancestor_at(self, level: RegionLevel) -> Region | None:
        """Return this region or its ancestor at `level`, if any."""
        node: Region | None = self
        while node is not None and node.level != level:
            node = node.parent
        return node

    @property
    def town(self) -> Region | None:
        """The town this region lies in (itself for a town), if any."""
        return self.ancestor_at(RegionLevel.TOWN)

    @property
    def full_name(self) -> str:
        """Town and village names, as people write an address: 稔山镇新村村."""
        names = []
        node: Region | None = self
        while node is not None and node.level in (RegionLevel.TOWN, RegionLevel.VILLAGE):
            names.append(node.name)
            node = node.parent
        return "".join(reversed(names)) or self.name
