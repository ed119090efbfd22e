"""Merge postal letters into one A4 PDF on the federation's letterhead, for window envelopes.

The Chinese font is Noto Sans SC from the `pylopdf-fonts-zh-cn` package, embedded (subset)
in the PDF: the output looks the same on every machine, whatever fonts it has.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pylopdf_fonts_zh_cn
from fpdf import FPDF
from fpdf.enums import WrapMode

FONT = "NotoSansSC"
RED = (200, 16, 46)
#: The address window of a DL/C5-6 window envelope (DIN 5008 form B), in millimetres.
WINDOW_X, WINDOW_Y, WINDOW_W, WINDOW_H = 20, 45, 85, 45
BODY_TOP = 100
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_BOTTOM = 25, 20, 20


@dataclass(frozen=True)
class PrintedLetter:
    """What goes on paper: the address block, the subject and the body."""

    address: str
    subject: str
    body: str
    reference: str = ""


class _LetterheadPDF(FPDF):
    def __init__(self, federation: str, programme: str, return_address: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.federation = federation
        self.programme = programme
        self.return_address = return_address
        #: Pages are numbered per letter: each goes into its own envelope.
        self.letter_first_page = 1
        self.add_font(FONT, fname=str(pylopdf_fonts_zh_cn.sans_path()))
        self.set_margins(MARGIN_LEFT, 20, MARGIN_RIGHT)
        self.set_auto_page_break(True, margin=MARGIN_BOTTOM)
        self.set_creator("sponsorship")
        self.set_title(programme)

    def header(self) -> None:
        self.set_text_color(*RED)
        self.set_font(FONT, size=22)
        self.set_xy(MARGIN_LEFT, 14)
        self.cell(self.epw, 10, self.federation, align="C")
        self.set_font(FONT, size=10)
        self.set_xy(MARGIN_LEFT, 25)
        self.cell(self.epw, 6, self.programme, align="C")
        self.set_draw_color(*RED)
        self.set_line_width(0.8)
        self.line(MARGIN_LEFT, 34, self.w - MARGIN_RIGHT, 34)
        self.set_text_color(0, 0, 0)
        self.set_y(max(self.get_y(), 40))

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.set_text_color(120, 120, 120)
        self.cell(0, 5, str(self.page_no() - self.letter_first_page + 1), align="C")
        self.set_text_color(0, 0, 0)


def render_pdf(
    letters: Iterable[PrintedLetter], *, federation: str, programme: str, return_address: str = ""
) -> bytes:
    """Return one PDF with every letter starting on a new page."""
    pdf = _LetterheadPDF(federation, programme, return_address)
    for letter in letters:
        pdf.letter_first_page = pdf.page_no() + 1
        pdf.add_page()
        _address_block(pdf, letter)
        pdf.set_xy(MARGIN_LEFT, BODY_TOP)
        pdf.set_font(FONT, size=14)
        pdf.multi_cell(pdf.epw, 8, letter.subject, align="C", wrapmode=WrapMode.CHAR)
        pdf.ln(4)
        pdf.set_font(FONT, size=11)
        text, signature = split_signature(letter.body)
        pdf.multi_cell(pdf.epw, 6.5, text, wrapmode=WrapMode.CHAR)
        if signature:
            # The sender and date stand at the right, as Chinese letters are signed.
            pdf.ln(6.5)
            pdf.multi_cell(pdf.epw, 6.5, signature, align="R", wrapmode=WrapMode.CHAR)
    if pdf.page_no() == 0:
        pdf.add_page()
    return bytes(pdf.output())


def split_signature(body: str) -> tuple[str, str]:
    """Split off the closing block (sender, date): up to 3 short lines after the last blank line."""
    text = body.rstrip()
    head, blank, tail = text.rpartition("\n\n")
    lines = tail.splitlines()
    if blank and 1 <= len(lines) <= 3 and all(len(line) <= 30 for line in lines):
        return head.rstrip(), tail
    return text, ""


def _address_block(pdf: FPDF, letter: PrintedLetter) -> None:
    # The sender's line sits at the top of the window, small, as on a window envelope.
    pdf.set_font(FONT, size=7)
    pdf.set_xy(WINDOW_X, WINDOW_Y)
    sender = " · ".join(p for p in (pdf.federation, pdf.return_address) if p)
    pdf.cell(WINDOW_W, 4, sender)
    pdf.set_font(FONT, size=11)
    pdf.set_xy(WINDOW_X, WINDOW_Y + 8)
    pdf.multi_cell(WINDOW_W, 6, letter.address, wrapmode=WrapMode.CHAR, max_line_height=6)
    if letter.reference:
        pdf.set_font(FONT, size=7)
        pdf.set_xy(WINDOW_X, WINDOW_Y + WINDOW_H - 5)
        pdf.cell(WINDOW_W, 4, letter.reference)
