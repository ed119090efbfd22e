"""The merged print PDF: A4, every queued postal letter, its Chinese text in an embedded font."""

import io

import sqlalchemy as sa
from pypdf import PdfReader

from sponsorship.extensions import db
from sponsorship.letters.pdf import (
    WINDOW_H,
    WINDOW_W,
    WINDOW_X,
    WINDOW_Y,
    PrintedLetter,
    render_pdf,
    split_signature,
)
from sponsorship.models.enums import Channel, LetterKind
from sponsorship.services.letters.printing import print_pdf
from sponsorship.services.letters.queue import postal_queue, queue_letter
from tests import factories


def text_of(pdf: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(pdf))
    # pypdf reads the embedded CID font's two-byte codes with NULs between the characters.
    raw = "".join(page.extract_text() for page in reader.pages)
    return reader, "".join(raw.replace("\x00", "").split())


def squeeze(text: str) -> str:
    return "".join(text.split())


def test_the_merged_pdf_holds_every_queued_postal_letter_in_chinese():
    sponsors = [factories.make_letter_sponsor(channel=Channel.POST) for _ in range(3)]
    emailed = factories.make_letter_sponsor(channel=Channel.EMAIL)
    for sponsor in [*sponsors, emailed]:
        queue_letter(LetterKind.APPEAL, sponsor, "appeal:2026")
    letters = db.session.scalars(postal_queue()).all()
    assert len(letters) == 3
    reader, text = text_of(print_pdf(letters))
    assert len(reader.pages) >= 3
    for letter in letters:
        assert squeeze(letter.to_address) in text
        assert squeeze(letter.body) in text
    assert emailed.name not in text
    assert "倡议书" in text and "县妇女联合会" in text


def test_pages_are_a4_and_the_font_is_embedded():
    pdf = render_pdf(
        [PrintedLetter("惠东县稔山镇人民路1号\n王丽华 收", "感谢信", "尊敬的王丽华：\n您好！")],
        federation="惠东县妇女联合会",
        programme="「爱心父母」牵手困境儿童帮扶行动",
    )
    reader, text = text_of(pdf)
    box = reader.pages[0].mediabox
    assert (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)) == (210, 297)
    fonts = reader.pages[0]["/Resources"]["/Font"]
    descendant = next(iter(fonts.values())).get_object()["/DescendantFonts"][0].get_object()
    descriptor = descendant["/FontDescriptor"].get_object()
    assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert "NotoSansSC" in str(descendant["/BaseFont"])
    assert "王丽华收" in text and "尊敬的王丽华：您好！" in text


def test_a_long_letter_flows_onto_a_second_page():
    body = "感谢您的爱心。" * 400
    reader, text = text_of(
        render_pdf(
            [PrintedLetter("地址\n某某 收", "长信", body)], federation="妇联", programme="行动"
        )
    )
    assert len(reader.pages) >= 2 and text.count("感谢您的爱心。") == 400


def test_an_empty_queue_gives_one_blank_letterhead_page():
    reader, _ = text_of(render_pdf([], federation="妇联", programme="行动"))
    assert len(reader.pages) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(postal_queue().subquery())) == 0


def test_the_address_sits_in_the_window_of_the_envelope():
    """Text positions: the address lines fall inside the DL window, the letterhead above it."""
    pdf = render_pdf(
        [PrintedLetter("惠东县稔山镇人民路1号\n王丽华 收", "感谢信", "正文")],
        federation="惠东县妇女联合会",
        programme="「爱心父母」牵手困境儿童帮扶行动",
    )
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    height_mm = float(page.mediabox.height) * 25.4 / 72
    placed: list[tuple[str, float, float]] = []

    def visit(text, cm, tm, font_dict, font_size):
        text = "".join(text.replace("\x00", "").split())
        if text:
            x_mm, y_mm = tm[4] * 25.4 / 72, height_mm - tm[5] * 25.4 / 72
            placed.append((text, x_mm, y_mm))

    page.extract_text(visitor_text=visit)
    address = [(x, y) for text, x, y in placed if "人民路" in text or "王丽华收" in text]
    assert address, placed
    for x, y in address:
        assert WINDOW_X <= x <= WINDOW_X + WINDOW_W
        assert WINDOW_Y <= y <= WINDOW_Y + WINDOW_H
    head = [y for text, _x, y in placed if "妇女联合会" in text and "·" not in text]
    assert head and min(head) < WINDOW_Y


def test_the_signature_block_is_split_off_for_the_right_margin():
    assert split_signature("尊敬的王丽华：\n\n正文。\n\n县妇联\n2026年9月1日\n") == (
        "尊敬的王丽华：\n\n正文。",
        "县妇联\n2026年9月1日",
    )
    assert split_signature("只有一段正文，没有落款。") == ("只有一段正文，没有落款。", "")


def test_each_letters_footer_says_page_n_of_its_own_pages():
    """Pages are numbered per letter (each goes in its own envelope), with the letter's total."""
    signed = "感谢您的爱心。" * 400 + "\n\n妇联\n2026年9月1日"
    letters = [
        PrintedLetter("地址\n甲 收", "长信", signed, "No. 7"),
        PrintedLetter("地址\n乙 收", "短信", "谢谢。", "No. 8"),
        PrintedLetter("Addr\nB", "Thanks", "Dear B,\n\n" + "Thank you. " * 900, "No. 9", "en"),
    ]
    reader = PdfReader(io.BytesIO(render_pdf(letters, federation="妇联", programme="行动")))
    # The footer is the last line of each page; pypdf reads the CID font with NULs between.
    footers = [page.extract_text().replace("\x00", "").splitlines()[-1] for page in reader.pages]
    long_pages = sum("No. 7" in footer for footer in footers)
    english_pages = sum("No. 9" in footer for footer in footers)
    assert long_pages >= 2 and english_pages >= 2
    assert len(footers) == long_pages + 1 + english_pages
    assert footers[:long_pages] == [
        f"No. 7 · 第 {n} 页，共 {long_pages} 页" for n in range(1, long_pages + 1)
    ]
    assert footers[long_pages] == "No. 8 · 第 1 页，共 1 页"
    assert footers[long_pages + 1 :] == [
        f"No. 9 · Page {n} of {english_pages}" for n in range(1, english_pages + 1)
    ]
