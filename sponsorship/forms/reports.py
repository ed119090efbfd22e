"""The statistics page's filter: a period (from–to) and an area (a town or the whole county)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, SubmitField
from wtforms.validators import Optional, ValidationError

from sponsorship.forms.dates import plausible_date


class PeriodForm(FlaskForm):
    """Read from the query string; empty dates mean the current half-year."""

    class Meta:
        """No CSRF token: the filter comes from a GET query string."""

        csrf = False

    start = DateField(_l("Period start"), validators=[Optional(), plausible_date])
    end = DateField(_l("Period end"), validators=[Optional(), plausible_date])
    town = SelectField(_l("Area"), default="", validate_choice=True)
    submit = SubmitField(_l("Show"))

    def validate_end(self, field) -> None:
        """Refuse an end date before the start date."""
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError(_l("The end date must not be before the start date."))
