"""Masking of protected numbers and dates: what a user who may not reveal them is shown.

The rule is that nothing shown to such a user (mask, birth date, age, search, export, letter)
narrows a resident ID or a bank account to fewer than about a thousand candidates.

Resident ID (18 characters: 6 region digits, 8 birth-date digits, 3 order digits whose parity
is the gender, 1 check character). Assume the reader knows the whole region code (the child's
county), the gender, and the birth year (we show it). The mask shows the first two characters
(the province, which the region code already tells) and the check character. Left unknown: the
day in the birth year (365) and the order code (500 of a given parity); the shown check
character keeps about one in 11 of them: 365 x 500 / 11 = about 16,600 candidates. Even a
reader who also worked out the birth month keeps 30 x 500 / 11 = about 1,360. Hence: no full
birth date, no age in whole years (watched day by day it gives the birthday away; we show the
age the child turns this year instead), no search by ID fragments, and an exact-ID lookup only
for those who may reveal (see services/children/lookup.py).

Bank account (10-30 digits): assume the reader knows the bank's 6-digit BIN from the bank name
and that the last digit is a Luhn check. With L digits and the last k shown, 10^(L-7-k)
candidates remain; k = min(4, L-10) keeps at least 10^3.
"""

from __future__ import annotations

from datetime import date

MASK = "*"
#: Characters of a resident ID shown at the start (the province) and at the end (check).
ID_HEAD, ID_TAIL = 2, 1
#: Digits of an account that must stay hidden besides the shown tail (BIN 6 + Luhn 1 + 3).
ACCOUNT_HIDDEN = 10
ACCOUNT_TAIL = 4


def mask_id_number(value: str | None) -> str:
    """Show a resident ID as its first two characters and its check character: 44*…*3."""
    if not value:
        return ""
    if len(value) < 12:
        return MASK * len(value)
    return value[:ID_HEAD] + MASK * (len(value) - ID_HEAD - ID_TAIL) + value[-ID_TAIL:]


def account_tail_length(length: int) -> int:
    """Return how many last digits of an account of `length` digits may be shown."""
    return max(0, min(ACCOUNT_TAIL, length - ACCOUNT_HIDDEN))


def mask_account(value: str | None) -> str:
    """Show a bank account as stars and at most its last four digits (fewer when short)."""
    if not value:
        return ""
    shown = account_tail_length(len(value))
    return MASK * (len(value) - shown) + (value[-shown:] if shown else "")


def age_this_year(birth_date: date, today: date) -> int:
    """Return the age the child turns this calendar year: it changes on 1 January for all."""
    return today.year - birth_date.year
