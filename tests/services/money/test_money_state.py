"""A stateful test over pledge / donate / reverse / pay out / refund / change amount /
end pairing / rollover.

After every step: each transaction sums to zero, each balance equals the sum of its legs, paid
amounts equal live allocations, and the programme's totals reconcile with what was given.
"""

from datetime import UTC, date, datetime

import sqlalchemy as sa
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from sponsorship.errors import DomainError
from sponsorship.extensions import db
from sponsorship.models import Pledge
from sponsorship.models.enums import (
    Account,
    PairingStatus,
    PaymentFrequency,
    PledgeStatus,
    RemainderTo,
)
from sponsorship.money import parse_yuan
from sponsorship.services.core import settings
from sponsorship.services.money import credit, ledger, pledges, statements
from sponsorship.services.money.donations import reverse_donation
from sponsorship.services.money.ledger import Leg
from tests.factories import make_donation, make_pairing, make_pledge, make_sponsor

amounts = st.one_of(
    st.integers(min_value=1, max_value=500_000),
    st.sampled_from(["0.1", "0.2", "0.3", "1,234.50", "１２３４", "999,999,999.99"]).map(
        parse_yuan
    ),
)


class MoneyMachine(RuleBasedStateMachine):
    pairings = Bundle("pairings")
    donations = Bundle("donations")

    def __init__(self):
        super().__init__()
        self.savepoint = db.session.begin_nested()
        self.year = 2026
        self.given = 0
        self.paid_out = 0
        self.refunded = 0

    @initialize()
    def start(self):
        self.sponsors = [
            make_sponsor(payment_frequency=frequency, capacity=3) for frequency in PaymentFrequency
        ]

    @rule(
        target=pairings,
        sponsor=st.integers(min_value=0, max_value=2),
        month=st.integers(min_value=0, max_value=11),
    )
    def pledge(self, sponsor, month):
        pairing = make_pairing(sponsor=self.sponsors[sponsor])
        year, m = (self.year, 9 + month) if month < 4 else (self.year + 1, month - 3)
        make_pledge(pairing, confirmed_at=datetime(year, m, 10, 2, tzinfo=UTC))
        return pairing

    @rule(
        target=donations,
        sponsor=st.integers(min_value=-1, max_value=2),
        amount=amounts,
        remainder=st.sampled_from(RemainderTo),
    )
    def donate(self, sponsor, amount, remainder):
        who = self.sponsors[sponsor] if sponsor >= 0 else None
        donation = make_donation(who, amount, remainder_to=remainder, received_on=date(2026, 10, 1))
        self.given += amount
        return donation

    @rule(donation=consumes(donations))
    def reverse(self, donation):
        try:
            reverse_donation(donation, "录入错误")
        except DomainError:
            return  # its money was paid out already: refused, nothing changed
        self.given -= donation.amount_fen

    @rule(pairing=pairings)
    def pay_out(self, pairing):
        held = ledger.held_for_pairing(pairing.id)
        if held:
            # How the payouts capability will post: restricted fund → payouts.
            ledger.post(
                "payout",
                [
                    Leg(Account.RESTRICTED, held, pairing_id=pairing.id),
                    Leg(Account.PAYOUTS, -held, pairing_id=pairing.id),
                ],
            )
            self.paid_out += held

    @rule(pairing=pairings, extra=st.integers(min_value=0, max_value=300_000))
    def change_amount(self, pairing, extra):
        pledge = db.session.scalar(
            sa.select(Pledge)
            .where(Pledge.pairing_id == pairing.id)
            .order_by(Pledge.school_year.desc())
        )
        if pledge is not None and pledge.status == PledgeStatus.ACTIVE:
            standard = settings.standard_fen(pairing.child.aid_group)
            before = sum(i.amount_fen for i in pledge.instalments if i.paid_fen)
            pledges.change_amount(pledge, standard + extra, reason="调整")
            assert sum(i.amount_fen for i in pledge.instalments if i.paid_fen) == before

    @rule(sponsor=st.integers(min_value=0, max_value=2), share=st.integers(1, 100))
    def refund(self, sponsor, share):
        who = self.sponsors[sponsor]
        amount = ledger.sponsor_credit(who.id) * share // 100
        if amount:
            credit.refund_credit(who, amount, "多缴退回")
            self.refunded += amount

    @rule(pairing=consumes(pairings))
    def end_pairing(self, pairing):
        if pairing.status == PairingStatus.ACTIVE:
            pairing.end(date(self.year + 1, 1, 1), "迁出")
            pledges.end_pledges(pairing, "迁出")

    @rule()
    def rollover(self):
        self.year += 1
        pledges.rollover(self.year)

    @invariant()
    def ledger_is_sound(self):
        assert ledger.verify() == []

    @invariant()
    def totals_reconcile(self):
        totals = statements.programme_totals()
        assert totals.reconciles
        assert totals.raised_fen == self.given
        assert totals.paid_out_fen == self.paid_out
        assert totals.refunded_fen == self.refunded

    def teardown(self):
        self.savepoint.rollback()


def test_money_state_machine(frozen):
    frozen(datetime(2026, 11, 29, 4, tzinfo=UTC))
    run_state_machine_as_test(
        MoneyMachine,
        settings=hypothesis_settings(
            max_examples=25,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
