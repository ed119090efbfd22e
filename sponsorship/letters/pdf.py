"""Merge postal letters into one A4 PDF on the federation's letterhead, for window envelopes.

The Chinese font is Noto Sans SC from the `pylopdf-fonts-zh-cn` package, embedded (subset)
in the PDF: the output looks the same on every machine, whatever fonts it has.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pylopdf_fonts_zh_cn
from fpdf import FPDF
from fpdf.enums import MethodReturnValue, WrapMode

FONT = "NotoSansSC"
RED = (200, 16, 46)
#: The address window of a DL/C5-6 window envelope (DIN 5008 form B), in millimetres.
WINDOW_X, WINDOW_Y, WINDOW_W, WINDOW_H = 20, 45, 85, 45
BODY_TOP = 100
#: Where text resumes on a continuation page, below the letterhead.
CONTINUATION_TOP = 40
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_BOTTOM = 25, 20, 20
SUBJECT_LINE, BODY_LINE, SUBJECT_GAP = 8, 6.5, 4
#: The footer of page n of N, per language: a loose page can be put back in its letter.
FOOTERS = {
    "zh": "{reference}第 {page} 页，共 {pages} 页",
    "en": "{reference}Page {page} of {pages}",
}


@dataclass(frozen=True)
class PrintedLetter:
    """What goes on paper: the address block, the subject and the body."""

    address: str
    subject: str
    body: str
    reference: str = ""
    language: str = "zh"


class _LetterheadPDF(FPDF):
    def __init__(self, federation: str, programme: str, return_address: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.federation = federation
        self.programme = programme
        self.return_address = return_address
        #: Pages are numbered per letter: each goes into its own envelope.
        self.letter_first_page = 1
        self.letter_pages = 1
        self.footer_text = FOOTERS["zh"]
        self.footer_reference = ""
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
        self.set_y(max(self.get_y(), CONTINUATION_TOP))

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.set_text_color(120, 120, 120)
        page = self.page_no() - self.letter_first_page + 1
        reference = f"{self.footer_reference} · " if self.footer_reference else ""
        text = self.footer_text.format(reference=reference, page=page, pages=self.letter_pages)
        self.cell(0, 5, text, align="C")
        self.set_text_color(0, 0, 0)


def render_pdf(
    letters: Iterable[PrintedLetter], *, federation: str, programme: str, return_address: str = ""
) -> bytes:
    """Return one PDF with every letter starting on a new page."""
    pdf = _LetterheadPDF(federation, programme, return_address)
    for letter in letters:
        # add_page draws the previous letter's last footer: change the numbering only after it.
        pdf.add_page()
        pdf.letter_first_page = pdf.page_no()
        pdf.letter_pages = _pages_needed(pdf, letter)
        pdf.footer_text = FOOTERS.get(letter.language, FOOTERS["zh"])
        pdf.footer_reference = letter.reference
        _address_block(pdf, letter)
        pdf.set_xy(MARGIN_LEFT, BODY_TOP)
        pdf.set_font(FONT, size=14)
        pdf.multi_cell(pdf.epw, SUBJECT_LINE, letter.subject, align="C", wrapmode=WrapMode.CHAR)
        pdf.ln(SUBJECT_GAP)
        pdf.set_font(FONT, size=11)
        text, signature = split_signature(letter.body)
        pdf.multi_cell(pdf.epw, BODY_LINE, text, wrapmode=WrapMode.CHAR)
        if signature:
            # The sender and date stand at the right, as Chinese letters are signed.
            pdf.ln(BODY_LINE)
            pdf.multi_cell(pdf.epw, BODY_LINE, signature, align="R", wrapmode=WrapMode.CHAR)
    if pdf.page_no() == 0:
        pdf.add_page()
    return bytes(pdf.output())


def _lines(pdf: FPDF, size: int, height: float, text: str, align: str = "L") -> int:
    pdf.set_font(FONT, size=size)
    lines = pdf.multi_cell(
        pdf.epw,
        height,
        text,
        align=align,
        wrapmode=WrapMode.CHAR,
        dry_run=True,
        output=MethodReturnValue.LINES,
    )
    return len(lines)


def _pages_needed(pdf: FPDF, letter: PrintedLetter) -> int:
    """Count the pages a letter will take, laying out its lines as `render_pdf` will."""
    text, signature = split_signature(letter.body)
    steps = [("line", SUBJECT_LINE)] * _lines(pdf, 14, SUBJECT_LINE, letter.subject, "C")
    steps += [("gap", SUBJECT_GAP)]
    steps += [("line", BODY_LINE)] * _lines(pdf, 11, BODY_LINE, text)
    if signature:
        steps += [("gap", BODY_LINE)] + [("line", BODY_LINE)] * _lines(
            pdf, 11, BODY_LINE, signature, "R"
        )
    pages, y, bottom = 1, BODY_TOP, pdf.h - MARGIN_BOTTOM
    for kind, height in steps:
        if kind == "line" and y + height > bottom:
            pages, y = pages + 1, CONTINUATION_TOP
        y += height
    return pages


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
