"""Adults of special groups brought into a campaign from an Excel sheet: all or nothing.

Every row is checked first (resident ID by its check digit and birth date, group, town, mobile,
amount); duplicates within the file and people already in the campaign are refused; a row's
problems are listed by row and column, in Chinese, and nothing is written until none are left.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import BinaryIO

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from stdnum.cn import ric

from sponsorship.clock import today
from sponsorship.errors import DomainError, render
from sponsorship.extensions import db
from sponsorship.models import Campaign, CampaignBeneficiary, Region, User
from sponsorship.models.enums import BeneficiaryGroup, Gender, RegionLevel, Role
from sponsorship.money import MAX_FEN, parse_yuan
from sponsorship.services.campaigns.campaigns import ensure_open
from sponsorship.services.core import audit, spreadsheets
from sponsorship.services.core.spreadsheets import ImportPlan, RowProblem, SheetSpec, zh_values
from sponsorship.services.core.validators import (
    FieldError,
    clean_text,
    normalize_id_number,
    normalize_mobile,
)

HEADERS = (
    ("姓名", "name"),
    ("身份证号", "id_number"),
    ("类别", "group"),
    ("健康状况", "health_condition"),
    ("手机号", "mobile"),
    ("镇（街道）", "town"),
    ("地址", "address"),
    ("开户银行", "bank_name"),
    ("银行账号", "bank_account"),
    ("金额（元）", "amount"),
)
FIELD_HEADERS = {f: h for h, f in HEADERS}
REQUIRED = frozenset({"name", "id_number", "group", "town"})
INSTRUCTIONS = (
    "填写说明",
    "1. 第一行为列名，请勿修改；从第二行起每行一人。",
    "2. 必填：姓名、身份证号、类别、镇（街道）。身份证号请按文本填写（18位）。",
    "3. 类别从下拉列表中选择：单亲特困母亲、孤儿、基层老妇干、困难三八红旗手、"
    "困难患病妇女、其他困难群众。",
    "4. 健康状况（如“两癌”）为敏感信息，选填；系统中仅限说明理由后查看，"
    "不会出现在名单、导出或签领表上。",
    "5. 金额（元）选填，可在发放时统一设定。",
    "6. 同一人在同一活动中只能出现一次；表中重复或已在活动中的人会被拒绝。",
    "7. 表中信息均为个人敏感信息，请妥善保管文件。",
)
#: Adults' groups: children come from the register, not from a sheet.
ADULT_GROUPS = [g for g in BeneficiaryGroup if g != BeneficiaryGroup.CHILD]


class _AdultGroup:
    """BeneficiaryGroup without CHILD, for the template's drop-down list."""

    def __iter__(self):
        return iter(ADULT_GROUPS)


SHEET = SheetSpec(
    title="活动对象名单",
    headers=HEADERS,
    required=REQUIRED,
    enums={"group": _AdultGroup()},
    text_columns=frozenset({"id_number", "mobile", "bank_account"}),
    instructions=INSTRUCTIONS,
    empty=_l("The sheet is empty: headers in row 1, one person per row from row 2."),
    no_rows=_l("The sheet has nobody in it: one person per row from row 2."),
)


@dataclass
class PersonRow:
    """One sheet row's plan: the person to add, or "error"."""

    row: int
    name: str
    place: str
    action: str = "create"
    values: dict = field(default_factory=dict)


def template_workbook(towns: list[str]) -> io.BytesIO:
    """Return the blank template, with the towns of the campaign's area as a drop-down."""
    return spreadsheets.template_workbook(SHEET, towns)


def read_rows(stream: BinaryIO) -> list[tuple[int, dict[str, object]]]:
    """Return (sheet row, values by field) for each non-empty row, or raise SheetError."""
    return spreadsheets.read_rows(stream, SHEET)


def towns_of(campaign: Campaign, user: User) -> dict[str, Region]:
    """Return the towns of the campaign's area that the user may see, by name."""
    stmt = sa.select(Region).where(
        Region.level == RegionLevel.TOWN,
        Region.path.startswith(campaign.region.path, autoescape=True),
    )
    return {r.name: r for r in db.session.scalars(stmt) if user.can_see(r)}


