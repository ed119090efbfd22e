"""Money: integer fen in, ¥1,234.50 out; what people type parses exactly or is refused."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sponsorship.errors import DomainError, render
from sponsorship.money import MAX_FEN, check_amount, format_fen, parse_yuan


@pytest.mark.parametrize(
    ("fen", "text"),
    [
        (0, "¥0.00"),
        (5, "¥0.05"),
        (123450, "¥1,234.50"),
        (-100, "-¥1.00"),
        (11818000, "¥118,180.00"),
        (99_999_999_999, "¥999,999,999.99"),
    ],
)
def test_format(fen, text):
    assert format_fen(fen) == text


def test_format_refuses_float():
    with pytest.raises(TypeError):
        format_fen(0.1 + 0.2)


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("1234.5", 123450),
        ("1,234.50", 123450),
        ("１２３４", 123400),
        ("¥1,234.50", 123450),
        (" 0.1 ", 10),
        ("999999999.99", 99_999_999_999),
        ("0.30", 30),
    ],
)
def test_parse(text, fen):
    assert parse_yuan(text) == fen


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "1.234",
        "1,23",
        "-5",
        "1e3",
        "12,34.5",
        "1000000000",
        "0.1+0.2",
        "NaN",
        "１,２３４.５６７",
    ],
)
def test_parse_refuses(text):
    with pytest.raises(DomainError):
        parse_yuan(text)


@given(st.integers(min_value=0, max_value=MAX_FEN))
def test_format_then_parse_round_trips(fen):
    assert parse_yuan(format_fen(fen)) == fen
    assert parse_yuan(format_fen(fen, symbol=False).replace(",", "")) == fen


@given(st.text(max_size=30))
def test_parse_never_crashes_on_arbitrary_text(text):
    try:
        fen = parse_yuan(text)
    except DomainError:
        return
    assert isinstance(fen, int) and 0 <= fen <= MAX_FEN


@pytest.mark.parametrize("fen", [1, MAX_FEN])
def test_an_amount_to_record_from_one_fen_to_the_maximum_passes(fen):
    check_amount(fen)


@pytest.mark.parametrize(
    ("fen", "refusal"),
    [(0, "more than zero"), (-1, "more than zero"), (MAX_FEN + 1, "cannot be more than")],
)
def test_an_amount_to_record_outside_the_range_is_refused_saying_which_end(fen, refusal):
    with pytest.raises(DomainError) as caught:
        check_amount(fen)
    assert refusal in render(caught.value, "en")


@pytest.mark.parametrize("value", [0.5, True])
def test_an_amount_to_record_is_integer_fen(value):
    with pytest.raises(TypeError):
        check_amount(value)
