"""Forms of the campaign screens: the campaign, its money, and choosing its people."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    DateField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from sponsorship.clock import today
from sponsorship.forms.dates import plausible_date
from sponsorship.forms.donations import YuanAmount
from sponsorship.labels import choices
from sponsorship.models.enums import CampaignKind, ChildStatus, DonationMethod, Hardship


class CampaignForm(FlaskForm):
    """A campaign's name, kind, owner, dates and description."""

    name = StringField(_l("Campaign name"), validators=[DataRequired(), Length(max=100)])
    kind = SelectField(_l("Kind"))
    region = SelectField(_l("Organised by"))
    starts_on = DateField(_l("Starts on"), validators=[DataRequired(), plausible_date])
    ends_on = DateField(_l("Ends on"), validators=[Optional(), plausible_date])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, region_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = choices(CampaignKind)
        self.region.choices = list(region_choices)


class GiftForm(FlaskForm):
    """A gift to the campaign: from a caring parent, a named donor, or anonymous."""

    sponsor = SelectField(_l("Caring parent"), validate_choice=True)
    donor_name = StringField(_l("Donor (unit or person)"), [Optional(), Length(max=100)])
    amount = StringField(_l("Amount (yuan)"), validators=[DataRequired(), YuanAmount()])
    received_on = DateField(_l("Date received"), validators=[DataRequired(), plausible_date])
    method = SelectField(_l("Method"))
    bank_reference = StringField(_l("Bank reference"), validators=[Optional(), Length(max=100)])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Record the gift"))

    def __init__(self, *args, sponsor_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.sponsor.choices = [("", _l("Not a caring parent (named or anonymous)"))] + list(
            sponsor_choices
        )
        self.method.choices = choices(DonationMethod)

    def validate_received_on(self, field) -> None:
        """Refuse a date received that lies in the future."""
        if field.data and field.data > today():
            raise ValidationError(_l("The date received cannot be in the future."))


class GiftBatchForm(FlaskForm):
    """A batch of many small gifts, with the count and total to tally against."""

    title = StringField(_l("Batch"), validators=[DataRequired(), Length(max=100)])
    expected_count = IntegerField(
        _l("Number of gifts"), validators=[DataRequired(), NumberRange(min=1, max=100_000)]
    )
    expected_total = StringField(_l("Total (yuan)"), validators=[DataRequired(), YuanAmount()])
    submit = SubmitField(_l("Open the batch"))


class GiftLinesForm(FlaskForm):
    """Lines typed into a gift batch: one gift per line, the donor then the amount."""

    lines = TextAreaField(
        _l("Gifts, one per line: unit or person, then the amount"),
        validators=[DataRequired(), Length(max=200_000)],
    )
    received_on = DateField(_l("Date received"), validators=[DataRequired(), plausible_date])
    method = SelectField(_l("Method"))
    submit = SubmitField(_l("Record these gifts"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.method.choices = choices(DonationMethod)


class GrantForm(FlaskForm):
    """A grant from the general fund to the campaign."""

    amount = StringField(_l("Amount (yuan)"), validators=[DataRequired(), YuanAmount()])
    memo = StringField(_l("Purpose"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Grant from the general fund"))


class HandOverForm(FlaskForm):
    """The campaign's money handed on to another body."""

    receiving_body = StringField(
        _l("Receiving body"), default="县慈善总会", validators=[DataRequired(), Length(max=100)]
    )
    reference = StringField(_l("Reference"), validators=[Optional(), Length(max=100)])
    amount = StringField(_l("Amount (yuan)"), validators=[DataRequired(), YuanAmount()])
    handed_on = DateField(_l("Date handed on"), validators=[DataRequired(), plausible_date])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Record the hand-over"))


class ChildFilterForm(FlaskForm):
    """Which children of the register to add to the campaign."""

    hardship = SelectField(_l("Hardship"), validators=[Optional()])
    town = SelectField(_l("Town"), validators=[Optional()])
    min_age = IntegerField(_l("Age from"), validators=[Optional(), NumberRange(min=0, max=30)])
    max_age = IntegerField(_l("Age to"), validators=[Optional(), NumberRange(min=0, max=30)])
    status = SelectField(_l("Status"), validators=[Optional()])
    submit = SubmitField(_l("Add these children"))

    def __init__(self, *args, town_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.hardship.choices = [("", _l("Any"))] + choices(Hardship)
        self.town.choices = [("", _l("Any"))] + list(town_choices)
        self.status.choices = [("", _l("Any but exited"))] + choices(ChildStatus)


class ReasonForm(FlaskForm):
    """The reason asked before a protected detail is shown (audited)."""

    reason = StringField(
        _l("Why do you need to see it?"), validators=[DataRequired(), Length(min=2, max=200)]
    )
    submit = SubmitField(_l("Show"))


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""

    submit = SubmitField(_l("Confirm"))


class GiftSheetForm(FlaskForm):
    """An Excel sheet of gifts for a batch: donor and amount per row."""

    file = FileField(
        _l("Excel file (.xlsx)"),
        validators=[
            FileRequired(),
            FileAllowed(["xlsx"], _l("Choose an Excel file ending in .xlsx.")),
        ],
    )
    received_on = DateField(_l("Date received"), validators=[DataRequired(), plausible_date])
    method = SelectField(_l("Method"))
    submit = SubmitField(_l("Import the gifts"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.method.choices = choices(DonationMethod)
