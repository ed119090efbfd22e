"""Mobile numbers, resident ID numbers and email addresses: checked and normalised."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from sponsorship.services.core.validators import (
    FieldError,
    normalize_email,
    normalize_id_number,
    normalize_mobile,
)

TODAY = date(2026, 11, 29)


@pytest.mark.parametrize(
    "typed",
    ["13912345678", " 139 1234 5678 ", "139-1234-5678", "+8613912345678", "１３９１２３４５６７８"],
)
def test_mobile_numbers_as_people_type_them(typed):
    assert normalize_mobile(typed) == "13912345678"


@pytest.mark.parametrize(
    "typed", ["", "12912345678", "1391234567", "139123456789", "abc", "0755-1234567"]
)
def test_bad_mobile_numbers(typed):
    with pytest.raises(FieldError):
        normalize_mobile(typed)


@given(st.text(max_size=40))
def test_any_text_is_a_mobile_number_or_a_field_error(text):
    try:
        number = normalize_mobile(text)
    except FieldError as error:
        assert error.field == "mobile"
    else:
        assert len(number) == 11 and number.isascii() and number.isdigit()
        assert normalize_mobile(number) == number


@given(st.text(max_size=40))
def test_any_text_is_an_id_number_a_blank_or_a_field_error(text):
    try:
        number = normalize_id_number(text, today=TODAY)
    except FieldError as error:
        assert error.field == "id_number"
    else:
        if number is not None:
            assert number.isascii() and ric.calc_check_digit(number) == number[-1]
            assert ric.get_birth_date(number) <= TODAY


@given(st.dates(min_value=date(1930, 1, 1), max_value=TODAY), st.integers(0, 999))
def test_every_well_formed_id_number_is_accepted(born, serial):
    first = f"441323{born:%Y%m%d}{serial:03d}"
    number = first + ric.calc_check_digit(first + "0")
    assert normalize_id_number(number.lower(), today=TODAY) == number


def test_arabic_indic_digits_are_not_stored():
    with pytest.raises(FieldError):
        normalize_mobile("1٣912345678")


def test_id_number_born_tomorrow_is_refused():
    first = "44132320261130001"
    with pytest.raises(FieldError) as caught:
        normalize_id_number(first + ric.calc_check_digit(first + "0"), today=TODAY)
    assert "出生日期" in caught.value.message


@given(st.text(max_size=80))
def test_any_text_is_an_email_a_blank_or_a_field_error(text):
    try:
        address = normalize_email(text)
    except FieldError as error:
        assert error.field == "email"
    else:
        assert address is None or ("@" in address and address == address.strip().lower())
        if address:
            assert all(c.isprintable() and not c.isspace() for c in address)
