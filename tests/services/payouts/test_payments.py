"""Exporting the bank file and paying a batch: ledger entries, letters, failures and re-issue."""

import csv
import io
from datetime import date

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from sponsorship.errors import DomainError, render
from sponsorship.extensions import db
from sponsorship.models import AuditEvent, LedgerEntry, Letter, Payout
from sponsorship.models.enums import (
    Account,
    LetterKind,
    PayoutBatchStatus,
    PayoutStatus,
    Role,
)
from sponsorship.services.letters import text
from sponsorship.services.letters.queue import queue_letter
from sponsorship.services.money import ledger, ledger_check, statements
from sponsorship.services.payouts import bank_file
from sponsorship.services.payouts import review as batches
from sponsorship.services.payouts.build import build_batch, open_adhoc_batch
from sponsorship.services.payouts.payments import mark_failed, pay_chunk
from tests.conftest import count
from tests.factories import fund_general, make_paid_pairing, make_user

CUTOFF = date(2026, 9, 1)
PAID_ON = date(2026, 9, 10)


def exported_batch(*pairings, general=False):
    staff, finance = make_user(Role.STAFF), make_user(Role.FINANCE)
    batch = build_batch("2026-09", CUTOFF, by=staff)
    if general:
        for payout in db.session.scalars(sa.select(Payout).where(Payout.flagged)):
            batches.include(payout, general_fund=True)
    batches.submit(batch, by=staff)
    batches.approve(batch, by=finance)
    bank_file.export(batch, "csv", by=finance)
    return batch


def test_the_csv_file_has_the_documented_layout_and_is_audited():
    pairing = make_paid_pairing()
    staff, finance = make_user(Role.STAFF), make_user(Role.FINANCE)
    batch = build_batch("2026-09", CUTOFF, by=staff)
    with pytest.raises(DomainError):
        bank_file.export(batch, "csv", by=finance)
    batches.submit(batch, by=staff)
    batches.approve(batch, by=finance)
    data, name = bank_file.export(batch, "csv", by=finance)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    payout = db.session.scalar(sa.select(Payout))
    guardian = pairing.child.guardian
    assert rows[0] == bank_file.HEADER
    assert rows[1] == [
        "1",
        guardian.name,
        guardian.bank_name,
        guardian.bank_account,
        "1000.00",
        bank_file.PURPOSE,
        f"2026-09-{payout.id}",
    ]
    assert name == "payouts-2026-09.csv" and batch.status == PayoutBatchStatus.EXPORTED
    assert count(AuditEvent, AuditEvent.action == "batch.exported") == 1


def test_the_xlsx_file_keeps_the_account_as_text():
    make_paid_pairing()
    batch = exported_batch()
    data, name = bank_file.export(batch, "xlsx", by=make_user(Role.FINANCE))
    sheet = load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == tuple(bank_file.HEADER)
    assert rows[1][3] == "6228480000000000001" and rows[1][4] == 1000.0
    assert name.endswith(".xlsx")


def test_paying_posts_the_ledger_and_queues_both_letters():
    pairing = make_paid_pairing()
    batch = exported_batch()
    assert pay_chunk(batch, paid_on=PAID_ON) == 1
    payout = db.session.scalar(sa.select(Payout))
    assert payout.status == PayoutStatus.PAID and payout.transaction_id
    assert ledger.held_for_pairing(pairing.id) == 0
    assert -ledger.balance(Account.PAYOUTS) == 100_000
    assert ledger_check.verify() == []
    assert statements.programme_totals().reconciles
    kinds = set(db.session.scalars(sa.select(Letter.kind)))
    assert {LetterKind.PAYOUT_NOTICE, LetterKind.CHILD_RECEIVED} <= kinds
    assert batch.status == PayoutBatchStatus.CLOSED


def test_paying_again_pays_nothing_twice():
    make_paid_pairing()
    make_paid_pairing()
    batch = exported_batch()
    assert pay_chunk(batch, paid_on=PAID_ON, size=1) == 1
    assert pay_chunk(batch, paid_on=PAID_ON, size=1) == 1
    with pytest.raises(DomainError):  # closed now
        pay_chunk(batch, paid_on=PAID_ON)
    assert count(LedgerEntry, LedgerEntry.account == Account.PAYOUTS) == 2


def test_general_fund_covers_the_shortfall_when_included():
    short = make_paid_pairing(30_000)
    fund_general(100_000)
    batch = exported_batch(general=True)
    pay_chunk(batch, paid_on=PAID_ON)
    assert ledger.held_for_pairing(short.id) == 0
    assert -ledger.balance(Account.GENERAL) == 30_000
    assert ledger_check.verify() == []


def test_a_failed_payout_is_reissued_in_a_later_batch_never_twice_in_one():
    pairing = make_paid_pairing()
    batch = exported_batch()
    payout = db.session.scalar(sa.select(Payout))
    with pytest.raises(DomainError):
        mark_failed(payout, " ")
    mark_failed(payout, "账号已销户")
    assert batch.status == PayoutBatchStatus.CLOSED
    assert ledger.held_for_pairing(pairing.id) == 100_000  # nothing left the fund
    later = open_adhoc_batch("2026-09-补发", cutoff=date(2026, 10, 1))
    batches.add_child(later, pairing.child)
    with pytest.raises(DomainError):
        batches.add_child(later, pairing.child)
    batches.submit(later, by=make_user())
    batches.approve(later, by=make_user(Role.FINANCE))
    bank_file.export(later, "csv", by=make_user(Role.FINANCE))
    pay_chunk(later, paid_on=PAID_ON)
    again = open_adhoc_batch("2026-09-再补", cutoff=date(2026, 11, 1))
    with pytest.raises(DomainError):  # paid this school year already
        batches.add_child(again, pairing.child)


