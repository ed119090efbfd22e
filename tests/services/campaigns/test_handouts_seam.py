"""A campaign's bank batch and the September batch side by side: neither disturbs the other's
payouts, unique indexes, totals, bank files or ledger."""

import csv
import io
from datetime import date

import sqlalchemy as sa

from sponsorship.extensions import db
from sponsorship.models import Letter, Payout
from sponsorship.models.enums import (
    Account,
    HandoutMethod,
    HandoutStatus,
    LetterKind,
    PayoutBatchStatus,
    PayoutStatus,
    Role,
)
from sponsorship.services.campaigns.handouts_bank import build_bank_batch
from sponsorship.services.money import ledger, ledger_check
from sponsorship.services.payouts import bank_file, figures, review
from sponsorship.services.payouts.build import build_batch
from sponsorship.services.payouts.payments import pay_chunk
from tests import factories
from tests.services.campaigns.handout_data import (
    fund_campaign,
    held,
    make_adult,
    make_campaign,
    make_child_beneficiary,
)

CUTOFF = date(2026, 9, 1)
PAID_ON = date(2026, 9, 10)


def rows_of(batch, finance):
    data, _ = bank_file.export(batch, "csv", by=finance)
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[1:]


def test_a_campaign_batch_and_the_september_batch_in_one_period_keep_apart():
    pairings = [factories.make_paid_pairing() for _ in range(2)]
    general_before = ledger.balance(Account.GENERAL)
    campaign = make_campaign(name="六一慰问", starts_on=date(2026, 6, 1))
    # A paired child is also on the campaign's list: two payouts, one per purpose.
    child_person = make_child_beneficiary(
        campaign,
        child=pairings[0].child,
        bank_name="农行",
        bank_account="6228480000000000001",
        amount_fen=20000,
        method=HandoutMethod.BANK,
    )
    adult = make_adult(campaign, bank=True, amount_fen=30000)
    fund_campaign(campaign, 50000)
    staff, finance = factories.make_user(Role.STAFF), factories.make_user(Role.FINANCE)

    september = build_batch("2026-09", CUTOFF, by=staff)
    handout = build_bank_batch(campaign, by=staff)
    assert september.key != handout.key
    assert figures.totals(september).included == 2
    assert figures.totals(handout).included == 2
    assert figures.totals(handout).included_fen == 50000

    for batch in (september, handout):
        review.submit(batch, by=staff)
        review.approve(batch, by=finance)
    september_rows, handout_rows = rows_of(september, finance), rows_of(handout, finance)
    assert {r[6].rsplit("-", 1)[0] for r in september_rows} == {"2026-09"}
    assert {r[6].rsplit("-", 1)[0] for r in handout_rows} == {handout.key}
    assert {r[1] for r in handout_rows} == {child_person.payee_name, adult.name}
    assert sorted(r[4] for r in handout_rows) == ["200.00", "300.00"]

    assert pay_chunk(handout, paid_on=PAID_ON, by=finance) == 2
    assert pay_chunk(september, paid_on=PAID_ON, by=finance) == 2
    assert {september.status, handout.status} == {PayoutBatchStatus.CLOSED}
    child_payouts = db.session.scalars(
        sa.select(Payout).where(Payout.child_id == pairings[0].child_id)
    ).all()
    assert [p.status for p in child_payouts] == [PayoutStatus.PAID]
    assert child_person.status == adult.status == HandoutStatus.PAID
    # The pairings' funds paid the September payouts, the campaign's fund its own.
    for pairing in pairings:
        assert ledger.held_for_pairing(pairing.id) == 0
    assert held(campaign) == 0
    assert ledger.balance(Account.GENERAL) == general_before
    # Letters: the September payouts' two each, none for the handout.
    notices = db.session.scalar(
        sa.select(sa.func.count()).where(Letter.kind == LetterKind.PAYOUT_NOTICE)
    )
    assert notices == 2
    assert ledger_check.verify() == []


def test_the_september_batch_is_built_while_a_campaign_batch_waits_for_approval():
    pairing = factories.make_paid_pairing()
    campaign = make_campaign(starts_on=date(2026, 6, 1))
    make_child_beneficiary(
        campaign,
        child=pairing.child,
        bank_name="农行",
        bank_account="6228480000000000001",
        amount_fen=20000,
        method=HandoutMethod.BANK,
    )
    staff = factories.make_user(Role.STAFF)
    handout = build_bank_batch(campaign, by=staff)
    review.submit(handout, by=staff)
    september = build_batch("2026-09", CUTOFF, by=staff)
    assert (
        db.session.scalar(sa.select(Payout.child_id).where(Payout.batch_id == september.id))
        == pairing.child_id
    )
