"""The September batch: amounts proposed, flags, staff adjustments and the maker–checker rules."""

from datetime import date

import pytest
import sqlalchemy as sa

from sponsorship.errors import DomainError, render
from sponsorship.extensions import db
from sponsorship.models import AuditEvent, Payout
from sponsorship.models.enums import (
    AidGroup,
    AidType,
    PairingStatus,
    PayoutBatchStatus,
    PayoutDecision,
    Role,
    SchoolStage,
)
from sponsorship.services.core import settings
from sponsorship.services.payouts import figures
from sponsorship.services.payouts import review as batches
from sponsorship.services.payouts.build import build_batch, open_adhoc_batch
from tests.conftest import count
from tests.factories import (
    fund_general,
    make_child,
    make_paid_pairing,
    make_pairing,
    make_user,
    make_village,
)

CUTOFF = date(2026, 9, 1)


def payout_of(batch, pairing) -> Payout:
    return db.session.scalar(
        sa.select(Payout).where(Payout.batch_id == batch.id, Payout.child_id == pairing.child_id)
    )


def test_one_payout_per_active_pairing_at_the_group_standard():
    primary = make_paid_pairing()
    middle = make_paid_pairing(school_stage=SchoolStage.JUNIOR, grade=7)
    fostered = make_paid_pairing(aid_type=AidType.FOSTERING)
    make_pairing(status=PairingStatus.PROPOSED)
    make_pairing(status=PairingStatus.ENDED, ended_on=date(2026, 6, 30))
    batch = build_batch("2026-09", CUTOFF)
    assert count(Payout, Payout.batch_id == batch.id) == 3
    assert payout_of(batch, primary).amount_fen == settings.standard_fen(AidGroup.PRIMARY)
    assert payout_of(batch, middle).amount_fen == settings.standard_fen(AidGroup.MIDDLE)
    assert payout_of(batch, middle).aid_group == AidGroup.MIDDLE
    assert payout_of(batch, fostered).amount_fen == settings.standard_fen(AidGroup.FOSTERING)
    assert all(p.decision == PayoutDecision.INCLUDED for p in db.session.scalars(sa.select(Payout)))


def test_a_pairing_ended_after_the_cutoff_is_still_paid():
    pairing = make_paid_pairing()
    pairing.end(date(2026, 10, 1), "搬走")
    graduated = make_paid_pairing()
    graduated.end(CUTOFF, "毕业")
    batch = build_batch("2026-09", CUTOFF)
    assert payout_of(batch, pairing) is not None
    assert payout_of(batch, graduated) is None


def test_the_pledge_is_paid_when_it_is_above_the_standard():
    generous = make_paid_pairing(pledge_fen=180_000)
    batch = build_batch("2026-09", CUTOFF)
    payout = payout_of(batch, generous)
    assert payout.amount_fen == 180_000 and not payout.flagged


def test_a_short_pairing_is_flagged_and_held_with_its_shortfall():
    short = make_paid_pairing(30_000)
    batch = build_batch("2026-09", CUTOFF)
    payout = payout_of(batch, short)
    assert payout.flagged and payout.decision == PayoutDecision.HELD
    assert (payout.funded_fen, payout.shortfall_fen) == (30_000, 70_000)


def test_a_guardian_without_a_bank_account_is_held_and_cannot_be_included():
    pairing = make_paid_pairing()
    pairing.child.guardian.bank_account = None
    batch = build_batch("2026-09", CUTOFF)
    payout = payout_of(batch, pairing)
    assert payout.decision == PayoutDecision.HELD and payout.decision_reason
    with pytest.raises(DomainError, match="监护人没有登记银行账户"):
        batches.include(payout)


def test_staff_include_a_short_payout_only_with_general_fund_cover():
    short = make_paid_pairing(30_000)
    payout = payout_of(build_batch("2026-09", CUTOFF), short)
    with pytest.raises(DomainError, match="这笔款项资金不足"):
        batches.include(payout)
    batches.include(payout, general_fund=True)
    assert payout.decision == PayoutDecision.INCLUDED and payout.general_fund_cover


def test_exclusion_needs_a_reason_and_leaves_the_totals():
    a, b = make_paid_pairing(), make_paid_pairing()
    batch = build_batch("2026-09", CUTOFF)
    with pytest.raises(DomainError, match="请填写不发放的原因"):
        batches.exclude(payout_of(batch, a), " ")
    batches.exclude(payout_of(batch, a), "已转学外县")
    totals = figures.totals(batch)
    assert (totals.included, totals.excluded) == (1, 1)
    assert totals.included_fen == payout_of(batch, b).amount_fen


def test_totals_by_group_and_by_town():
    east, west = make_village("东镇"), make_village("西镇")
    make_paid_pairing(region=east)
    make_paid_pairing(region=east, school_stage=SchoolStage.SENIOR, grade=10)
    make_paid_pairing(region=west)
    batch = build_batch("2026-09", CUTOFF)
    groups = {line.label: line for line in figures.by_group(batch)}
    assert groups[AidGroup.PRIMARY].included == 2
    assert groups[AidGroup.MIDDLE].included_fen == settings.standard_fen(AidGroup.MIDDLE)
    towns = {line.label: line.included for line in figures.by_town(batch)}
    assert towns == {"东镇": 2, "西镇": 1}


