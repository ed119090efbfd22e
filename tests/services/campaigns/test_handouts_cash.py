"""A campaign's cash handout: the sign-for sheet, signatures posting HANDOUT transactions once
each, people who did not sign, and signatures undone only by a reversing transaction."""

import io
from datetime import date

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from sqlalchemy.exc import IntegrityError

from sponsorship.errors import DomainError, render
from sponsorship.extensions import db
from sponsorship.models import AuditEvent, LedgerTransaction
from sponsorship.models.enums import Account, HandoutStatus, Role, TransactionKind
from sponsorship.services.campaigns import handouts_cash
from sponsorship.services.money import ledger_check
from tests import factories
from tests.services.campaigns.handout_data import (
    fund_campaign,
    held,
    make_adult,
    make_campaign,
    make_child_beneficiary,
)

SIGNED_ON = date(2027, 1, 28)


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "".join("".join(p.extract_text().replace("\x00", "").split()) for p in reader.pages)


def cash_people(campaign, n=3, amount=30000):
    return [make_adult(campaign, amount_fen=amount) for _ in range(n)]


def test_the_sign_sheet_lists_who_is_to_sign_with_masked_ids_and_is_audited():
    campaign = make_campaign(name="2027年春节送温暖")
    people = cash_people(campaign, 2)
    child = make_child_beneficiary(campaign, amount_fen=20000)
    make_adult(campaign, amount_fen=30000, status=HandoutStatus.SIGNED)
    make_adult(campaign, bank=True, amount_fen=30000)
    staff = factories.make_user(Role.STAFF)
    pdf, name = handouts_cash.sign_sheet(campaign, by=staff, handout_on=date(2027, 1, 28))
    assert name == "2027年春节送温暖签领表.pdf"
    text = text_of(pdf)
    assert "县妇女联合会" in text and "2027年春节送温暖签领表" in text
    for person in [*people, child]:
        assert person.name in text
    for number in [p.id_number for p in people] + [child.child.id_number]:
        assert number not in text and number[:2] + "*" * 15 + number[-1] in text
    assert "人数：3人800.00" in text and "金额合计800.00元" in text
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "campaign.sign_sheet_exported")
    )
    assert event.detail == "rows=3 total_fen=80000" and event.user_id == staff.id


def test_no_sheet_before_the_amounts_are_set():
    campaign = make_campaign()
    make_adult(campaign)
    with pytest.raises(DomainError):
        handouts_cash.sign_sheet(campaign, by=factories.make_user(Role.STAFF))


def test_signatures_post_one_handout_each_from_the_campaigns_fund():
    campaign = make_campaign()
    people = cash_people(campaign, 3)
    fund_campaign(campaign, 100000)
    staff = factories.make_user(Role.STAFF)
    assert handouts_cash.record_signed(campaign, [p.id for p in people], SIGNED_ON, by=staff) == 3
    assert held(campaign) == 10000
    txn_ids = set()
    for person in people:
        db.session.refresh(person)
        assert person.status == HandoutStatus.SIGNED and person.signed_on == SIGNED_ON
        txn = db.session.get(LedgerTransaction, person.transaction_id)
        assert txn.kind == TransactionKind.HANDOUT
        assert sorted((e.account, e.amount_fen) for e in txn.entries) == sorted(
            [(Account.CAMPAIGN, 30000), (Account.PAYOUTS, -30000)]
        )
        assert {e.campaign_id for e in txn.entries} == {campaign.id}
        txn_ids.add(txn.id)
    assert len(txn_ids) == 3
    assert ledger_check.verify() == []


def test_signing_twice_is_refused_by_the_code_and_one_transaction_by_the_database():
    campaign = make_campaign()
    first, second = cash_people(campaign, 2)
    fund_campaign(campaign, 60000)
    handouts_cash.record_signed(campaign, [first.id], SIGNED_ON)
    with pytest.raises(DomainError) as refused:
        handouts_cash.record_signed(campaign, [first.id, second.id], SIGNED_ON)
    assert first.name in render(refused.value, "zh")
    assert held(campaign) == 30000 and second.status == HandoutStatus.PENDING
    db.session.refresh(first)
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(
            sa.update(type(second))
            .where(type(second).id == second.id)
            .values(transaction_id=first.transaction_id)
        )


