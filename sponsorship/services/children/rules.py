"""The rules a child's record must meet, shared by the form and the Excel import."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from stdnum.cn import ric
from stdnum.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)

from sponsorship.errors import DomainError, Joined, Message
from sponsorship.models.enums import AidType, Gender, Hardship, SchoolStage

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
ACCOUNT_RE = re.compile(r"^\d{10,30}$")
#: Grades each school stage allows; stages without grades take none.
STAGE_GRADES = {
    SchoolStage.PRIMARY: range(1, 7),
    SchoolStage.JUNIOR: range(7, 10),
    SchoolStage.SENIOR: range(10, 13),
}
#: A child of this age or older is no longer a child of the programme.
MAX_AGE = 18


class FieldError(DomainError):
    """One rule broken by one field: the form shows it beside the field, the import by column."""

    def __init__(self, field_name: str, message: Message) -> None:
        super().__init__(message)
        self.field = field_name


class ChildInvalidError(DomainError):
    """A child's record breaks one or more rules; `problems` says which."""

    def __init__(self, problems: list[FieldError]) -> None:
        super().__init__(Joined(problems))
        self.problems = problems


@dataclass
class ChildData:
    """A child's record and its guardian's, checked and normalised; region is a Region id."""

    name: str
    gender: Gender
    birth_date: date
    id_number: str | None
    region_id: int
    school_stage: SchoolStage
    grade: int | None
    aid_type: AidType
    guardian_name: str
    guardian_relation: str
    consent_given_on: date
    hardships: list[Hardship] = field(default_factory=list)
    address: str = ""
    school: str = ""
    family_situation: str = ""
    guardian_mobile: str | None = None
    bank_name: str | None = None
    bank_account: str | None = None


def validate_ric(raw: str) -> str:
    """Do what stdnum's `ric.validate` does, with the area-code lookup cached.

    `ric.validate` searches stdnum's area-code database on every call; a 10,000-row import
    asks about the same few areas 10,000 times. A property test checks both agree. Unlike
    `ric.validate`, an area code stdnum cannot describe is an invalid ID here, not a crash.
    """
    number = ric.compact(raw)
    if len(number) != 18:
        raise InvalidLength()
    if not number[:-1].isdigit() or not number[:-1].isascii():
        raise InvalidFormat()
    if number[-1] != ric.calc_check_digit(number):
        raise InvalidChecksum()
    ric.get_birth_date(number)
    if not _known_area(number[:6], number[6:10]):
        raise InvalidComponent()
    return number


@functools.lru_cache(maxsize=8192)
def _known_area(area: str, year: str) -> bool:
    try:
        ric.get_birth_place(f"{area}{year}0101000")
    except (ValidationError, KeyError):  # stdnum 2.2 raises KeyError for some retired areas
        return False
    return True


def clean_id_number(raw: str) -> str:
    """Return the resident ID in its 18-character form, or raise FieldError."""
    try:
        return validate_ric(raw)
    except InvalidLength:
        message = _l("A resident ID has 18 characters")
    except InvalidChecksum:
        message = _l("The resident ID's check digit is wrong")
    except InvalidComponent:
        message = _l("The ID's birth date or area code is invalid")
    except ValidationError:
        message = _l("The resident ID is not well formed")
    raise FieldError("id_number", message)


def birth_date_of(id_number: str) -> date:
    """Return the birth date written in a valid resident ID."""
    return ric.get_birth_date(id_number)


def gender_of(id_number: str) -> Gender:
    """Return the gender a valid resident ID encodes: odd order codes are male."""
    return Gender.MALE if int(id_number[16]) % 2 else Gender.FEMALE


def clean_mobile(raw: str) -> str:
    """Return an 11-digit mainland mobile number, or raise FieldError."""
    value = re.sub(r"[\s-]", "", raw)
    if not MOBILE_RE.match(value):
        raise FieldError("guardian_mobile", _l("A mobile has 11 digits from 1"))
    return value


def clean_account(raw: str) -> str:
    """Return a bank account of digits only, or raise FieldError."""
    value = re.sub(r"\s", "", raw)
    if not ACCOUNT_RE.match(value):
        raise FieldError("bank_account", _l("A bank account has 10 to 30 digits"))
    return value