def plan_import(campaign: Campaign, rows: list[tuple[int, dict]], user: User) -> ImportPlan:
    """Check every row; write nothing."""
    if user.role not in (Role.ADMIN, Role.STAFF):
        raise DomainError(_l("Your account may read but not import."))
    towns = towns_of(campaign, user)
    groups = zh_values(BeneficiaryGroup)
    already = set(
        db.session.scalars(
            sa.select(CampaignBeneficiary.id_number).where(
                CampaignBeneficiary.campaign_id == campaign.id,
                CampaignBeneficiary.id_number.is_not(None),
            )
        )
    )
    plan, seen = ImportPlan(), {}
    for number, raw in rows:
        problems: list[RowProblem] = []

        def bad(name: str, message: str, number=number, problems=problems) -> None:
            problems.append(RowProblem(number, FIELD_HEADERS[name], message))

        row = PersonRow(number, str(raw.get("name") or ""), str(raw.get("town") or ""))
        values: dict = {}
        for name, limit, required in (
            ("name", 50, True),
            ("address", 255, False),
            ("bank_name", 100, False),
            ("health_condition", 100, False),
        ):
            try:
                values[name] = clean_text(
                    raw.get(name), field=name, max_length=limit, required=required
                )
            except FieldError as error:
                bad(name, render(error, "zh"))
        if isinstance(raw.get("id_number"), int | float):
            bad(
                "id_number",
                "身份证号被 Excel 存成了数字，末几位可能已丢失；请把该列设为文本后重新填写",
            )
        else:
            try:
                values["id_number"] = normalize_id_number(
                    str(raw.get("id_number") or ""), today=today()
                )
                if values["id_number"] is None:
                    bad("id_number", "必须填写身份证号")
            except FieldError as error:
                bad("id_number", render(error, "zh"))
        group = groups.get(str(raw.get("group") or ""))
        if group is None or group == BeneficiaryGroup.CHILD:
            bad("group", "请从列表中选择类别（儿童请从儿童名册中选择）")
        values["group"] = group
        town = towns.get(str(raw.get("town") or ""))
        if town is None:
            bad("town", "不是本活动范围内（或您的管辖范围内）的镇（街道）")
        values["region_id"] = town.id if town else None
        mobile = str(raw.get("mobile") or "").strip()
        try:
            values["mobile"] = normalize_mobile(mobile) if mobile else None
        except FieldError as error:
            bad("mobile", render(error, "zh"))
        account = str(raw.get("bank_account") or "").replace(" ", "")
        if account and not (account.isdigit() and 10 <= len(account) <= 30):
            bad("bank_account", "银行账号应为10至30位数字")
        values["bank_account"] = account
        amount = raw.get("amount")
        values["amount_fen"] = 0
        if amount not in (None, ""):
            try:
                values["amount_fen"] = parse_yuan(str(amount))
                if not 0 <= values["amount_fen"] <= MAX_FEN:
                    raise ValueError
            except (ValueError, DomainError):
                bad("amount", "金额应为不小于0的数字，如 300 或 300.50")
        id_number = values.get("id_number")
        if id_number and not problems:
            if id_number in already:
                bad("id_number", "此人已在本活动中")
            elif id_number in seen:
                bad("id_number", f"与第 {seen[id_number]} 行重复")
            seen.setdefault(id_number, number)
        if problems:
            row.action = "error"
            plan.problems.extend(problems)
        else:
            row.values = values
        plan.rows.append(row)
    return plan


def apply_import(campaign: Campaign, plan: ImportPlan, by: User) -> dict[str, int]:
    """Add every planned person; refuse if the plan has problems."""
    ensure_open(campaign)
    if not plan.ok:
        raise DomainError(_l("The sheet has problems: nothing was imported."))
    for row in plan.rows:
        v = row.values
        number = v["id_number"]
        db.session.add(
            CampaignBeneficiary(
                campaign_id=campaign.id,
                name=v["name"],
                gender=Gender.MALE if int(number[16]) % 2 else Gender.FEMALE,
                id_number=number,
                id_tail=number[-4:],
                birth_date=ric.get_birth_date(number),
                region_id=v["region_id"],
                address=v["address"],
                group=BeneficiaryGroup(v["group"]),
                health_condition=v["health_condition"] or None,
                mobile=v["mobile"],
                payee_name=v["name"],
                bank_name=v["bank_name"],
                bank_account=v["bank_account"],
                amount_fen=v["amount_fen"],
                added_by=by,
            )
        )
    db.session.flush()
    audit.record("campaign.people_imported", campaign, detail=f"rows={len(plan.rows)}", user=by)
    return {"create": len(plan.rows)}
