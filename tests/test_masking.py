"""The masks hide enough: counted against an independent oracle, never fewer than 1,000 numbers.

The oracle knows only what a user who may not reveal is shown (the mask, the gender, the birth
year) and what we assume anyone knows (the county's region code, the bank behind an account),
and counts every number consistent with it.
"""

import calendar
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

from sponsorship.masking import age_this_year, mask_account, mask_id_number

AREA = "441323"
ENOUGH = 1000


def consistent(masked: str, number: str) -> bool:
    return len(masked) == len(number) and all(
        m in ("*", n) for m, n in zip(masked, number, strict=False)
    )


def id_candidates(masked: str, year: int, male: bool, month: int | None = None) -> int:
    """Count the valid IDs of the county, birth year and gender that show as `masked`."""
    found = 0
    day = date(year, month or 1, 1)
    last = date(year, month, calendar.monthrange(year, month)[1]) if month else date(year, 12, 31)
    while day <= last:
        for order in range(1 if male else 0, 1000, 2):
            body = f"{AREA}{day:%Y%m%d}{order:03d}"
            if consistent(masked, body + ric.calc_check_digit(body + "0")):
                found += 1
        day += timedelta(days=1)
    return found


def make_id(born: date, order: int) -> str:
    body = f"{AREA}{born:%Y%m%d}{order:03d}"
    return body + ric.calc_check_digit(body + "0")


@settings(max_examples=4, deadline=None)
@given(st.dates(date(2008, 1, 1), date(2025, 12, 31)), st.integers(0, 999))
def test_an_id_mask_with_the_birth_year_leaves_over_a_thousand_numbers(born, order):
    number = make_id(born, order)
    masked = mask_id_number(number)
    assert number[6:17] not in masked
    # What a viewer sees: the mask, the gender, the birth year; even the birth month known.
    assert id_candidates(masked, born.year, male=order % 2 == 1, month=born.month) >= ENOUGH


def luhn_valid_fillings(hidden: int, known_tail: str) -> int:
    """Count the digit strings for `hidden` unknown places (after a known BIN and before the
    shown tail) whose whole number passes the Luhn check; computed digit by digit from the
    right, with the BIN's contribution taken as any fixed value (it shifts, never narrows)."""
    counts = {0: 1}
    position = 0
    for ch in reversed(known_tail):
        counts = {(s + _luhn_digit(int(ch), position)) % 10: c for s, c in counts.items()}
        position += 1
    for _ in range(hidden):
        nxt: dict[int, int] = {}
        for s, c in counts.items():
            for d in range(10):
                key = (s + _luhn_digit(d, position)) % 10
                nxt[key] = nxt.get(key, 0) + c
        counts = nxt
        position += 1
    # The BIN fixes which residue passes; take the residue with the fewest fillings.
    return min(counts.get(r, 0) for r in range(10))


def _luhn_digit(d: int, position: int) -> int:
    if position % 2 == 1:
        d *= 2
        return d - 9 if d > 9 else d
    return d


@given(st.from_regex(r"62[0-9]{8,28}", fullmatch=True))
def test_an_account_mask_leaves_over_a_thousand_accounts_of_its_bank(account):
    masked = mask_account(account)
    assert len(masked) == len(account)
    shown = len(masked) - masked.count("*")
    assert masked[: len(masked) - shown] == "*" * (len(masked) - shown)
    hidden_after_bin = len(account) - 6 - shown
    assert luhn_valid_fillings(hidden_after_bin, account[len(account) - shown :]) >= ENOUGH


def test_the_old_mask_would_have_failed_the_oracle():
    # First four and last four (the mask before): with the birth date shown, one number left.
    number = make_id(date(2016, 3, 1), 7)
    old = number[:4] + "*" * 10 + number[-4:]
    assert id_candidates(old, 2016, male=True, month=3) < ENOUGH


def test_the_age_shown_changes_for_everyone_on_new_years_day():
    born = date(2016, 7, 9)
    days = [date(2026, 1, 1) + timedelta(days=n) for n in range(365)]
    assert {age_this_year(born, day) for day in days} == {10}
    assert age_this_year(born, date(2027, 1, 1)) == 11
