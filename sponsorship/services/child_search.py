"""Finding children in the register: filters, sorting and pages, in the user's scope."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from sponsorship.access import in_scope, scope_path
from sponsorship.clock import today
from sponsorship.extensions import db
from sponsorship.models import Child, ChildHardship, Region, User
from sponsorship.models.enums import AidType, ChildStatus, Hardship, RegionLevel, SchoolStage

PER_PAGE = 50
#: Sort keys offered by the list's column headers; the id breaks ties so pages never overlap.
SORTS = {
    "id": Child.id,
    "name": Child.name,
    "birth_date": Child.birth_date,
    "status": Child.status,
    "waiting": Child.awaiting_since,
    "village": Region.code,
    "grade": Child.grade,
}
ID_TAIL_RE = re.compile(r"^\d{3}[\dXx]$")
ID_PART_RE = re.compile(r"^\d{1,17}[\dXx]?$")


@dataclass
class ChildFilters:
    """What the user asked the list for; every field is optional."""

    q: str = ""
    town: int | None = None
    village: int | None = None
    status: ChildStatus | None = None
    aid_type: AidType | None = None
    stage: SchoolStage | None = None
    hardship: Hardship | None = None
    #: Waiting for a sponsor at least this many days.
    waited: int | None = None
    sort: str = "id"
    desc: bool = True

    @classmethod
    def from_args(cls, args) -> ChildFilters:
        """Read filters from query-string arguments, ignoring anything malformed."""

        def number(key: str) -> int | None:
            value = args.get(key, "").strip()
            return int(value) if value.isdigit() and len(value) < 10 else None

        def member(key: str, enum_class):
            try:
                return enum_class(args.get(key, ""))
            except ValueError:
                return None

        sort = args.get("sort", "id")
        return cls(
            q=args.get("q", "").strip()[:50],
            town=number("town"),
            village=number("village"),
            status=member("status", ChildStatus),
            aid_type=member("aid_type", AidType),
            stage=member("stage", SchoolStage),
            hardship=member("hardship", Hardship),
            waited=number("waited"),
            sort=sort if sort in SORTS else "id",
            desc=args.get("dir", "desc" if sort == "id" else "asc") == "desc",
        )

    def to_args(self, **changes) -> dict[str, str]:
        """Return the filters as query-string arguments (for links that keep them)."""
        values = asdict(self) | changes
        args = {}
        for f in fields(self):
            value = values[f.name]
            if f.name == "desc":
                args["dir"] = "desc" if value else "asc"
            elif value not in (None, ""):
                args[f.name] = str(value.value if hasattr(value, "value") else value)
        return args

    @property
    def is_empty(self) -> bool:
        return self == ChildFilters(sort=self.sort, desc=self.desc)


def filtered(user: User, filters: ChildFilters) -> sa.Select:
    """Return a SELECT of the ids of children in the user's scope that match the filters."""
    stmt = in_scope(sa.select(Child.id), Child.region_id, user)
    q = filters.q
    if q:
        if ID_TAIL_RE.match(q):
            stmt = stmt.where(Child.id_tail == q.upper())
        elif len(q) == 18 and ID_PART_RE.match(q):
            stmt = stmt.where(Child.id_number == q.upper())
        elif ID_PART_RE.match(q):
            stmt = stmt.where(Child.id_number.endswith(q.upper(), autoescape=True))
        else:
            stmt = stmt.where(Child.name.contains(q, autoescape=True))
    if filters.village:
        stmt = stmt.where(Child.region_id == filters.village)
    elif filters.town:
        town = db.session.get(Region, filters.town)
        subtree = sa.select(Region.id).where(
            Region.path.startswith(town.path if town else "/none/", autoescape=True)
        )
        stmt = stmt.where(Child.region_id.in_(subtree))
    if filters.status:
        stmt = stmt.where(Child.status == filters.status)
    if filters.aid_type:
        stmt = stmt.where(Child.aid_type == filters.aid_type)
    if filters.stage:
        stmt = stmt.where(Child.school_stage == filters.stage)
    if filters.hardship:
        stmt = stmt.where(
            sa.exists().where(
                ChildHardship.child_id == Child.id, ChildHardship.category == filters.hardship
            )
        )
    if filters.waited is not None:
        stmt = stmt.where(
            Child.status == ChildStatus.AWAITING,
            Child.awaiting_since <= today() - timedelta(days=filters.waited),
        )
    return stmt


def ordered(stmt: sa.Select, filters: ChildFilters) -> sa.Select:
    """Add the requested order, with the id as the tie-breaker."""
    column = SORTS[filters.sort]
    if filters.sort == "village":
        stmt = stmt.join(Region, Child.region_id == Region.id)
    if filters.desc:
        return stmt.order_by(column.desc(), Child.id.desc())
    return stmt.order_by(column.asc(), Child.id.asc())


def load_children(ids: list[int], *, with_guardian: bool = False) -> list[Child]:
    """Load children with their village, town and hardships in a fixed number of queries."""
    if not ids:
        return []
    options = [joinedload(Child.region).joinedload(Region.parent)]
    if with_guardian:
        options.append(joinedload(Child.guardian))
    rows = db.session.scalars(sa.select(Child).where(Child.id.in_(ids)).options(*options)).all()
    by_id = {child.id: child for child in rows}
    return [by_id[i] for i in ids if i in by_id]


@dataclass
class ChildPage:
    items: list[Child]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def find_children(
    user: User, filters: ChildFilters, page: int = 1, per_page: int = PER_PAGE
) -> ChildPage:
    """Return one page of the matching children and the total count."""
    stmt = filtered(user, filters)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))
    page = max(1, min(page, max(1, -(-total // per_page))))
    ids = db.session.scalars(
        ordered(stmt, filters).limit(per_page).offset((page - 1) * per_page)
    ).all()
    return ChildPage(load_children(list(ids)), total, page, per_page)


def places_in_scope(user: User, level: RegionLevel) -> list[Region]:
    """Return the towns or villages the user may work in, in code order, with their parents."""
    stmt = (
        sa.select(Region)
        .where(Region.level == level)
        .options(joinedload(Region.parent))
        .order_by(Region.code)
    )
    prefix = scope_path(user)
    if prefix is not None:
        stmt = stmt.where(Region.path.startswith(prefix, autoescape=True))
    return list(db.session.scalars(stmt))
