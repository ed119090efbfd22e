"""Forms of the matching and pairing pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from sponsorship.forms.dates import plausible_date


class RunMatchingForm(FlaskForm):
    """The button that runs the matching engine to propose new pairings."""

    submit = SubmitField(_l("Run matching"))


class ProposalsForm(FlaskForm):
    """The proposals table: tick rows, then confirm or reject them together."""

    reason = StringField(
        _l("Reason for rejecting the ticked proposals"), validators=[Optional(), Length(max=500)]
    )
    confirm = SubmitField(_l("Confirm ticked"))
    reject = SubmitField(_l("Reject ticked"))


class ConfirmForm(FlaskForm):
    """The button that confirms one proposed pairing."""

    submit = SubmitField(_l("Confirm"))


class RejectForm(FlaskForm):
    """The reason a proposed pairing is rejected; it is not proposed again."""

    reason = TextAreaField(
        _l("Why is this pairing not suitable?"), validators=[DataRequired(), Length(max=500)]
    )
    submit = SubmitField(_l("Reject proposal"))


class ManualPairingForm(FlaskForm):
    """A caring parent and a child paired by hand, without the engine."""

    sponsor = SelectField(_l("Caring parent"), coerce=int, validators=[DataRequired()])
    child = SelectField(_l("Child"), coerce=int, validators=[DataRequired()])
    submit = SubmitField(_l("Pair them"))


class EndPairingForm(FlaskForm):
    """The date a pairing ends and the reason why."""

    ended_on = DateField(_l("Ended on"), validators=[DataRequired(), plausible_date])
    reason = TextAreaField(
        _l("Why does the pairing end?"), validators=[DataRequired(), Length(max=500)]
    )
    submit = SubmitField(_l("End pairing"))
