"""Dates a person could mean: a typed 0001-01-01 or 9999-12-31 is refused beside its field.

Such dates parse, but arithmetic on them (the day after, the half-year around them, the time zone
shift of their midnight) overflows Python's date range and turned filters into 500s.
"""

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

#: The earliest and latest dates the programme's records and filters can sensibly hold.
EARLIEST = date(1900, 1, 1)
LATEST = date(2199, 12, 31)


def plausible_date(_form, field) -> None:
    """Refuse a date outside EARLIEST–LATEST, with a message a clerk can act on."""
    if field.data is not None and not EARLIEST <= field.data <= LATEST:
        field.data = None
        raise ValidationError(_l("Enter a date between 1900 and 2199."))
