"""Forms of the money-in screens: donations, reversals, bank-statement batches."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from sponsorship.clock import today
from sponsorship.errors import DomainError
from sponsorship.forms.dates import plausible_date
from sponsorship.labels import choices
from sponsorship.models.enums import DonationMethod, RemainderTo
from sponsorship.money import parse_yuan


class YuanAmount:
    """Parse the field as yuan into `field.fen`; the parser's message goes beside the field."""

    def __call__(self, form, field) -> None:
        """Store the amount in fen on the field, or fail with the parser's message."""
        try:
            field.fen = parse_yuan(field.data or "")
        except DomainError as error:
            raise ValidationError(error.message) from error


class DonationForm(FlaskForm):
    """A donation received from a caring parent or a general donor."""

    sponsor = SelectField(_l("Caring parent"), validate_choice=True)
    donor_name = StringField(
        _l("Donor name (anonymous or general donors)"), [Optional(), Length(max=100)]
    )
    amount = StringField(_l("Amount (yuan)"), validators=[DataRequired(), YuanAmount()])
    received_on = DateField(_l("Date received"), validators=[DataRequired(), plausible_date])
    method = SelectField(_l("Method"))
    bank_reference = StringField(_l("Bank reference"), validators=[Optional(), Length(max=100)])
    campaign = StringField(_l("Campaign"), validators=[Optional(), Length(max=100)])
    remainder_to = RadioField(_l("Money beyond what is due"), default=RemainderTo.CREDIT.value)
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Record donation"))

    def __init__(self, *args, sponsor_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.sponsor.choices = [("", _l("Anonymous or general donor"))] + list(sponsor_choices)
        self.method.choices = choices(DonationMethod)
        # A gift to a campaign is recorded from the campaign's page, which names the campaign.
        self.remainder_to.choices = [
            c for c in choices(RemainderTo) if c[0] != RemainderTo.CAMPAIGN
        ]

    def validate_received_on(self, field) -> None:
        """Refuse a date received that lies in the future."""
        if field.data and field.data > today():
            raise ValidationError(_l("The date received cannot be in the future."))


class ReverseForm(FlaskForm):
    """The reason for reversing a recorded donation."""

    reason = TextAreaField(_l("Reason for reversal"), validators=[DataRequired(), Length(max=2000)])
    submit = SubmitField(_l("Reverse donation"))


class BatchForm(FlaskForm):
    """A bank-statement batch to open: its title, and the line count and total to tally."""

    title = StringField(_l("Statement"), validators=[DataRequired(), Length(max=100)])
    expected_count = IntegerField(
        _l("Number of lines"), validators=[DataRequired(), NumberRange(min=1)]
    )
    expected_total = StringField(
        _l("Statement total (yuan)"), validators=[DataRequired(), YuanAmount()]
    )
    submit = SubmitField(_l("Open batch"))


class CloseBatchForm(FlaskForm):
    """The button that closes a batch and checks its lines against the statement."""

    submit = SubmitField(_l("Close batch"))


class ImportForm(FlaskForm):
    """The bank statement's CSV file whose lines become donations in the batch."""

    file = FileField(
        _l("Bank statement (CSV)"),
        validators=[FileRequired(), FileAllowed(["csv", "txt"], _l("Choose a .csv file."))],
    )
    submit = SubmitField(_l("Import lines"))


class PledgeAmountForm(FlaskForm):
    """A pledge's new yearly amount and the reason for the change."""

    amount = StringField(_l("New yearly amount (yuan)"), validators=[DataRequired(), YuanAmount()])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])
    submit = SubmitField(_l("Change amount"))


class RefundForm(FlaskForm):
    """A refund of a caring parent's credit, with its reason."""

    amount = StringField(_l("Refund (yuan)"), validators=[DataRequired(), YuanAmount()])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])
    submit = SubmitField(_l("Refund credit"))
