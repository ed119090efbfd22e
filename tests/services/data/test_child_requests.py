"""A guardian's withdrawal or erasure against the payout batches: nothing anonymous reaches the
bank. A draft's unpaid payout is excluded; a batch already with finance or the bank must be
settled or cancelled first; the bank file refuses a row without an account."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
import sqlalchemy as sa

from sponsorship.errors import DomainError
from sponsorship.extensions import db
from sponsorship.models import AuditEvent, Payout
from sponsorship.models.enums import (
    PairingStatus,
    PayoutBatchStatus,
    PayoutDecision,
    Role,
)
from sponsorship.services.data.anonymise import PLACEHOLDER
from sponsorship.services.data.child_requests import ErasureGround, erase_child
from sponsorship.services.payouts import bank_file
from sponsorship.services.payouts import review as batches
from sponsorship.services.payouts.build import build_batch
from tests.conftest import count
from tests.factories import make_paid_pairing, make_user

CUTOFF = date(2026, 9, 1)


def _payout_of(child) -> Payout:
    return db.session.scalar(sa.select(Payout).where(Payout.child_id == child.id))


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[1:]


def test_erasure_excludes_the_childs_unpaid_payout_from_a_draft_batch():
    leaving, staying = make_paid_pairing(), make_paid_pairing()
    staff, finance = make_user(Role.STAFF), make_user(Role.FINANCE)
    batch = build_batch("2026-09", CUTOFF, by=staff)
    assert _payout_of(leaving.child).decision == PayoutDecision.INCLUDED

    erase_child(leaving.child, ErasureGround.CONSENT_WITHDRAWN, by=staff)

    payout = _payout_of(leaving.child)
    assert payout.decision == PayoutDecision.EXCLUDED and payout.decision_reason
    assert payout.bank_account == "" and payout.guardian_name == PLACEHOLDER
    assert count(AuditEvent, AuditEvent.action == "payout.excluded") == 1
    batches.submit(batch, by=staff)
    batches.approve(batch, by=finance)
    data, _ = bank_file.export(batch, "csv", by=finance)
    rows = _csv_rows(data)
    assert [row[3] for row in rows] == [staying.child.guardian.bank_account]
    assert all(row[1] != PLACEHOLDER for row in rows)


@pytest.mark.parametrize("stage", ["submitted", "approved", "exported"])
def test_erasure_is_refused_while_the_childs_payout_is_with_finance_or_the_bank(stage):
    pairing = make_paid_pairing()
    child, guardian = pairing.child, pairing.child.guardian
    staff, finance = make_user(Role.STAFF), make_user(Role.FINANCE)
    batch = build_batch("2026-09", CUTOFF, by=staff)
    batches.submit(batch, by=staff)
    if stage != "submitted":
        batches.approve(batch, by=finance)
    if stage == "exported":
        bank_file.export(batch, "csv", by=finance)
    name, status = child.name, child.status

    with pytest.raises(DomainError, match="请先完成该批次的结算或撤销该批次"):
        erase_child(child, ErasureGround.ERASURE_REQUESTED, by=staff)

    db.session.refresh(child)
    payout = _payout_of(child)
    assert child.name == name and child.anonymised_at is None
    assert child.status == status and pairing.status == PairingStatus.ACTIVE
    assert payout.bank_account == guardian.bank_account
    assert payout.decision == PayoutDecision.INCLUDED
    if stage == "approved":
        data, _ = bank_file.export(batch, "csv", by=finance)
        assert _csv_rows(data)[0][3] == guardian.bank_account


def test_the_bank_file_refuses_an_included_row_without_an_account():
    make_paid_pairing()
    staff, finance = make_user(Role.STAFF), make_user(Role.FINANCE)
    batch = build_batch("2026-09", CUTOFF, by=staff)
    batches.submit(batch, by=staff)
    batches.approve(batch, by=finance)
    db.session.execute(sa.update(Payout).values(bank_account=""))

    with pytest.raises(DomainError, match="没有银行账号"):
        bank_file.export(batch, "csv", by=finance)

    assert batch.status == PayoutBatchStatus.APPROVED
    assert count(AuditEvent, AuditEvent.action == "batch.exported") == 0
