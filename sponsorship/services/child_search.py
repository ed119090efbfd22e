"""Finding children in the register: filters, sorting and pages, in the user's scope."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, fields
from datetime import date, timedelta

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


def filtered(user: User, filters: ChildFilters, *columns) -> sa.Select:
    """Return a SELECT of `columns` (the id by default) of matching children in the user's scope."""
    stmt = in_scope(sa.select(*(columns or (Child.id,))), Child.region_id, user)
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
class ChildRow:
    """What the list shows of one child: plain values, loaded without building ORM objects."""

    id: int
    name: str
    id_number: str | None
    birth_date: date
    region_id: int
    school_stage: SchoolStage
    grade: int | None
    aid_type: AidType
    status: ChildStatus
    awaiting_since: date | None
    village: str = ""
    town: str = ""
    hardships: list[Hardship] = field(default_factory=list)


ROW_COLUMNS = tuple(
    getattr(Child, f.name)
    for f in fields(ChildRow)
    if f.name not in ("village", "town", "hardships")
)


@dataclass
class ChildPage:
    items: list[ChildRow]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def find_children(
    user: User, filters: ChildFilters, page: int = 1, per_page: int = PER_PAGE
) -> ChildPage:
    """Return one page of the matching children and the total count, in four queries."""
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(filtered(user, filters).subquery())
    )
    page = max(1, min(page, max(1, -(-total // per_page))))
    stmt = ordered(filtered(user, filters, *ROW_COLUMNS), filters)
    rows = [
        ChildRow(*row)
        for row in db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page))
    ]
    if rows:
        by_id = {row.id: row for row in rows}
        hardships = db.session.execute(
            sa.select(ChildHardship.child_id, ChildHardship.category).where(
                ChildHardship.child_id.in_(by_id)
            )
        )
        for child_id, category in hardships:
            by_id[child_id].hardships.append(category)
        order = list(Hardship)
        for row in rows:
            row.hardships.sort(key=order.index)
        town = sa.orm.aliased(Region)
        names = db.session.execute(
            sa.select(Region.id, Region.name, town.name)
            .outerjoin(town, Region.parent_id == town.id)
            .where(Region.id.in_({row.region_id for row in rows}))
        )
        places = {region_id: (village, town_name or "") for region_id, village, town_name in names}
        for row in rows:
            row.village, row.town = places.get(row.region_id, ("", ""))
    return ChildPage(rows, total, page, per_page)


def place_options(user: User, level: RegionLevel, parent_id: int | None = None) -> list:
    """Return (id, name) of the towns or villages the user may work in, in code order."""
    stmt = sa.select(Region.id, Region.name).where(Region.level == level).order_by(Region.code)
    if parent_id is not None:
        stmt = stmt.where(Region.parent_id == parent_id)
    prefix = scope_path(user)
    if prefix is not None:
        stmt = stmt.where(Region.path.startswith(prefix, autoescape=True))
    return [tuple(row) for row in db.session.execute(stmt)]


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
