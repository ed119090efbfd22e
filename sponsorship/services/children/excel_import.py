"""Excel import of children: read a sheet, plan every row, then apply the plan all at once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from sponsorship.clock import today
from sponsorship.errors import DomainError, render
from sponsorship.extensions import db
from sponsorship.models import Child, ChildHardship, Guardian, Region, User
from sponsorship.models.enums import ChildStatus, RegionLevel
from sponsorship.services.children.register import (
    CHILD_FIELDS,
    EDIT_ROLES,
    GUARDIAN_FIELDS,
    apply_data,
    child_columns,
    guardian_columns,
)
from sponsorship.services.children.rules import ChildData, ChildInvalidError, build_child_data
from sponsorship.services.children.sheet import (
    ENUMS,
    FIELD_HEADERS,
    HARDSHIP_SEPARATORS,
    read_rows,
    zh_values,
)
from sponsorship.services.core import audit
from sponsorship.services.core.spreadsheets import ImportPlan, RowProblem

#: Values per IN (...) list: well under every database's parameter limit.
CHUNK = 500
#: New children inserted per round of bulk statements.
INSERT_BATCH = 2000


@dataclass
class RowPlan:
    """What the import will do with one row: create, update, leave unchanged, or refuse it."""

    row: int
    name: str
    place: str
    action: str = "create"  # create, update, unchanged, error
    data: ChildData | None = None
    region: Region | None = None
    child: Child | None = None


def plan_import(rows: list[tuple[int, dict[str, object]]], by: User) -> ImportPlan:
    """Check every row and decide whether it creates or updates a child; write nothing."""
    if by.role not in EDIT_ROLES:
        raise DomainError(_l("Your account may read but not import."))
    places = _villages()
    enums = {name: zh_values(enum_class) for name, enum_class in ENUMS.items()}
    plan, now = ImportPlan(), today()
    seen_ids: dict[str, int] = {}
    seen_keys: dict[tuple, int] = {}
    for number, raw in rows:
        problems: list[RowProblem] = []
        values = _translate(number, raw, enums, problems)
        row = RowPlan(
            number, str(raw.get("name") or ""), f"{raw.get('town') or ''}{raw.get('village') or ''}"
        )
        region = places.get((str(raw.get("town") or ""), str(raw.get("village") or "")))
        if region is None:
            problems.append(
                RowProblem(number, FIELD_HEADERS["village"], "找不到该镇（街道）下的村（社区）")
            )
        elif not by.can_see(region):
            problems.append(RowProblem(number, FIELD_HEADERS["village"], "不在您的管辖范围内"))
        values["region_id"] = region.id if region is not None else None
        if isinstance(raw.get("id_number"), int | float):
            problems.append(
                RowProblem(
                    number,
                    FIELD_HEADERS["id_number"],
                    "身份证号被 Excel 存成了数字，末几位可能已丢失；请把该列设为文本后重新填写",
                )
            )
        try:
            row.data = build_child_data(values, now)
        except ChildInvalidError as invalid:
            reported = {p.column for p in problems}
            for problem in invalid.problems:
                column = FIELD_HEADERS.get(problem.field, FIELD_HEADERS["village"])
                if column not in reported:
                    problems.append(RowProblem(number, column, render(problem, "zh")))
        if row.data is not None and not problems:
            row.region = region
            key = (row.data.name, row.data.birth_date, region.id)
            earlier = seen_ids.get(row.data.id_number) if row.data.id_number else seen_keys.get(key)
            if earlier:
                column = "id_number" if row.data.id_number else "name"
                problems.append(RowProblem(number, FIELD_HEADERS[column], f"与第 {earlier} 行重复"))
            seen_keys.setdefault(key, number)
            if row.data.id_number:
                seen_ids[row.data.id_number] = number
        if problems:
            row.action, row.data = "error", None
            plan.problems.extend(problems)
        plan.rows.append(row)
    _match_existing(plan, by)
    return plan


def _translate(number: int, raw: dict, enums: dict, problems: list[RowProblem]) -> dict:
    values = {k: v for k, v in raw.items() if k not in ("town", "village")}
    for name, mapping in enums.items():
        text = raw.get(name)
        if text in (None, ""):
            continue
        parts = _split(str(text)) if name == "hardships" else [str(text)]
        found = [mapping.get(part) for part in parts]
        if None in found:
            bad = "、".join(p for p, f in zip(parts, found, strict=True) if f is None)
            problems.append(RowProblem(number, FIELD_HEADERS[name], f"不是可选的值：{bad}"))
        values[name] = [f for f in found if f] if name == "hardships" else (found[0] or "")
    for name in ("id_number", "guardian_mobile", "bank_account", "grade"):
        if values.get(name) is not None:
            values[name] = str(values[name])
    return values


def _split(text: str) -> list[str]:
    for separator in HARDSHIP_SEPARATORS[1:]:
        text = text.replace(separator, HARDSHIP_SEPARATORS[0])
    return [part for part in text.split(HARDSHIP_SEPARATORS[0]) if part]


def _villages() -> dict[tuple[str, str], Region]:
    villages = db.session.scalars(
        sa.select(Region)
        .where(Region.level == RegionLevel.VILLAGE)
        .options(joinedload(Region.parent))
    )
    return {(v.parent.name if v.parent else "", v.name): v for v in villages}


def _match_existing(plan: ImportPlan, by: User) -> None:
    """Find each row's child already in the register: by resident ID, else name, birth, village."""
    rows = [r for r in plan.rows if r.data is not None]
    by_id: dict[str, Child] = {}
    numbers = [r.data.id_number for r in rows if r.data.id_number]
    for start in range(0, len(numbers), CHUNK):
        for child in _load(Child.id_number.in_(numbers[start : start + CHUNK])):
            by_id[child.id_number] = child
    by_key: dict[tuple, Child] = {}
    names = sorted({r.data.name for r in rows})
    for start in range(0, len(names), CHUNK):
        for child in _load(Child.name.in_(names[start : start + CHUNK])):
            by_key.setdefault((child.name, child.birth_date, child.region_id), child)
    for row in rows:
        data = row.data
        child = by_id.get(data.id_number) if data.id_number else None
        if child is None:
            child = by_key.get((data.name, data.birth_date, row.region.id))
            if child is not None and child.id_number and data.id_number:
                plan.problems.append(
                    RowProblem(
                        row.row,
                        FIELD_HEADERS["id_number"],
                        f"与已登记儿童（编号 {child.id}）姓名、出生日期、村相同，"
                        "但身份证号不同，请核对",
                    )
                )
                row.action, row.data = "error", None
                continue
        if child is None:
            continue
        if not by.can_see(child.region):
            plan.problems.append(
                RowProblem(row.row, FIELD_HEADERS["id_number"], "该儿童已在您管辖范围外登记")
            )
            row.action, row.data = "error", None
            continue
        row.child = child
        row.action = "unchanged" if _same(child, data, row.region) else "update"


