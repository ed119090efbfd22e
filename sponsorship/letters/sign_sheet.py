"""The cash handout's sign-for sheet (签领表): an A4 table people sign as they take their money.

Plain rows in, PDF bytes out: no database, no Flask. Resident IDs are masked here, whatever the
caller passes (`sponsorship.masking.mask_id_number`), so a printed sheet left on a table never
shows a whole number. Every page repeats the heading and the table's header row and says
"第 n 页，共 N 页"; the last page carries the totals (人数, 金额合计) and the 经办人/审核人 line.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import pylopdf_fonts_zh_cn
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from sponsorship.masking import mask_id_number

FONT = "NotoSansSC"
RED = (200, 16, 46)
MARGIN_SIDE, MARGIN_TOP, MARGIN_BOTTOM = 15, 12, 18
#: The columns: title, width in millimetres, alignment. 180 mm, the A4 page between margins.
COLUMNS: tuple[tuple[str, float, str], ...] = (
    ("序号", 12, "C"),
    ("姓名", 30, "C"),
    ("身份证号", 46, "C"),
    ("金额（元）", 26, "R"),
    ("签名", 38, "C"),
    ("日期", 28, "C"),
)
HEADER_ROW, ROW = 9.0, 11.0
#: Room the closing block needs below the last row: totals, a gap, 经办人/审核人.
CLOSING = 30.0
PAGE_FOOTER = "第 {page} 页，共 {pages} 页"


@dataclass(frozen=True)
class SignRow:
    """One person on the sheet: name, resident ID (masked when printed), amount in fen."""

    name: str
    id_number: str | None
    amount_fen: int


@dataclass(frozen=True)
class SheetTotals:
    """What the totals line says: how many people, how much in all (fen)."""

    people: int
    amount_fen: int


def totals(rows: Iterable[SignRow]) -> SheetTotals:
    """Count the people and add up their amounts."""
    people = amount = 0
    for row in rows:
        people += 1
        amount += row.amount_fen
    return SheetTotals(people, amount)


def yuan(fen: int) -> str:
    """Write fen as yuan with two decimals and thousands separators: 30000 → 300.00."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole:,}.{cents:02d}"


def sheet_title(campaign: str) -> str:
    """Return the sheet's title: the campaign's name and 签领表."""
    return f"{campaign}签领表"


class _SheetPDF(FPDF):
    def __init__(self, federation: str, programme: str, title: str, subtitle: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.federation = federation
        self.programme = programme
        self.sheet_title = title
        self.subtitle = subtitle
        self.add_font(FONT, fname=str(pylopdf_fonts_zh_cn.sans_path()))
        self.set_margins(MARGIN_SIDE, MARGIN_TOP, MARGIN_SIDE)
        self.set_auto_page_break(False)
        self.set_creator("sponsorship")
        self.set_title(title)

    def header(self) -> None:
        self.set_text_color(*RED)
        self.set_font(FONT, size=16)
        self.set_xy(MARGIN_SIDE, MARGIN_TOP)
        self.cell(self.epw, 8, self.federation, align="C")
        self.set_draw_color(*RED)
        self.set_line_width(0.6)
        self.line(MARGIN_SIDE, MARGIN_TOP + 10, self.w - MARGIN_SIDE, MARGIN_TOP + 10)
        self.set_text_color(0, 0, 0)
        self.set_draw_color(0, 0, 0)
        self.set_line_width(0.2)
        self.set_font(FONT, size=14)
        self.set_xy(MARGIN_SIDE, MARGIN_TOP + 13)
        self.cell(self.epw, 8, self.sheet_title, align="C")
        self.set_font(FONT, size=9)
        self.set_xy(MARGIN_SIDE, MARGIN_TOP + 22)
        left = self.programme
        self.cell(self.epw / 2, 6, left, align="L")
        self.cell(self.epw / 2, 6, self.subtitle, align="R")
        self.set_xy(MARGIN_SIDE, MARGIN_TOP + 30)
        self.set_font(FONT, size=10)
        self.set_fill_color(240, 240, 240)
        for title, width, _align in COLUMNS:
            self.cell(width, HEADER_ROW, title, border=1, align="C", fill=True)
        self.set_xy(MARGIN_SIDE, MARGIN_TOP + 30 + HEADER_ROW)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.set_text_color(120, 120, 120)
        text = PAGE_FOOTER.format(page=self.page_no(), pages=self.alias_nb_pages_token)
        self.cell(0, 5, text, align="C")
        self.set_text_color(0, 0, 0)

    @property
    def alias_nb_pages_token(self) -> str:
        return self.str_alias_nb_pages

    @property
    def bottom(self) -> float:
        return self.h - MARGIN_BOTTOM


def render_sign_sheet(
    rows: Sequence[SignRow],
    *,
    federation: str,
    programme: str,
    campaign: str,
    handout_on: date | None = None,
) -> bytes:
    """Return the sign-for sheet as A4 PDF bytes: one line per person, totals at the end."""
    subtitle = (
        f"发放日期：{_chinese_date(handout_on)}" if handout_on else "发放日期：　　年　月　日"
    )
    pdf = _SheetPDF(federation, programme, sheet_title(campaign), subtitle)
    pdf.add_page()
    pdf.set_font(FONT, size=10)
    for number, row in enumerate(rows, start=1):
        if pdf.get_y() + ROW > pdf.bottom:
            pdf.add_page()
            pdf.set_font(FONT, size=10)
        _row(pdf, [str(number), row.name, mask_id_number(row.id_number), yuan(row.amount_fen)])
    if pdf.get_y() + CLOSING > pdf.bottom:
        pdf.add_page()
    _closing(pdf, totals(rows))
    return bytes(pdf.output())


def _row(pdf: _SheetPDF, values: list[str]) -> None:
    y = pdf.get_y()
    for (_title, width, align), value in zip(COLUMNS, [*values, "", ""], strict=True):
        text = _fit(pdf, value, width - 2)
        pdf.cell(width, ROW, text, border=1, align=align)
    pdf.set_xy(MARGIN_SIDE, y + ROW)


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """Shorten a name too long for its cell, marking the cut, rather than overprint a neighbour."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


def _closing(pdf: _SheetPDF, sums: SheetTotals) -> None:
    widths = [w for _t, w, _a in COLUMNS]
    pdf.set_font(FONT, size=10)
    pdf.cell(widths[0] + widths[1], ROW, "合计", border=1, align="C")
    pdf.cell(widths[2], ROW, f"人数：{sums.people} 人", border=1, align="C")
    pdf.cell(widths[3], ROW, yuan(sums.amount_fen), border=1, align="R")
    pdf.cell(widths[4] + widths[5], ROW, "", border=1, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    pdf.cell(
        pdf.epw,
        7,
        f"合计发放 {sums.people} 人，金额合计 {yuan(sums.amount_fen)} 元。",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(6)
    third = pdf.epw / 3
    pdf.cell(third, 7, "经办人：______________")
    pdf.cell(third, 7, "审核人：______________")
    pdf.cell(third, 7, "日期：______________", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _chinese_date(on: date) -> str:
    return f"{on.year}年{on.month}月{on.day}日"
