"""The cash handout's sign-for sheet: A4, Chinese text, masked IDs only, totals right, paged."""

import io
import re
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from sponsorship.letters.sign_sheet import SignRow, render_sign_sheet, totals, yuan

FEDERATION = "惠东县妇女联合会"
PROGRAMME = "「爱心父母」牵手困境儿童帮扶行动"
IDS = ["440101199001011234", "44010120150601123X", "440102198512300021"]


def pages_of(pdf: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf))
    # pypdf reads the embedded CID font's two-byte codes with NULs between the characters.
    return ["".join(page.extract_text().replace("\x00", "").split()) for page in reader.pages]


def sheet(rows, **kw) -> bytes:
    return render_sign_sheet(
        rows,
        federation=FEDERATION,
        programme=PROGRAMME,
        campaign=kw.pop("campaign", "2026年「六一」慰问"),
        **kw,
    )


def test_a_short_sheet_holds_heading_columns_names_masked_ids_and_totals():
    rows = [
        SignRow("王丽华", IDS[0], 30000),
        SignRow("陈小明", IDS[1], 30000),
        SignRow("李秀英", IDS[2], 50050),
    ]
    reader = PdfReader(io.BytesIO(sheet(rows, handout_on=date(2026, 6, 1))))
    box = reader.pages[0].mediabox
    assert (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)) == (210, 297)
    [text] = pages_of(sheet(rows, handout_on=date(2026, 6, 1)))
    assert FEDERATION in text and "2026年「六一」慰问签领表" in text
    assert "发放日期：2026年6月1日" in text
    for title in ("序号", "姓名", "身份证号", "金额（元）", "签名", "日期"):
        assert title in text
    for row in rows:
        assert row.name in text
    assert "44***************4" in text and "44***************X" in text
    assert "1王丽华44***************4300.00" in text
    assert "3李秀英44***************1500.50" in text
    assert "人数：3人1,100.50" in text and "金额合计1,100.50元" in text
    assert "经办人" in text and "审核人" in text
    assert "第1页，共1页" in text


def test_no_full_resident_id_nor_its_middle_reaches_the_paper():
    rows = [SignRow(f"张{i}", IDS[i % 3], 10000) for i in range(30)]
    reader = PdfReader(io.BytesIO(sheet(rows)))
    text = "\n".join(page.extract_text().replace("\x00", "") for page in reader.pages)
    for number in IDS:
        assert number not in text and number not in "".join(text.split())
        # Nor the birth date inside it (the amount column follows the ID: split them first).
        assert number[6:14] not in text.replace("100.00", " ")
    assert text.count("44***************") == 30


def test_a_long_list_repeats_the_heading_and_numbers_pages_with_the_totals_at_the_end():
    rows = [SignRow(f"刘{i:03d}", IDS[0], 20000) for i in range(78)]
    pages = pages_of(sheet(rows))
    assert len(pages) >= 4
    for n, text in enumerate(pages, start=1):
        assert FEDERATION in text and "签领表" in text and "身份证号金额（元）签名日期" in text
        assert f"第{n}页，共{len(pages)}页" in text
    whole = "".join(pages)
    assert [int(m) for m in re.findall(r"(\d+)刘\d{3}", whole)] == list(range(1, 79))
    assert "金额合计" not in "".join(pages[:-1])
    assert "合计发放78人，金额合计15,600.00元" in pages[-1]
    assert "经办人" in pages[-1]


def test_an_empty_list_still_gives_the_blank_form_with_zero_totals():
    [text] = pages_of(sheet([]))
    assert "签领表" in text and "人数：0人" in text and "金额合计0.00元" in text
    assert "发放日期：年月日" in text


def test_a_name_too_long_for_its_cell_is_cut_with_a_mark():
    [text] = pages_of(sheet([SignRow("阿卜杜热合曼·买买提艾力江·吐尔逊", None, 100)]))
    assert "阿卜杜热" in text and "…" in text


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=10**9), max_size=60))
def test_totals_add_every_line(amounts):
    rows = [SignRow("某", None, a) for a in amounts]
    sums = totals(rows)
    assert sums.people == len(amounts) and sums.amount_fen == sum(amounts)


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_yuan_writes_fen_exactly(fen):
    text = yuan(fen)
    assert int(text.replace(",", "").replace(".", "")) == fen
    assert re.fullmatch(r"-?\d{1,3}(,\d{3})*\.\d\d", text)