def _load(where) -> list[Child]:
    return list(
        db.session.scalars(
            sa.select(Child)
            .where(where)
            .options(joinedload(Child.guardian), joinedload(Child.region))
        )
    )


def _same(child: Child, data: ChildData, region: Region) -> bool:
    guardian = child.guardian
    return (
        child.region_id == region.id
        and all(getattr(child, f) == getattr(data, f) for f in CHILD_FIELDS)
        and child.hardships == data.hardships
        and all(getattr(guardian, t) == getattr(data, s) for s, t in GUARDIAN_FIELDS.items())
    )


def apply_import(plan: ImportPlan, by: User) -> dict[str, int]:
    """Create and update the planned children in the caller's transaction; all or nothing."""
    if not plan.ok:
        raise DomainError(_l("The sheet still has errors; nothing imported."))
    _insert_new(plan, by)
    for row in plan.rows:
        if row.action == "update":
            apply_data(row.child, row.data, row.region, by)
    db.session.flush()
    counts = {a: plan.count(a) for a in ("create", "update", "unchanged")}
    audit.record("child.import", detail=f"{counts}", user=by, object_type="children")
    return counts


def _insert_new(plan: ImportPlan, by: User) -> None:
    """Insert the new children, guardians and hardships in bulk: three statements per batch."""
    new = [row for row in plan.rows if row.action == "create"]
    for start in range(0, len(new), INSERT_BATCH):
        batch = new[start : start + INSERT_BATCH]
        guardian_ids = db.session.scalars(
            sa.insert(Guardian).returning(Guardian.id, sort_by_parameter_order=True),
            [guardian_columns(r.data) | {"consent_collected_by_id": by.id} for r in batch],
        ).all()
        child_ids = db.session.scalars(
            sa.insert(Child).returning(Child.id, sort_by_parameter_order=True),
            [
                child_columns(r.data)
                | {
                    "region_id": r.region.id,
                    "guardian_id": guardian_id,
                    "status": ChildStatus.REGISTERED,
                    "registered_by_id": by.id,
                }
                for r, guardian_id in zip(batch, guardian_ids, strict=True)
            ],
        ).all()
        hardships = [
            {"child_id": child_id, "category": category}
            for r, child_id in zip(batch, child_ids, strict=True)
            for category in r.data.hardships
        ]
        if hardships:
            db.session.execute(sa.insert(ChildHardship), hardships)


def import_sheet(stream: BinaryIO, by: User) -> tuple[ImportPlan, dict[str, int] | None]:
    """Read, plan and (when every row is valid) apply a sheet: the command line's path."""
    plan = plan_import(read_rows(stream), by)
    return plan, (apply_import(plan, by) if plan.ok else None)
