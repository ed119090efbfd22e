"""Instalment schedules: pure date and fen arithmetic, no database."""

from __future__ import annotations

from datetime import date, timedelta

from sponsorship.models.enums import PaymentFrequency

#: A pledge that starts mid-year is first due this long after the pairing was confirmed.
MID_YEAR_GRACE = timedelta(days=30)


def school_year_of(day: date) -> int:
    """Return the school year a day falls in, named by the year it starts (1 September)."""
    return day.year if day.month >= 9 else day.year - 1


def school_year_bounds(year: int) -> tuple[date, date]:
    """Return the first and last day of a school year: 2026 → 2026-09-01 .. 2027-08-31."""
    return date(year, 9, 1), date(year + 1, 8, 31)


def standard_due_dates(frequency: PaymentFrequency, year: int) -> list[date]:
    """Return the due dates of a full school year; all fall by 15 August, before the payout."""
    if frequency == PaymentFrequency.YEARLY:
        return [date(year + 1, 8, 15)]
    if frequency == PaymentFrequency.SEMESTER:
        return [date(year + 1, 2, 15), date(year + 1, 8, 15)]
    months = [(year, m) for m in range(9, 13)] + [(year + 1, m) for m in range(1, 9)]
    return [date(y, m, 15) for y, m in months]


def months_left(year: int, start_on: date) -> int:
    """Return the months of the school year from `start_on`'s month to August, inclusive."""
    first, last = school_year_bounds(year)
    if start_on <= first:
        return 12
    if start_on > last:
        return 0
    return (last.year - start_on.year) * 12 + last.month - start_on.month + 1


def split_fen(total: int, parts: int) -> list[int]:
    """Split `total` fen into `parts` near-equal integers; the remainder goes to the first part."""
    if parts < 1:
        raise ValueError("at least one part")
    base, remainder = divmod(total, parts)
    return [base + remainder] + [base] * (parts - 1)


def pro_rata(amount_fen: int, months: int) -> int:
    """Return `months` twelfths of a yearly amount, rounded half up to the fen."""
    return (amount_fen * months * 2 + 12) // 24


def plan(
    frequency: PaymentFrequency,
    year: int,
    amount_fen: int,
    start_on: date,
    *,
    pro_rata_mid_year: bool = True,
) -> list[tuple[date, int]]:
    """Return the (due date, fen) instalments of a pledge starting on `start_on`.

    A full year (starting in September or earlier) follows the standard dates. A mid-year start
    is charged pro rata or in full; a yearly pledge is then due 30 days after the start, the
    others keep the standard dates at least 30 days away (or one instalment at 30 days).
    """
    months = months_left(year, start_on)
    if months >= 12:
        dates = standard_due_dates(frequency, year)
        return list(zip(dates, split_fen(amount_fen, len(dates)), strict=True))
    total = pro_rata(amount_fen, max(months, 1)) if pro_rata_mid_year else amount_fen
    first_due = start_on + MID_YEAR_GRACE
    if frequency == PaymentFrequency.YEARLY:
        dates = [first_due]
    else:
        dates = [d for d in standard_due_dates(frequency, year) if d >= first_due] or [first_due]
    return list(zip(dates, split_fen(total, len(dates)), strict=True))
