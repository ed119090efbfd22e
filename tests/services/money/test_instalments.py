"""Paying oldest first: each instalment is paid in full before a later one gets anything."""

from hypothesis import given, settings
from hypothesis import strategies as st

from sponsorship.services.money.instalments import allocate


def fen_by_fen(owed: list[int], amount_fen: int) -> list[int]:
    """The oracle: hand the money out one fen at a time, always to the oldest unpaid debt."""
    parts = [0] * len(owed)
    for _ in range(amount_fen):
        oldest_unpaid = next((i for i, debt in enumerate(owed) if parts[i] < debt), None)
        if oldest_unpaid is None:
            break
        parts[oldest_unpaid] += 1
    return parts


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(1, 400), max_size=8), st.integers(0, 2_500))
def test_allocation_is_the_fen_by_fen_oracle(owed, amount_fen):
    parts = allocate(owed, amount_fen)
    assert parts == fen_by_fen(owed, amount_fen)
    assert sum(parts) == min(amount_fen, sum(owed))  # nothing lost, nothing invented


def test_allocation_of_nothing_or_to_no_debt_gives_nothing():
    assert allocate([], 5_000) == []
    assert allocate([100, 200], 0) == [0, 0]
    assert allocate([100, 200], 150) == [100, 50]
