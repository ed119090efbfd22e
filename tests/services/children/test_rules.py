"""The child record's rules: resident ID, birth date, consent, grades; property-tested."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric
from stdnum.exceptions import ValidationError

from sponsorship.errors import render
from sponsorship.masking import mask_account, mask_id_number
from sponsorship.models.enums import Gender, SchoolStage
from sponsorship.services.children.rules import (
    ChildInvalidError,
    FieldError,
    as_date,
    build_child_data,
    clean_account,
    clean_id_number,
    clean_mobile,
)

TODAY = date(2026, 11, 29)
births = st.dates(min_value=date(2009, 1, 1), max_value=date(2026, 11, 1))


def make_id(birth: date, order: int) -> str:
    body = f"441323{birth:%Y%m%d}{order:03d}"
    return body + ric.calc_check_digit(body + "0")


def values(**overrides) -> dict:
    base = {
        "name": "陈小雨",
        "gender": "female",
        "birth_date": "2016-03-01",
        "region_id": 1,
        "school_stage": "primary",
        "grade": "4",
        "aid_type": "education",
        "guardian_name": "陈奶奶",
        "guardian_relation": "祖母",
        "consent_given_on": "2026-09-01",
    }
    return base | overrides


def fields_of(error: ChildInvalidError) -> set[str]:
    return {p.field for p in error.problems}


@given(births, st.integers(0, 999))
def test_every_well_formed_id_is_accepted_and_gives_its_birth_date(birth, order):
    number = make_id(birth, order)
    assert clean_id_number(number.lower()) == number
    data = build_child_data(values(id_number=number, birth_date="", gender=""), TODAY)
    assert data.birth_date == birth
    assert data.gender == (Gender.MALE if order % 2 else Gender.FEMALE)


@given(births, st.integers(0, 999), st.integers(1, 9))
def test_a_changed_check_digit_is_refused(birth, order, shift):
    number = make_id(birth, order)
    digits = "0123456789X"
    wrong = number[:-1] + digits[(digits.index(number[-1]) + shift) % 11]
    with pytest.raises(FieldError) as error:
        clean_id_number(wrong)
    assert "校验位" in error.value.message


@given(
    st.one_of(
        st.text(max_size=25),
        st.from_regex(r"[1-6][0-9]{5}(19|20)[0-9]{2}[01][0-9][0-3][0-9]{4}[0-9X]", fullmatch=True),
    )
)
def test_the_cached_validator_agrees_with_stdnum(text):
    from sponsorship.services.children.rules import validate_ric

    try:
        theirs = ric.validate(text)
    except (ValidationError, KeyError):  # stdnum crashes on some retired area codes
        theirs = None
    try:
        ours = validate_ric(text)
    except ValidationError:
        ours = None
    assert ours == theirs


def test_an_area_code_stdnum_cannot_describe_is_refused_not_a_crash():
    with pytest.raises(FieldError):
        clean_id_number("502317019201010023")


@given(st.text(max_size=25))
def test_random_text_is_never_taken_for_an_id(text):
    try:
        number = clean_id_number(text)
    except FieldError:
        return
    assert ric.is_valid(number)


def test_id_and_birth_date_must_agree():
    number = make_id(date(2015, 6, 1), 2)
    with pytest.raises(ChildInvalidError) as error:
        build_child_data(values(id_number=number, birth_date="2015-06-02"), TODAY)
    assert fields_of(error.value) == {"birth_date"}
    with pytest.raises(ChildInvalidError) as error:
        build_child_data(values(id_number=number, birth_date="2015-06-01", gender="male"), TODAY)
    assert fields_of(error.value) == {"gender"}


def test_an_impossible_birth_date_in_the_id_is_refused():
    body = "441323201502300" + "12"
    with pytest.raises(FieldError):
        clean_id_number(body + ric.calc_check_digit(body + "0"))


def test_no_child_without_guardian_consent():
    with pytest.raises(ChildInvalidError) as error:
        build_child_data(values(consent_given_on=""), TODAY)
    assert fields_of(error.value) == {"consent_given_on"}
    assert "同意" in error.value.problems[0].message
    future = (TODAY + timedelta(days=1)).isoformat()
    with pytest.raises(ChildInvalidError):
        build_child_data(values(consent_given_on=future), TODAY)


def test_grade_must_fit_the_stage_and_adults_are_refused():
    with pytest.raises(ChildInvalidError) as error:
        build_child_data(values(school_stage="junior", grade="4"), TODAY)
    assert fields_of(error.value) == {"grade"}
    assert build_child_data(values(school_stage="preschool", grade=""), TODAY).grade is None
    with pytest.raises(ChildInvalidError) as error:
        build_child_data(values(birth_date="2008-01-01", school_stage="senior", grade="12"), TODAY)
    assert fields_of(error.value) == {"birth_date"}


def test_every_problem_is_listed_at_once():
    with pytest.raises(ChildInvalidError) as error:
        build_child_data(
            values(name="", gender="", guardian_mobile="123", bank_account="12ab", region_id=""),
            TODAY,
        )
    assert fields_of(error.value) >= {"name", "gender", "guardian_mobile", "bank_account"}


def test_a_record_with_several_problems_lists_them_in_the_readers_language():
    with pytest.raises(ChildInvalidError) as error:
        build_child_data(values(name="", guardian_name=""), TODAY)
    assert error.value.message == "请填写儿童姓名；请填写监护人姓名"
    assert render(error.value, "en") == "Enter the child's name; Enter the guardian's name"


def test_a_clean_record():
    data = build_child_data(values(hardships=["orphan", "left_behind", "orphan"]), TODAY)
    assert data.school_stage == SchoolStage.PRIMARY and data.grade == 4
    assert [h.value for h in data.hardships] == ["orphan", "left_behind"]


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_mobiles(mobile):
    assert clean_mobile(f"{mobile[:3]} {mobile[3:7]}-{mobile[7:]}") == mobile


@given(st.from_regex(r"[0-9]{10,30}", fullmatch=True))
def test_accounts_and_their_masks(account):
    assert clean_account(account) == account
    masked = mask_account(account)
    shown = min(4, len(account) - 10)  # ten digits always hidden: see sponsorship/masking.py
    assert len(masked) == len(account) and masked.count("*") == len(account) - shown
    assert masked[len(account) - shown :] == account[len(account) - shown :]


@given(births, st.integers(0, 999))
def test_id_masks_keep_only_the_ends(birth, order):
    number = make_id(birth, order)
    masked = mask_id_number(number)
    assert masked == number[:2] + "*" * 15 + number[-1]
    assert number[6:14] not in masked


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 1, 1)))
def test_dates_in_the_ways_people_write_them(day):
    for text in (day.isoformat(), f"{day.year}/{day.month}/{day.day}", f"{day:%Y%m%d}"):
        assert as_date(text) == day
    assert as_date(f"{day.year}年{day.month}月{day.day}日") == day
