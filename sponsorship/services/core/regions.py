"""Import the region tree from CSV: all rows or none, re-import updates in place."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from sponsorship.csv_input import CsvDictReader
from sponsorship.errors import DomainError, Joined, Message
from sponsorship.extensions import db
from sponsorship.models import Region
from sponsorship.models.enums import RegionLevel, Zone
from sponsorship.models.region import PARENT_LEVELS

COLUMNS = ("code", "name", "level", "parent", "zone")


@dataclass(frozen=True)
class RegionRow:
    """One checked line of a region file."""

    line: int
    code: str
    name: str
    level: RegionLevel
    parent: str | None
    zone: Zone | None


@dataclass
class ImportResult:
    """How many regions an import created, updated or left as they were."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0


class RegionImportError(DomainError):
    """A region file has bad rows; `problems` lists each as (line, message)."""

    def __init__(self, problems: list[tuple[int, Message]]) -> None:
        self.problems = problems
        lines = Joined(
            (_l("Line %(line)s: %(problem)s", line=line, problem=msg) for line, msg in problems),
            separator="\n",
        )
        super().__init__(
            _l("The region file has errors; nothing was imported:\n%(lines)s", lines=lines)
        )


def parse_rows(text: str) -> list[RegionRow]:
    """Parse and validate CSV text; raise RegionImportError listing every bad line."""
    reader = CsvDictReader(text)
    missing = [c for c in COLUMNS[:3] if c not in (reader.fieldnames or [])]
    if missing:
        raise RegionImportError(
            [
                (
                    1,
                    _l(
                        "Missing columns: %(missing)s (needed: %(columns)s)",
                        missing=", ".join(missing),
                        columns=", ".join(COLUMNS),
                    ),
                )
            ]
        )
    rows: list[RegionRow] = []
    problems: list[tuple[int, Message]] = []
    seen: dict[str, int] = {}
    for line, raw in enumerate(reader, start=2):
        values = {k: (raw.get(k) or "").strip() for k in COLUMNS}
        errors = []
        if not values["code"].isdigit():
            errors.append(_l("The code '%(code)s' should be digits", code=values["code"]))
        elif values["code"] in seen:
            errors.append(
                _l(
                    "The code %(code)s repeats line %(line)s",
                    code=values["code"],
                    line=seen[values["code"]],
                )
            )
        if not values["name"]:
            errors.append(_l("The name is empty"))
        try:
            level = RegionLevel(values["level"])
        except ValueError:
            errors.append(
                _l(
                    "The level '%(level)s' is not valid (choose from %(choices)s)",
                    level=values["level"],
                    choices=", ".join(RegionLevel),
                )
            )
            level = None
        try:
            zone = Zone(values["zone"]) if values["zone"] else None
        except ValueError:
            errors.append(
                _l(
                    "The zone '%(zone)s' is not valid (choose from %(choices)s)",
                    zone=values["zone"],
                    choices=", ".join(Zone),
                )
            )
            zone = None
        if errors:
            problems.append((line, Joined(errors)))
            continue
        seen[values["code"]] = line
        rows.append(
            RegionRow(line, values["code"], values["name"], level, values["parent"] or None, zone)
        )
    if problems:
        raise RegionImportError(problems)
    return rows


def import_regions(text: str) -> ImportResult:
    """Create or update regions from CSV text, in the caller's transaction; all or nothing."""
    rows = parse_rows(text)
    existing = {r.code: r for r in db.session.scalars(sa.select(Region))}
    levels = {code: region.level for code, region in existing.items()}
    problems: list[tuple[int, Message]] = []
    for row in rows:
        if row.parent is None:
            if PARENT_LEVELS[row.level] and row.level in (RegionLevel.TOWN, RegionLevel.VILLAGE):
                problems.append((row.line, _l("%(name)s has no parent code", name=row.name)))
        elif row.parent not in levels:
            problems.append(
                (
                    row.line,
                    _l(
                        "The parent code %(parent)s does not exist (a parent comes on an earlier "
                        "line or is imported already)",
                        parent=row.parent,
                    ),
                )
            )
        elif levels[row.parent] not in PARENT_LEVELS[row.level]:
            problems.append(
                (
                    row.line,
                    _l(
                        "A %(level)s cannot have a %(parent)s as its parent",
                        level=row.level,
                        parent=levels[row.parent],
                    ),
                )
            )
        levels[row.code] = row.level
    if problems:
        raise RegionImportError(problems)

    result = ImportResult()
    for row in rows:
        region = existing.get(row.code)
        parent = existing[row.parent] if row.parent else None
        if region is None:
            region = Region(code=row.code, path="")
            db.session.add(region)
            existing[row.code] = region
            result.created += 1
        elif (region.name, region.level, region.parent, region.zone) == (
            row.name,
            row.level,
            parent,
            row.zone,
        ):
            result.unchanged += 1
            continue
        else:
            result.updated += 1
        region.name, region.level, region.parent, region.zone = (
            row.name,
            row.level,
            parent,
            row.zone,
        )
    _recompute_paths(existing.values())
    db.session.flush()
    return result


def _recompute_paths(regions) -> None:
    """Set every region's path from the root, so a moved town carries its villages along."""
    by_parent: dict[int | None, list[Region]] = {}
    for region in regions:
        by_parent.setdefault(id(region.parent) if region.parent else None, []).append(region)
    stack = list(by_parent.get(None, []))
    while stack:
        region = stack.pop()
        region.path = region.compute_path()
        stack.extend(by_parent.get(id(region), []))
