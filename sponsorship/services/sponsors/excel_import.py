"""Excel import of paper applications: read the sheet, plan every row, then enter all or none.

A row whose mobile number (or form number) is already in the register is left alone, so
importing the same sheet twice enters nobody twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from sponsorship.errors import DomainError, render
from sponsorship.extensions import db
from sponsorship.models import Region, Sponsor, User
from sponsorship.models.enums import (
    AidPreference,
    Channel,
    Distance,
    PaymentFrequency,
    RegionLevel,
    SponsorKind,
)
from sponsorship.money import parse_yuan
from sponsorship.services.core import audit
from sponsorship.services.core.spreadsheets import ImportPlan, RowProblem, zh_values
from sponsorship.services.core.validators import FieldError, normalize_mobile
from sponsorship.services.sponsors.applications import Details
from sponsorship.services.sponsors.invitations import LinkFor
from sponsorship.services.sponsors.paper import (
    ENTRY_ROLES,
    MOBILE_REGISTERED_ELSEWHERE,
    check_entry,
    clean_reference,
    enter_paper_application,
)
from sponsorship.services.sponsors.sheet import ENUMS, FIELD_HEADERS, read_rows

#: Where a service's field error is shown in the sheet.
ERROR_COLUMNS = {"region": "village", "pledge": "pledge"}
#: Defaults of blank optional cells, as on the paper form.
DEFAULTS = {
    "kind": SponsorKind.INDIVIDUAL,
    "channel": Channel.SMS,
    "aid_preference": AidPreference.ANY,
    "distance": Distance.SAME_COUNTY,
    "payment_frequency": PaymentFrequency.YEARLY,
}


@dataclass
class RowPlan:
    """What the import will do with one row: enter it, leave it (already entered), or refuse it."""

    row: int
    name: str
    place: str
    action: str = "create"  # create, unchanged, error
    details: Details | None = None
    reference: str = ""
    existing: Sponsor | None = None


def plan_import(rows: list[tuple[int, dict[str, object]]], by: User) -> ImportPlan:
    """Check every row and decide whether it enters a caring parent; write nothing."""
    if by.role not in ENTRY_ROLES:
        raise DomainError(_l("Your account may read but not import."))
    places = _places()
    enums = {name: zh_values(enum_class) for name, enum_class in ENUMS.items()}
    plan = ImportPlan()
    seen: dict[tuple[str, str], int] = {}
    for number, raw in rows:
        row = RowPlan(
            number, _text(raw.get("name")), f"{_text(raw.get('town'))}{_text(raw.get('village'))}"
        )
        problems: list[RowProblem] = []
        existing = _existing(raw)
        if existing is not None and not by.can_see(existing.region):
            # Another town's caring parent: neither its number nor its name leaves that town.
            row.action = "error"
            plan.problems.append(
                _problem(number, "mobile", render(MOBILE_REGISTERED_ELSEWHERE, "zh"))
            )
            plan.rows.append(row)
            continue
        if existing is not None:
            row.action, row.existing = "unchanged", existing
            plan.rows.append(row)
            continue
        values = _translate(number, raw, enums, problems)
        region = places.get((_text(raw.get("town")), _text(raw.get("village"))))
        if region is None:
            problems.append(_problem(number, "village", "找不到该镇（街道）或其下的村（社区）"))
        details = Details(region=region, **values)
        for problem in check_entry(details, raw.get("paper_reference"), by=by):
            column = ERROR_COLUMNS.get(problem.field, problem.field)
            if column in FIELD_HEADERS and FIELD_HEADERS[column] not in {
                p.column for p in problems
            }:
                problems.append(_problem(number, column, render(problem, "zh")))
        for key in ("paper_reference", "mobile"):
            value = str(getattr(details, key, None) or raw.get(key) or "")
            if value and (key, value) in seen:
                problems.append(_problem(number, key, f"与第 {seen[(key, value)]} 行重复"))
            seen.setdefault((key, value), number)
        if problems:
            row.action = "error"
            plan.problems.extend(problems)
        else:
            row.details, row.reference = details, str(raw.get("paper_reference"))
        plan.rows.append(row)
    return plan


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _problem(number: int, column: str, message: str) -> RowProblem:
    return RowProblem(number, FIELD_HEADERS[column], message)


def _existing(raw: dict) -> Sponsor | None:
    """Return the caring parent this row was entered as before: same mobile, or same form."""
    try:
        mobile = normalize_mobile(_text(raw.get("mobile")))
        reference = clean_reference(_text(raw.get("paper_reference")))
    except FieldError:
        return None
    found = db.session.scalar(sa.select(Sponsor).where(Sponsor.mobile == mobile))
    if found is not None and found.paper_reference in (None, reference):
        return found
    return None


def _translate(number: int, raw: dict, enums: dict, problems: list[RowProblem]) -> dict:
    values: dict[str, object] = dict(DEFAULTS)
    for name in ("name", "contact_name", "mobile", "email", "id_number", "address"):
        values[name] = _text(raw.get(name)) or (None if name in ("email", "id_number") else "")
    for name, mapping in enums.items():
        text = _text(raw.get(name))
        if not text:
            continue
        enum_class = ENUMS[name]
        if text in mapping:
            values[name] = enum_class(mapping[text])
        else:
            problems.append(_problem(number, name, f"不是可选的值：{text}"))
    capacity = _text(raw.get("capacity")) or "1"
    try:
        values["capacity"] = int(capacity)
    except ValueError:
        problems.append(_problem(number, "capacity", "请填写 1 到 10 之间的整数"))
        values["capacity"] = 1
    try:
        values["pledge_per_child_fen"] = parse_yuan(_text(raw.get("pledge")))
    except DomainError as error:
        problems.append(_problem(number, "pledge", render(error, "zh")))
        values["pledge_per_child_fen"] = 0
    return values


def _places() -> dict[tuple[str, str], Region]:
    """Map (town, village) and (town, "") to the region a row names."""
    regions = db.session.scalars(
        sa.select(Region)
        .where(Region.level.in_((RegionLevel.TOWN, RegionLevel.VILLAGE)))
        .options(joinedload(Region.parent))
    )
    places = {}
    for region in regions:
        if region.level == RegionLevel.TOWN:
            places[(region.name, "")] = region
        else:
            places[(region.parent.name if region.parent else "", region.name)] = region
    return places


def apply_import(plan: ImportPlan, by: User, link_for: LinkFor) -> dict[str, int]:
    """Enter every planned caring parent and invite each, in the caller's transaction."""
    if not plan.ok:
        raise DomainError(_l("The sheet still has errors; nothing imported."))
    for row in plan.rows:
        if row.action == "create":
            enter_paper_application(row.details, row.reference, by=by, link_for=link_for)
    counts = {action: plan.count(action) for action in ("create", "unchanged")}
    audit.record("sponsor.import", detail=f"{counts}", user=by, object_type="sponsors")
    return counts


def import_sheet(
    stream: BinaryIO, by: User, link_for: LinkFor
) -> tuple[ImportPlan, dict[str, int] | None]:
    """Read, plan and (when every row is valid) apply a sheet in one go."""
    plan = plan_import(read_rows(stream), by)
    return plan, (apply_import(plan, by, link_for) if plan.ok else None)