def test_the_bank_result_file_pays_and_fails_by_reference():
    make_paid_pairing()
    make_paid_pairing()
    batch = exported_batch()
    first, second = db.session.scalars(sa.select(Payout).order_by(Payout.id))
    text = (
        "参考号,结果,银行流水号,失败原因\n"
        f"2026-09-{first.id},成功,B001,\n"
        f"2026-09-{second.id},失败,,户名不符\n"
    )
    result = bank_file.parse_result(batch, text)
    assert result.paid == {first.id: "B001"} and result.failed == {second.id: "户名不符"}
    for payout_id, reason in result.failed.items():
        mark_failed(db.session.get(Payout, payout_id), reason)
    pay_chunk(batch, paid_on=PAID_ON, only=result.paid, bank_references=result.paid)
    db.session.refresh(first)
    assert first.status == PayoutStatus.PAID and first.bank_reference == "B001"
    assert batch.status == PayoutBatchStatus.CLOSED


def test_a_result_file_from_another_batch_is_refused():
    make_paid_pairing()
    batch = exported_batch()
    with pytest.raises(DomainError):
        bank_file.parse_result(batch, "参考号,结果\n2025-09-1,成功\n")
    with pytest.raises(DomainError):
        bank_file.parse_result(batch, "名字,金额\n张三,1\n")


def test_every_bad_row_of_a_result_file_is_named_in_the_readers_language():
    make_paid_pairing()
    batch = exported_batch()
    text = f"参考号,结果\n2025-09-1,成功\n{batch.key}-1,也许\n"
    with pytest.raises(DomainError) as caught:
        bank_file.parse_result(batch, text)
    assert caught.value.message == (
        "第2行：参考号“2025-09-1”不属于本批次；第3行：结果“也许”应为“成功”或“失败”"
    )
    assert render(caught.value, "en") == (
        "Row 2: reference 2025-09-1 is not from this batch; "
        "Row 3: the result 也许 should be 'success' or 'failed'"
    )


def test_bulk_letters_are_the_letters_queue_letter_writes():
    from sponsorship.services.letters.queue import queue_letter
    from tests.factories import make_letter_sponsor, make_pairing

    sponsor = make_letter_sponsor()
    pairing = make_pairing(sponsor=sponsor)
    from tests.factories import make_donation, make_pledge

    make_pledge(pairing)
    make_donation(sponsor, 100_000, received_on=date(2026, 8, 20))
    batch = exported_batch()
    pay_chunk(batch, paid_on=PAID_ON)
    payout = db.session.scalar(sa.select(Payout))
    context = dict(child=pairing.child, amount_fen=payout.amount_fen, paid_on=PAID_ON)
    for kind, recipient in (
        (LetterKind.PAYOUT_NOTICE, pairing.child.guardian),
        (LetterKind.CHILD_RECEIVED, sponsor),
    ):
        bulk = db.session.scalar(sa.select(Letter).where(Letter.kind == kind))
        assert bulk.body == "" and bulk.context  # nothing rendered while the money moved
        single = queue_letter(kind, recipient, "compare", **context)
        text.fill([bulk])
        fields = ("subject", "body", "channel", "to_address", "region_id", "recipient_id")
        fields += ("context", "template_version")
        assert [getattr(bulk, f) for f in fields] == [getattr(single, f) for f in fields]
        assert bulk.reference == f"payout:{payout.id}"


def test_a_bank_reference_too_long_for_its_column_is_refused_and_nothing_is_paid():
    pairing = make_paid_pairing()
    batch = exported_batch()
    payout = db.session.scalar(sa.select(Payout))
    with pytest.raises(DomainError):
        pay_chunk(batch, paid_on=PAID_ON, bank_references={payout.id: "B" * 81})
    db.session.refresh(payout)
    assert payout.status == PayoutStatus.PROPOSED and payout.bank_reference is None
    assert ledger.held_for_pairing(pairing.id) == 100_000
    assert count(LedgerEntry, LedgerEntry.account == Account.PAYOUTS) == 0


def test_paying_never_queues_a_second_payout_notice_queued_before():
    pairing = make_paid_pairing()
    batch = exported_batch()
    payout = db.session.scalar(sa.select(Payout))
    guardian = pairing.child.guardian
    early = queue_letter(LetterKind.PAYOUT_NOTICE, guardian, f"payout:{payout.id}")
    pay_chunk(batch, paid_on=PAID_ON)
    notices = db.session.scalars(
        sa.select(Letter.id).where(Letter.kind == LetterKind.PAYOUT_NOTICE)
    ).all()
    assert notices == [early.id]
    assert count(Letter, Letter.kind == LetterKind.CHILD_RECEIVED) == 1
