"""Check and normalise what people type: mobile numbers, resident ID numbers, email addresses."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from flask_babel import lazy_gettext as _l
from stdnum.cn import ric
from stdnum.exceptions import InvalidComponent

from sponsorship.errors import DomainError, Message

#: Mainland mobile numbers: 11 digits starting 13–19.
MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")
#: 17 ASCII digits and a check character.
ID_NUMBER_RE = re.compile(r"^[0-9]{17}[0-9X]$")
#: A deliberately plain check: one @, a dot in the domain, no spaces; delivery is the real test.
EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+$")


class FieldError(DomainError):
    """A rule about one input field was broken; `field` names the form field to show it beside."""

    def __init__(self, field: str, message: Message) -> None:
        super().__init__(message)
        self.field = field


def _fold(text: str) -> str:
    """Fold full-width characters to ASCII and drop spaces and dashes people type as separators."""
    folded = unicodedata.normalize("NFKC", str(text)).strip()
    return re.sub(r"[\s\-]", "", folded)


def normalize_mobile(text: str, field: str = "mobile") -> str:
    """Return a mainland mobile number as 11 digits, or raise FieldError."""
    number = _fold(text).removeprefix("+86").removeprefix("0086")
    if not MOBILE_RE.match(number):
        raise FieldError(
            field,
            _l("Invalid mobile number: enter an 11-digit mainland number such as 13912345678."),
        )
    return number


def normalize_id_number(text: str | None, *, today: date, field: str = "id_number") -> str | None:
    """Return a valid 18-character resident ID number, None when blank, or raise FieldError."""
    if text is None or not _fold(text):
        return None
    number = _fold(text).upper()
    if not ID_NUMBER_RE.match(number):
        raise FieldError(
            field,
            _l("A resident ID number has 18 characters: 17 digits and a digit or X."),
        )
    # stdnum's ric.validate also insists that the region code existed in the birth year, which
    # refuses real numbers issued after a county was renumbered (441323 dates from 1988): check
    # only what the issue asks for, the check digit and a real birth date, with stdnum's helpers.
    if ric.calc_check_digit(number) != number[17]:
        raise FieldError(
            field,
            _l("The ID number's check digit is wrong; please check every digit."),
        )
    try:
        born = ric.get_birth_date(number)
    except InvalidComponent:
        born = None
    if born is None or born > today or born.year < 1900:
        raise FieldError(
            field,
            _l("The birth date in the ID number is not a real date; please check it."),
        )
    return number


def normalize_email(text: str | None, field: str = "email") -> str | None:
    """Return an email address in lower case, None when blank, or raise FieldError."""
    if text is None:
        return None
    address = unicodedata.normalize("NFKC", str(text)).strip().lower()
    if not address:
        return None
    has_control = any(unicodedata.category(c)[0] == "C" for c in address)
    if len(address) > 255 or has_control or not EMAIL_RE.match(address):
        raise FieldError(
            field,
            _l("Invalid email address; it looks like name@example.com."),
        )
    return address


def clean_text(text: str | None, *, field: str, max_length: int, required: bool = True) -> str:
    """Return text with surrounding spaces and control characters removed; enforce length."""
    cleaned = "".join(c for c in str(text or "") if unicodedata.category(c)[0] != "C").strip()
    if required and not cleaned:
        raise FieldError(field, _l("This field is required."))
    if len(cleaned) > max_length:
        raise FieldError(
            field,
            _l("At most %(limit)s characters.", limit=max_length),
        )
    return cleaned
