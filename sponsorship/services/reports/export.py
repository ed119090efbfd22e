"""Spreadsheets of the reports: Chinese headers, money as numbers in yuan with a 0.00 format."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from io import BytesIO

from flask_babel import force_locale
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from sponsorship.labels import label
from sponsorship.models.enums import AidGroup, Gender, Hardship
from sponsorship.services.campaigns.paragraph import CampaignLine
from sponsorship.services.reports.statistics import Statistics
from sponsorship.spreadsheet_cells import append_row

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY_FORMAT = "#,##0.00"
COUNT_FORMAT = "0"

#: The report groups' headers as the programme writes them.
GROUP_ZH = {AidGroup.PRIMARY: "小学生", AidGroup.MIDDLE: "中学生", AidGroup.FOSTERING: "助养"}
DEFINITIONS_ZH = [
    "招募爱心父母：期间内审核通过（以审核通过时间为准）且目前仍为已通过状态的爱心父母。",
    "募捐资金：到账日期在期间内（含首末两日）且未冲销的捐款；期后冲销的捐款同样不计。"
    "无爱心父母的匿名捐款只计入全县合计。",
    "结对帮扶儿童：期间内确认结对、目前仍在帮扶或在期间开始后才结束的儿童，每名儿童只计一次；"
    "小学生＝助学（学前、小学），中学生＝助学（初中、高中），助养＝助养（任何学段）。",
]


def yuan(fen: int) -> Decimal:
    """Return fen as an exact number of yuan for a spreadsheet cell."""
    return Decimal(fen) / 100


def _header(sheet: Worksheet, titles: list[str]) -> None:
    append_row(sheet, titles)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)


def _row(sheet: Worksheet, values: list, money: set[int] = frozenset()) -> None:
    append_row(sheet, values)
    for i, cell in enumerate(sheet[sheet.max_row]):
        if i in money:
            cell.number_format = MONEY_FORMAT
        elif isinstance(cell.value, int):
            cell.number_format = COUNT_FORMAT


def _summary(sheet: Worksheet, stats: Statistics) -> None:
    sheet.title = "汇总"
    area = stats.area.name if stats.area is not None else "全县"
    _header(sheet, ["项目", "数值"])
    _row(sheet, ["统计期间", f"{stats.period.start:%Y-%m-%d} 至 {stats.period.end:%Y-%m-%d}"])
    _row(sheet, ["统计范围", area])
    _row(sheet, ["招募爱心父母（名）", stats.recruited])
    _row(sheet, ["募捐资金（元）", yuan(stats.raised_fen)], money={1})
    _row(sheet, ["结对帮扶困境儿童（名）", stats.paired])
    for group, n in stats.groups.items():
        _row(sheet, [f"其中：{GROUP_ZH[group]}（名）", n])
    sheet.append([])
    append_row(sheet, ["工作总结用语", stats.paragraph_zh])
    sheet.append([])
    for text in DEFINITIONS_ZH:
        append_row(sheet, ["口径说明", text])
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 90
    for row in sheet.iter_rows(min_col=2, max_col=2):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")


def _towns(sheet: Worksheet, stats: Statistics) -> None:
    groups = list(AidGroup)
    _header(
        sheet,
        ["镇（街道）", "招募爱心父母（名）", "募捐资金（元）"]
        + [f"{GROUP_ZH[g]}（名）" for g in groups]
        + ["结对儿童合计（名）"],
    )
    for row in stats.towns:
        name = row.town.name if row.town is not None else "未归属镇（匿名捐款等）"
        values = [name, row.recruited, yuan(row.raised_fen)]
        _row(sheet, values + [row.groups[g] for g in groups] + [row.paired], money={2})
    total = ["合计", stats.recruited, yuan(stats.raised_fen)]
    _row(sheet, total + [stats.groups[g] for g in groups] + [stats.paired], money={2})
    sheet.column_dimensions["A"].width = 24


def _categories(book: Workbook, stats: Statistics) -> None:
    sheet = book.create_sheet("困境类别")
    _header(sheet, ["困境类别", "结对儿童（名）"])
    for hardship in Hardship:
        _row(sheet, [str(label(hardship)), stats.hardships[hardship]])
    append_row(sheet, ["说明", "一名儿童可有多个困境类别，各类别之和可能大于结对儿童总数。"])
    sheet = book.create_sheet("性别")
    _header(sheet, ["性别", "结对儿童（名）", "招募爱心父母（名）"])
    for gender in Gender:
        _row(
            sheet,
            [str(label(gender)), stats.child_genders[gender], stats.sponsor_genders.get(gender, 0)],
        )
    _row(sheet, ["未填写（含单位）", 0, stats.sponsor_genders.get(None, 0)])


def _campaigns(sheet: Worksheet, campaigns: Sequence[CampaignLine]) -> None:
    """One row per campaign of the period: its money, its people, and its paragraph."""
    _header(
        sheet,
        [
            "活动名称",
            "类型",
            "主办单位",
            "开始日期",
            "结束日期",
            "募捐善款（元）",
            "非定向资金拨入（元）",
            "已上缴（元）",
            "发放人数",
            "发放金额（元）",
            "资金结余（元）",
            "总结用语",
        ],
    )
    for line in campaigns:
        c, f = line.campaign, line.figures
        _row(
            sheet,
            [
                c.name,
                str(label(c.kind)),
                c.region.name,
                f"{c.starts_on:%Y-%m-%d}",
                f"{c.ends_on:%Y-%m-%d}" if c.ends_on else "",
                yuan(f.raised_fen),
                yuan(f.granted_fen),
                yuan(f.handed_on_fen),
                line.people.handed_out,
                yuan(line.people.handed_out_fen),
                yuan(f.held_fen),
                line.paragraph,
            ],
            money={5, 6, 7, 9, 10},
        )
    sheet.column_dimensions["L"].width = 80


def statistics_workbook(stats: Statistics, campaigns: Sequence[CampaignLine] = ()) -> BytesIO:
    """Return the statistics (and the period's campaigns) as an .xlsx file in memory."""
    book = Workbook()
    _summary(book.active, stats)
    _towns(book.create_sheet("按镇"), stats)
    with force_locale("zh"):
        _categories(book, stats)
        _campaigns(book.create_sheet("专项活动"), campaigns)
    out = BytesIO()
    book.save(out)
    out.seek(0)
    return out