def test_the_fund_must_hold_the_handout():
    campaign = make_campaign()
    people = cash_people(campaign, 2)
    fund_campaign(campaign, 50000)
    with pytest.raises(DomainError) as short:
        handouts_cash.record_signed(campaign, [p.id for p in people], SIGNED_ON)
    assert "¥500.00" in render(short.value, "en") and "¥600.00" in render(short.value, "en")
    assert {p.status for p in people} == {HandoutStatus.PENDING} and held(campaign) == 50000


def test_who_did_not_sign_is_recorded_with_a_reason_and_can_sign_later():
    campaign = make_campaign()
    person = cash_people(campaign, 1)[0]
    fund_campaign(campaign, 30000)
    with pytest.raises(DomainError):
        handouts_cash.record_not_signed(campaign, [person.id], " ")
    handouts_cash.record_not_signed(campaign, [person.id], "外出务工，未到场")
    assert person.status == HandoutStatus.NOT_SIGNED and person.status_note == "外出务工，未到场"
    assert held(campaign) == 30000
    rows = handouts_cash.sheet_rows(campaign)
    assert [r.name for r in rows] == [person.name]  # the next sheet still lists her
    handouts_cash.record_signed(campaign, [person.id], SIGNED_ON)
    db.session.refresh(person)
    assert person.status == HandoutStatus.SIGNED and person.status_note == ""


def test_a_signature_is_undone_only_by_a_reversal_with_a_reason():
    campaign = make_campaign()
    person = cash_people(campaign, 1)[0]
    fund_campaign(campaign, 30000)
    handouts_cash.record_signed(campaign, [person.id], SIGNED_ON)
    db.session.refresh(person)
    signed_txn = person.transaction_id
    with pytest.raises(DomainError):
        handouts_cash.undo_signature(person, "")
    handouts_cash.undo_signature(person, "签错了人")
    assert person.status == HandoutStatus.PENDING and person.transaction_id is None
    assert held(campaign) == 30000
    reversal = db.session.scalar(
        sa.select(LedgerTransaction).where(LedgerTransaction.reverses_id == signed_txn)
    )
    assert reversal.kind == TransactionKind.REVERSAL
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "campaign.signature_undone")
    )
    assert "签错了人" in event.detail and f"reversal={reversal.id}" in event.detail
    with pytest.raises(DomainError):
        handouts_cash.undo_signature(person, "again")
    handouts_cash.record_signed(campaign, [person.id], SIGNED_ON)  # signs again, a new posting
    db.session.refresh(person)
    assert person.transaction_id not in (None, signed_txn) and held(campaign) == 0
    assert ledger_check.verify() == []


def test_a_town_user_signs_only_on_the_towns_campaign():
    town = factories.make_town()
    town_user = factories.make_user(Role.STAFF, scope=town)
    county_campaign = make_campaign()
    person = cash_people(county_campaign, 1)[0]
    fund_campaign(county_campaign, 30000)
    with pytest.raises(DomainError):
        handouts_cash.record_signed(county_campaign, [person.id], SIGNED_ON, by=town_user)
    with pytest.raises(DomainError):
        handouts_cash.sign_sheet(county_campaign, by=town_user)
    own = make_campaign(region=town)
    outsider = make_adult(own, amount_fen=100, region=factories.make_village(factories.make_town()))
    fund_campaign(own, 100)
    with pytest.raises(DomainError):
        handouts_cash.record_signed(own, [outsider.id], SIGNED_ON, by=town_user)
    assert held(own) == 100


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    amounts=st.lists(st.integers(min_value=1, max_value=50_000), min_size=1, max_size=5),
    steps=st.lists(
        st.tuples(st.sampled_from(["sign", "absent", "undo"]), st.integers(0, 4)), max_size=12
    ),
    spare=st.integers(min_value=0, max_value=100_000),
)
def test_any_run_of_signatures_absences_and_undos_keeps_the_fund_whole(amounts, steps, spare):
    with db.session.begin_nested() as example:
        campaign = make_campaign()
        people = [make_adult(campaign, amount_fen=a) for a in amounts]
        granted = sum(amounts) + spare
        fund_campaign(campaign, granted)
        for action, index in steps:
            person = people[index % len(people)]
            try:
                with db.session.begin_nested():
                    if action == "sign":
                        handouts_cash.record_signed(campaign, [person.id], SIGNED_ON)
                    elif action == "absent":
                        handouts_cash.record_not_signed(campaign, [person.id], "未到场")
                    else:
                        handouts_cash.undo_signature(person, "登记有误")
            except DomainError:
                pass
            db.session.refresh(person)
        signed = [p for p in people if p.status == HandoutStatus.SIGNED]
        assert held(campaign) + sum(p.amount_fen for p in signed) == granted
        assert all(p.transaction_id is not None for p in signed)
        assert all(p.transaction_id is None for p in people if p not in signed)
        assert ledger_check.verify() == []
        example.rollback()


