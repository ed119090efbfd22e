"""Pledges: schedules per frequency, mid-year starts, rollover, amount changes, ending."""

from datetime import UTC, date, datetime

import pytest

from sponsorship.errors import DomainError
from sponsorship.models import Instalment, Pledge
from sponsorship.models.enums import (
    AidType,
    InstalmentStatus,
    PairingStatus,
    PaymentFrequency,
    PledgeStatus,
    SchoolStage,
)
from sponsorship.services.core import settings
from sponsorship.services.money import pledges
from sponsorship.services.money.schedules import plan, pro_rata, school_year_of, split_fen
from tests.conftest import count
from tests.factories import make_child, make_donation, make_pairing, make_pledge, make_sponsor


def schedule(pledge: Pledge) -> list[tuple[date, int]]:
    return [(i.due_on, i.amount_fen) for i in pledge.instalments]


def test_school_year_runs_september_to_august():
    assert school_year_of(date(2026, 9, 1)) == 2026
    assert school_year_of(date(2027, 8, 31)) == 2026
    assert school_year_of(date(2027, 1, 15)) == 2026


def test_yearly_pledge_is_one_instalment_due_15_august_before_the_september_payout():
    pledge = make_pledge(frequency=PaymentFrequency.YEARLY, amount_fen=120_000)
    assert pledge.school_year == 2026 and not pledge.mid_year
    assert schedule(pledge) == [(date(2027, 8, 15), 120_000)]


def test_semester_pledge_is_two_instalments():
    pledge = make_pledge(frequency=PaymentFrequency.SEMESTER, amount_fen=100_001)
    assert schedule(pledge) == [(date(2027, 2, 15), 50_001), (date(2027, 8, 15), 50_000)]


def test_monthly_pledge_is_twelve_instalments_summing_exactly():
    pledge = make_pledge(frequency=PaymentFrequency.MONTHLY, amount_fen=100_007)
    rows = schedule(pledge)
    assert len(rows) == 12
    assert rows[0] == (date(2026, 9, 15), 8_344) and rows[-1] == (date(2027, 8, 15), 8_333)
    assert sum(fen for _, fen in rows) == 100_007


def test_pledge_is_never_below_the_standard_for_the_childs_group():
    sponsor = make_sponsor(pledge_per_child_fen=50_000)
    child = make_child(aid_type=AidType.FOSTERING)
    pledge = make_pledge(make_pairing(sponsor=sponsor, child=child))
    assert pledge.amount_fen == settings.standard_fen(child.aid_group) == 300_000
    middle = make_child(school_stage=SchoolStage.JUNIOR, grade=7)
    rich = make_sponsor(pledge_per_child_fen=200_000)
    assert make_pledge(make_pairing(sponsor=rich, child=middle)).amount_fen == 200_000


def test_mid_year_yearly_start_is_due_30_days_after_confirmation_pro_rata():
    confirmed = datetime(2026, 11, 10, 3, tzinfo=UTC)
    pledge = make_pledge(confirmed_at=confirmed, amount_fen=120_000)
    assert pledge.mid_year
    # November to August: ten months of twelve.
    assert schedule(pledge) == [(date(2026, 12, 10), 100_000)]


def test_mid_year_start_charges_the_full_year_when_the_setting_says_so():
    settings.put("pledge.mid_year_pro_rata", False)
    pledge = make_pledge(confirmed_at=datetime(2027, 3, 2, 3, tzinfo=UTC), amount_fen=120_000)
    assert schedule(pledge) == [(date(2027, 4, 1), 120_000)]


def test_mid_year_monthly_start_keeps_the_months_at_least_30_days_away():
    confirmed = datetime(2027, 1, 20, 3, tzinfo=UTC)
    pledge = make_pledge(confirmed_at=confirmed, frequency=PaymentFrequency.MONTHLY)
    rows = schedule(pledge)
    assert [d for d, _ in rows] == [date(2027, m, 15) for m in range(3, 9)]
    assert sum(fen for _, fen in rows) == pro_rata(100_000, 8) == 66_667