def as_date(value: object) -> date | None:
    """Read a date typed as 2016-03-01, 2016/3/1, 2016.3.1 or 20160301, or from a cell."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text) or re.fullmatch(
        r"(\d{4})(\d{2})(\d{2})", text
    )
    if not match:
        raise ValueError(text)
    return date(*(int(part) for part in match.groups()))


def check_child(data: ChildData, today: date) -> None:
    """Raise ChildInvalidError listing every rule the cleaned record breaks; else return."""
    problems = list(_problems(data, today))
    if problems:
        raise ChildInvalidError(problems)


def _problems(data: ChildData, today: date):
    if not data.name.strip():
        yield FieldError("name", _l("Enter the child's name"))
    if data.id_number and data.birth_date:
        if birth_date_of(data.id_number) != data.birth_date:
            yield FieldError("birth_date", _l("The birth date does not match the ID"))
        if data.gender and gender_of(data.id_number) != data.gender:
            yield FieldError("gender", _l("The gender does not match the ID"))
    if data.birth_date is None:
        pass
    elif data.birth_date > today:
        yield FieldError("birth_date", _l("The birth date is in the future"))
    elif _age(data.birth_date, today) >= MAX_AGE:
        yield FieldError("birth_date", _l("Aged 18 or over: not a child"))
    grades = STAGE_GRADES.get(data.school_stage)
    if data.school_stage is None:
        pass
    elif grades is None and data.grade is not None:
        yield FieldError("grade", _l("This school stage has no grades"))
    elif grades is not None and data.grade not in grades:
        yield FieldError(
            "grade",
            _l(
                "The grade must be from %(first)s to %(last)s at this stage",
                first=grades.start,
                last=grades.stop - 1,
            ),
        )
    if not data.guardian_name.strip():
        yield FieldError("guardian_name", _l("Enter the guardian's name"))
    if not data.guardian_relation.strip():
        yield FieldError("guardian_relation", _l("Enter the relation"))
    if data.consent_given_on and data.consent_given_on > today:
        yield FieldError("consent_given_on", _l("The consent date is in the future"))
    if data.bank_account and not data.bank_name:
        yield FieldError("bank_name", _l("Enter the bank's name"))


def _age(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def build_child_data(values: dict[str, object], today: date) -> ChildData:
    """Clean raw values (strings, dates, enum values) into ChildData, or raise ChildInvalidError.

    Missing birth date and gender are filled from the resident ID when one is given.
    """
    problems: list[FieldError] = []

    def text(key: str, limit: int) -> str:
        value = str(values.get(key) or "").strip()
        if len(value) > limit:
            problems.append(FieldError(key, _l("At most %(limit)s characters", limit=limit)))
        return value[:limit]

    def optional(key: str, cleaner):
        raw = text(key, 60)
        if not raw:
            return None
        try:
            return cleaner(raw)
        except FieldError as problem:
            problem.field = key
            problems.append(problem)
            return None

    def choice(key: str, enum_class, required: bool = True, missing: Message = _l("Choose one")):
        raw = values.get(key)
        if raw in (None, ""):
            if required:
                problems.append(FieldError(key, missing))
            return None
        try:
            return enum_class(raw)
        except ValueError:
            problems.append(FieldError(key, _l("Not a valid choice: %(value)s", value=raw)))
            return None

    def day(key: str, missing: Message | None) -> date | None:
        try:
            value = as_date(values.get(key))
        except ValueError:
            problems.append(FieldError(key, _l("Write the date as 2016-03-01")))
            return None
        if value is None and missing is not None:
            problems.append(FieldError(key, missing))
        return value

    id_number = optional("id_number", clean_id_number)
    birth = day(
        "birth_date",
        None if id_number else _l("Enter the birth date, or the resident ID"),
    )
    gender = choice(
        "gender",
        Gender,
        required=not id_number,
        missing=_l("Choose the gender, or enter the resident ID"),
    )
    if id_number:
        birth = birth or birth_date_of(id_number)
        gender = gender or gender_of(id_number)
    grade = None
    raw_grade = values.get("grade")
    if raw_grade not in (None, ""):
        try:
            grade = int(str(raw_grade).strip().removesuffix("年级"))
        except ValueError:
            problems.append(FieldError("grade", _l("The grade is a number")))
    hardships = []
    for raw in values.get("hardships") or []:
        try:
            hardships.append(Hardship(raw))
        except ValueError:
            problems.append(FieldError("hardships", _l("Unknown hardship: %(value)s", value=raw)))
    region_id = values.get("region_id")
    if not region_id:
        problems.append(FieldError("region_id", _l("Choose the village")))
    consent = day("consent_given_on", _l("Record the guardian's consent"))
    data = ChildData(
        name=text("name", 50),
        gender=gender,
        birth_date=birth,
        id_number=id_number,
        region_id=int(region_id) if region_id else 0,
        school_stage=choice("school_stage", SchoolStage),
        grade=grade,
        aid_type=choice("aid_type", AidType),
        guardian_name=text("guardian_name", 100),
        guardian_relation=text("guardian_relation", 30),
        consent_given_on=consent,
        hardships=sorted(set(hardships), key=list(Hardship).index),
        address=text("address", 255),
        school=text("school", 100),
        family_situation=text("family_situation", 2000),
        guardian_mobile=optional("guardian_mobile", clean_mobile),
        bank_name=text("bank_name", 100) or None,
        bank_account=optional("bank_account", clean_account),
    )
    seen = {p.field for p in problems}
    problems.extend(p for p in _problems(data, today) if p.field not in seen)
    if problems:
        raise ChildInvalidError(problems)
    return data