def test_add_a_child_by_hand_once():
    batch = open_adhoc_batch("2026-09-补发", cutoff=date(2026, 11, 1))
    pairing = make_paid_pairing()
    payout = batches.add_child(batch, pairing.child)
    assert payout.added_by_hand and payout.decision == PayoutDecision.INCLUDED
    with pytest.raises(DomainError, match="这个孩子已在本批次中"):
        batches.add_child(batch, pairing.child)
    orphan = make_child()
    assert batches.add_child(batch, orphan).decision == PayoutDecision.HELD


def test_the_period_key_is_unique():
    make_paid_pairing()
    build_batch("2026-09", CUTOFF)
    with pytest.raises(DomainError, match="批次 2026-09 已存在"):
        build_batch("2026-09", CUTOFF)


def submitted_batch(builder=None):
    make_paid_pairing()
    builder = builder or make_user(Role.STAFF)
    batch = build_batch("2026-09", CUTOFF, by=builder)
    batches.submit(batch, by=builder)
    return batch


def test_nothing_changes_after_submit():
    pairing = make_paid_pairing()
    batch = build_batch("2026-09", CUTOFF)
    batches.submit(batch, by=make_user(Role.STAFF))
    with pytest.raises(DomainError, match="批次已提交，不能再修改"):
        batches.exclude(payout_of(batch, pairing), "改主意")
    with pytest.raises(DomainError, match="批次已提交，不能再修改"):
        batches.add_child(batch, make_child())
    with pytest.raises(DomainError, match="批次已提交，不能再修改"):
        batches.submit(batch, by=make_user(Role.STAFF))


def test_an_empty_batch_cannot_be_submitted():
    batch = open_adhoc_batch("空批次", cutoff=CUTOFF)
    with pytest.raises(DomainError, match="批次中没有要发放的款项"):
        batches.submit(batch, by=make_user())


def test_the_approver_is_finance_and_neither_builder_nor_submitter():
    finance_builder = make_user(Role.FINANCE)
    batch = submitted_batch(builder=finance_builder)
    with pytest.raises(DomainError, match="编制或提交本批次的人不能审批它"):
        batches.approve(batch, by=finance_builder)
    with pytest.raises(DomainError, match="只有财务人员可以审批"):
        batches.approve(batch, by=make_user(Role.STAFF))
    # The refusal's audit event is recorded by the view (tests/views/test_payouts.py).
    approver = make_user(Role.FINANCE)
    batches.approve(batch, by=approver)
    assert batch.status == PayoutBatchStatus.APPROVED and batch.approved_by == approver
    assert count(AuditEvent, AuditEvent.action == "batch.approved") == 1


def test_the_submitter_cannot_approve_either():
    builder, submitter = make_user(Role.STAFF), make_user(Role.FINANCE)
    make_paid_pairing()
    batch = build_batch("2026-09", CUTOFF, by=builder)
    batches.submit(batch, by=submitter)
    with pytest.raises(DomainError, match="编制或提交本批次的人不能审批它"):
        batches.approve(batch, by=submitter)


def test_approval_checks_that_the_funds_cover_the_batch():
    short = make_paid_pairing(30_000)
    batch = build_batch("2026-09", CUTOFF)
    batches.include(payout_of(batch, short), general_fund=True)
    batches.submit(batch, by=make_user())
    with pytest.raises(DomainError, match="资金不足以支付本批次"):
        batches.approve(batch, by=make_user(Role.FINANCE))
    assert batch.status == PayoutBatchStatus.SUBMITTED
    fund_general(70_000)
    batches.approve(batch, by=make_user(Role.FINANCE))
    assert batch.status == PayoutBatchStatus.APPROVED


def test_a_refused_approval_names_the_shortfall_to_the_reader_in_their_language():
    short = make_paid_pairing(30_000)
    batch = build_batch("2026-09", CUTOFF)
    batches.include(payout_of(batch, short), general_fund=True)
    batches.submit(batch, by=make_user())
    with pytest.raises(DomainError) as caught:
        batches.approve(batch, by=make_user(Role.FINANCE))
    assert caught.value.message == "资金不足以支付本批次：统筹资金需要 ¥700.00，现有 ¥0.00"
    assert render(caught.value, "en") == (
        "The funds do not cover the batch: the general fund needs ¥700.00, it holds ¥0.00"
    )


def test_cancel_from_draft_or_submitted_only():
    make_paid_pairing()
    draft = build_batch("2026-09", CUTOFF)
    with pytest.raises(DomainError, match="请填写取消原因"):
        batches.cancel(draft, " ", by=make_user())
    batches.cancel(draft, "重新编制", by=make_user())
    assert draft.status == PayoutBatchStatus.CANCELLED
    batch = submitted_batch()
    batches.cancel(batch, "标准调整", by=make_user())
    assert batch.status == PayoutBatchStatus.CANCELLED
    approved = open_adhoc_batch("补发", cutoff=CUTOFF)
    batches.add_child(approved, make_paid_pairing().child)
    batches.submit(approved, by=make_user())
    batches.approve(approved, by=make_user(Role.FINANCE))
    with pytest.raises(DomainError, match="已审批的批次不能取消"):
        batches.cancel(approved, "太晚了", by=make_user())
