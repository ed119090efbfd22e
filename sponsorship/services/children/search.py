"""Finding children in the register: filters, sorting and pages, in the user's scope."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
from datetime import date, timedelta
from urllib.parse import urlencode

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from sponsorship.clock import today
from sponsorship.extensions import db
from sponsorship.models import Child, Region, User
from sponsorship.models.child import HARDSHIP_BITS, hardship_bit
from sponsorship.models.enums import AidType, ChildStatus, Hardship, RegionLevel, SchoolStage
from sponsorship.services.children.register import REVEAL_ROLES
from sponsorship.services.core.places import Places
from sponsorship.services.core.scope import scope_path

PER_PAGE = 50
#: "Work the places out" for filtered(); None already means "no bound".
UNSET: list[int] = []
#: Counting stops here; pages go on as long as there are children.
COUNT_CAP = 1000
#: Deep offsets are slow and nobody reads page 2,000: narrow the filters instead.
MAX_PAGE = 2000
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
            q=args.get("q", "").strip(),
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
        names = [f.name for f in fields(self)]
        values = {name: getattr(self, name) for name in names} | changes
        args = {}
        for name, value in values.items():
            if name == "desc":
                args["dir"] = "desc" if value else "asc"
            elif value not in (None, ""):
                args[name] = str(value.value if hasattr(value, "value") else value)
        return args

    @property
    def id_search(self) -> str | None:
        """Say whether `q` is ID digits: "tail" for the last four, "other" for anything else."""
        if not ID_PART_RE.match(self.q):
            return None
        return "tail" if ID_TAIL_RE.match(self.q) else "other"

    def for_user(self, user: User) -> ChildFilters:
        """Return the filters a user may apply: sorting by birth date tells birth dates apart."""
        if self.sort == "birth_date" and user.role not in REVEAL_ROLES:
            return replace(self, sort="id", desc=True)
        return self

    def query(self, **changes) -> str:
        """Return the filters as a query string, starting with "?"."""
        return "?" + urlencode(self.to_args(**changes))

    @property
    def is_empty(self) -> bool:
        """Whether no filter is set, the sort order aside."""
        return self == ChildFilters(sort=self.sort, desc=self.desc)


def filtered(user: User, filters: ChildFilters, region_ids: list[int] | None = UNSET) -> sa.Select:
    """Return a SELECT of the ids of matching children in the user's scope.

    `region_ids` are the places the query covers, as `Places.ids_for` gives them; by default
    they are worked out here.
    """
    stmt = sa.select(Child.id)
    if region_ids is UNSET:
        region_ids = Places.load().ids_for(user, filters.town, filters.village)
    if region_ids is not None:
        stmt = stmt.where(Child.region_id.in_(region_ids))
    q = filters.q
    if q:
        stmt = _matching_q(stmt, q, user)
    if filters.status:
        stmt = stmt.where(Child.status == filters.status)
    if filters.aid_type:
        stmt = stmt.where(Child.aid_type == filters.aid_type)
    if filters.stage:
        stmt = stmt.where(Child.school_stage == filters.stage)
    if filters.hardship:
        stmt = stmt.where(Child.hardship_mask.op("&")(hardship_bit(filters.hardship)) != 0)
    if filters.waited is not None:
        # COALESCE(x, x) equals x but keeps planners off the dashboard's (status, awaiting_since)
        # index: half the register is awaiting, and sorting all of it for one page of the
        # id-ordered list cost 50 ms where walking the primary key costs under 1 ms.
        since = sa.func.coalesce(Child.awaiting_since, Child.awaiting_since)
        stmt = stmt.where(
            Child.status == ChildStatus.AWAITING,
            since <= today() - timedelta(days=filters.waited),
        )
    return stmt


def _matching_q(stmt: sa.Select, q: str, user: User) -> sa.Select:
    # Any search by ID digits is an oracle: the last four only for those who may reveal the
    # number anyway; longer fragments and whole numbers never (a whole number travels in the
    # POST body of the audited lookup, not in a web address). See sponsorship/masking.py.
    if not ID_PART_RE.match(q):
        return stmt.where(Child.name.contains(q, autoescape=True))
    if ID_TAIL_RE.match(q) and user.role in REVEAL_ROLES:
        return stmt.where(Child.id_tail == q.upper())
    return stmt.where(sa.false())


def ordered(stmt: sa.Select, filters: ChildFilters, *, by_place: bool = False) -> sa.Select:
    """Add the requested order, with the id as the tie-breaker.

    `by_place` says the query is bounded to a few villages: then reading them from the covering
    index and sorting them beats walking a whole sort-key index and filtering (birth dates
    follow school stages, which no planner's statistics know). Sorting on COALESCE(x, x),
    which equals x, keeps both SQLite and PostgreSQL off the sort-key index.
    """
    column = SORTS[filters.sort]
    if filters.sort == "village":
        stmt = stmt.join(Region, Child.region_id == Region.id)
    elif by_place:
        column = sa.func.coalesce(column, column)
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
    hardship_mask: int
    village: str = field(default="", init=False)
    town: str = field(default="", init=False)

    @property
    def hardships(self) -> list[Hardship]:
        """The child's hardship categories, read from the bit mask."""
        return [h for h, bit in HARDSHIP_BITS.items() if self.hardship_mask & bit]


ROW_COLUMNS = tuple(getattr(Child, f.name) for f in fields(ChildRow) if f.init)


@dataclass
class ChildPage:
    """One page of the children's list, with the count of matches for paging."""

    items: list[ChildRow]
    #: Matching children, counted up to COUNT_CAP + 1 (beyond that, `capped` is set).
    total: int
    page: int
    per_page: int
    has_next: bool = False

    @property
    def capped(self) -> bool:
        """Whether more children match than the list counts (over COUNT_CAP)."""
        return self.total > COUNT_CAP

    @property
    def pages(self) -> int | None:
        """The number of pages, or None when the count is capped."""
        return None if self.capped else max(1, -(-self.total // self.per_page))


def find_children(
    user: User,
    filters: ChildFilters,
    page: int = 1,
    per_page: int = PER_PAGE,
    places: Places | None = None,
) -> ChildPage:
    """Return one page of the matching children and their count, in three queries.

    The count stops past COUNT_CAP: an exact figure for 60,000 matches costs a scan of them
    all on every page, and "more than 1,000" tells staff as much.
    """
    filters = filters.for_user(user)
    places = places or Places.load()
    region_ids = places.ids_for(user, filters.town, filters.village)
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(
            filtered(user, filters, region_ids).limit(COUNT_CAP + 1).subquery()
        )
    )
    if total <= COUNT_CAP:
        page = max(1, min(page, max(1, -(-total // per_page))))
    page = max(1, min(page, MAX_PAGE))
    # First the page's ids, read from the covering index; then those rows, and only those.
    page_ids = list(
        db.session.scalars(
            ordered(filtered(user, filters, region_ids), filters, by_place=region_ids is not None)
            .limit(per_page + 1)
            .offset((page - 1) * per_page)
        )
    )
    has_next = len(page_ids) > per_page
    page_ids = page_ids[:per_page]
    found = {}
    if page_ids:
        stmt = sa.select(*ROW_COLUMNS).where(Child.id.in_(page_ids))
        found = {row.id: ChildRow(*row) for row in db.session.execute(stmt)}
    rows = [found[i] for i in page_ids if i in found]
    for row in rows:
        row.village, row.town = places.names(row.region_id)
    return ChildPage(rows, total, page, per_page, has_next)


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
