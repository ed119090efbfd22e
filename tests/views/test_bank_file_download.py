"""The bank file of a batch whose key holds Chinese, as xlsx and CSV: named, formatted, audited."""

import csv
import io
from datetime import date
from urllib.parse import quote

import pytest
from openpyxl import load_workbook

from sponsorship.extensions import db
from sponsorship.models import AuditEvent, PayoutBatch
from sponsorship.models.enums import PayoutBatchStatus, Role
from sponsorship.services.payouts import review
from sponsorship.services.payouts.bank_file import sheet_name
from sponsorship.services.payouts.build import open_adhoc_batch
from sponsorship.views import downloads
from tests.conftest import count, post_form
from tests.factories import make_paid_pairing, make_user


def approved_batch(key: str) -> PayoutBatch:
    pairing = make_paid_pairing(pledge_fen=123_456)
    batch = open_adhoc_batch(key, cutoff=date(2026, 9, 1))
    review.add_child(batch, pairing.child)
    staff = make_user(Role.STAFF)
    review.submit(batch, by=staff)
    review.approve(batch, by=make_user(Role.FINANCE))
    db.session.commit()
    return batch


def download(client, auth, batch: PayoutBatch, fmt: str):
    auth.as_role(Role.FINANCE)
    url = f"/payouts/{batch.id}"
    return post_form(client, f"{url}/export", {"fmt": fmt}, token_from=url)


def test_a_chinese_batch_key_downloads_as_xlsx_with_two_decimal_amounts(client, auth):
    batch = approved_batch("补发-1")
    response = download(client, auth, batch, "xlsx")
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert f'filename="payouts-batch-{batch.id}.xlsx"' in disposition
    assert "filename*=UTF-8''" + quote("payouts-补发-1.xlsx", safe="") in disposition
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["补发-1"]
    sheet = book["补发-1"]
    amount = sheet.cell(row=2, column=5)
    assert amount.value == pytest.approx(1234.56) and amount.number_format == "0.00"
    assert isinstance(sheet.cell(row=2, column=4).value, str)  # the account stays text
    db.session.expire_all()
    assert db.session.get(PayoutBatch, batch.id).status == PayoutBatchStatus.EXPORTED
    assert count(AuditEvent, AuditEvent.action == "batch.exported") == 1


def test_a_chinese_batch_key_downloads_as_csv(client, auth):
    batch = approved_batch("补发-1")
    response = download(client, auth, batch, "csv")
    assert response.status_code == 200
    assert (
        "filename*=UTF-8''" + quote("payouts-补发-1.csv", safe="")
        in (response.headers["Content-Disposition"])
    )
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[1][4] == "1234.56" and rows[1][6].startswith("补发-1-")


def test_a_file_that_cannot_be_named_leaves_the_batch_approved_and_unaudited(
    client, auth, monkeypatch
):
    batch = approved_batch("补发-2")

    def refuse(name, fallback):
        raise ValueError("no header for this name")

    monkeypatch.setattr("sponsorship.views.payout_bank.attachment", refuse)
    with pytest.raises(ValueError):
        download(client, auth, batch, "xlsx")
    db.session.expire_all()
    assert db.session.get(PayoutBatch, batch.id).status == PayoutBatchStatus.APPROVED
    assert count(AuditEvent, AuditEvent.action == "batch.exported") == 0


def test_sheet_names_are_made_acceptable_to_excel():
    assert sheet_name("2026/补发:1") == "2026-补发-1"
    assert sheet_name("[x]*?") == "-x---"
    assert len(sheet_name("补" * 40)) == 31
    assert sheet_name("''") == "payouts"


def test_the_attachment_header_is_plain_for_ascii_names_and_refuses_a_bad_fallback():
    assert downloads.attachment("a.csv", "b.csv") == 'attachment; filename="a.csv"'
    with pytest.raises(ValueError):
        downloads.attachment("补发.csv", "补发.csv")