def test_late_semester_start_gets_one_instalment_30_days_on():
    rows = plan(PaymentFrequency.SEMESTER, 2026, 100_000, date(2027, 8, 1))
    assert rows == [(date(2027, 8, 31), 8_333)]


@pytest.mark.parametrize("total,parts", [(1, 12), (0, 2), (99_999_999_999, 12), (100_007, 7)])
def test_split_is_exact(total, parts):
    shares = split_fen(total, parts)
    assert sum(shares) == total and len(shares) == parts
    assert max(shares) - min(shares) < parts


def test_start_pledge_twice_gives_the_same_pledge():
    pledge = make_pledge()
    assert pledges.start_pledge(pledge.pairing) is pledge
    assert count(Pledge, Pledge.pairing_id == pledge.pairing_id) == 1


def test_rollover_creates_next_year_for_active_pairings_only():
    kept = make_pledge(amount_fen=130_000)
    ended = make_pledge()
    ended.pairing.status = PairingStatus.ENDED
    created = pledges.rollover(2027)
    assert [p.pairing_id for p in created] == [kept.pairing_id]
    assert created[0].amount_fen == 130_000
    assert schedule(created[0]) == [(date(2028, 8, 15), 130_000)]
    assert pledges.rollover(2027) == []


def test_rollover_raises_the_amount_to_a_new_group_standard():
    pledge = make_pledge(amount_fen=100_000)
    pledge.pairing.child.school_stage = SchoolStage.JUNIOR
    (created,) = pledges.rollover(2027)
    assert created.amount_fen == 150_000


def test_ending_waives_future_unpaid_instalments_and_keeps_them():
    pledge = make_pledge(frequency=PaymentFrequency.MONTHLY, amount_fen=120_000)
    waived = pledges.end_pledges(pledge.pairing, "孩子随父母迁出本县", on=date(2027, 1, 31))
    assert waived == 7
    statuses = [i.status for i in pledge.instalments]
    assert statuses[:5] == [InstalmentStatus.DUE] * 5
    assert statuses[5:] == [InstalmentStatus.WAIVED] * 7
    assert {i.waive_reason for i in pledge.instalments[5:]} == {"孩子随父母迁出本县"}
    assert pledge.status == PledgeStatus.ENDED
    assert count(Instalment, Instalment.pledge_id == pledge.id) == 12


def test_ending_needs_a_reason():
    pledge = make_pledge()
    with pytest.raises(DomainError, match="请填写结束原因"):
        pledges.end_pledges(pledge.pairing, "  ")


def test_amount_change_applies_from_the_next_unpaid_instalment_and_keeps_history():
    pledge = make_pledge(frequency=PaymentFrequency.MONTHLY, amount_fen=120_000)
    make_donation(pledge.pairing.sponsor, 40_000)  # pays the first four months
    change = pledges.change_amount(pledge, 240_000, reason="加大资助")
    amounts = [i.amount_fen for i in pledge.instalments]
    assert amounts == [10_000] * 4 + [20_000] * 8
    assert change.from_seq == 5 and change.old_amount_fen == 120_000
    assert pledge.amount_fen == 240_000 and pledge.changes == [change]


def test_amount_change_skips_a_partly_paid_instalment():
    pledge = make_pledge(frequency=PaymentFrequency.SEMESTER, amount_fen=100_000)
    make_donation(pledge.pairing.sponsor, 10_000)
    change = pledges.change_amount(pledge, 200_000)
    assert [i.amount_fen for i in pledge.instalments] == [50_000, 100_000]
    assert change.from_seq == 2


def test_amount_change_below_the_standard_is_refused():
    pledge = make_pledge()
    with pytest.raises(DomainError, match="认捐金额不能低于该组儿童的标准金额"):
        pledges.change_amount(pledge, 99_999)


def test_overdue_after_due_date_plus_grace_days():
    pledge = make_pledge(frequency=PaymentFrequency.SEMESTER)
    first = pledge.instalments[0]
    assert pledges.mark_overdue(date(2027, 3, 2)) == 0  # 15 Feb + 15 days
    assert pledges.mark_overdue(date(2027, 3, 3)) == 1
    assert first.status == InstalmentStatus.OVERDUE
    assert pledge.instalments[1].status == InstalmentStatus.DUE