def test_an_undone_handout_nets_out_of_the_campaigns_figures():
    from sponsorship.services.campaigns import fund

    campaign = make_campaign()
    person = cash_people(campaign, 1)[0]
    fund_campaign(campaign, 50000)
    handouts_cash.record_signed(campaign, [person.id], SIGNED_ON)
    assert fund.figures(campaign).paid_out_fen == 30000
    db.session.refresh(person)
    handouts_cash.undo_signature(person, "签错了人")
    figures = fund.figures(campaign)
    assert (figures.granted_fen, figures.raised_fen, figures.paid_out_fen) == (50000, 0, 0)
    assert figures.held_fen == 50000 and figures.balanced


def test_a_handout_racing_another_for_the_last_money_is_a_conflict_not_an_overdraft(
    monkeypatch,
):
    from sponsorship.errors import ConflictError
    from sponsorship.services.payouts import campaign_payouts

    campaign = make_campaign()
    person = cash_people(campaign, 1)[0]
    fund_campaign(campaign, 20000)
    # The check saw enough money; the fund was emptied before the posting (another clerk).
    monkeypatch.setattr(handouts_cash.promised, "campaign_free", lambda campaign_id: 10**9)
    with pytest.raises(ConflictError), db.session.begin_nested():
        handouts_cash.record_signed(campaign, [person.id], SIGNED_ON)
    assert campaign_payouts.held(campaign.id) == 20000


def test_a_person_signed_by_another_clerk_meanwhile_leaves_the_whole_record_unmade(monkeypatch):
    from sponsorship.errors import ConflictError

    campaign = make_campaign()
    people = cash_people(campaign, 3)
    fund_campaign(campaign, 120000)
    ids = [p.id for p in people]
    chosen = handouts_cash._chosen(campaign, ids, None)  # our clerk's list: all still waiting
    handouts_cash.record_signed(campaign, [people[1].id], SIGNED_ON)  # a second clerk, quicker
    [theirs] = db.session.scalars(
        sa.select(LedgerTransaction.id).where(LedgerTransaction.kind == TransactionKind.HANDOUT)
    ).all()
    monkeypatch.setattr(handouts_cash, "_chosen", lambda *args: chosen)
    with pytest.raises(ConflictError) as raced, db.session.begin_nested():
        handouts_cash.record_signed(campaign, ids, SIGNED_ON)
    assert render(raced.value, "en") == "Someone recorded this signature first: reload the page."
    for person in people:
        db.session.refresh(person)
    assert [(p.status, p.transaction_id) for p in people] == [
        (HandoutStatus.PENDING, None),
        (HandoutStatus.SIGNED, theirs),
        (HandoutStatus.PENDING, None),
    ]
    assert held(campaign) == 90000
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).where(LedgerTransaction.kind == TransactionKind.HANDOUT)
        )
        == 1
    )
    signed = sa.select(sa.func.count()).where(AuditEvent.action == "campaign.signed")
    assert db.session.scalar(signed) == 1
    assert ledger_check.verify() == []
