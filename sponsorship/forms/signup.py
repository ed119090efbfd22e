"""The public sign-up form of caring parents, and the contact form of their portal."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TelField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, ValidationError

from sponsorship.clock import today
from sponsorship.errors import DomainError
from sponsorship.extensions import db
from sponsorship.labels import choices
from sponsorship.models import Region
from sponsorship.models.enums import (
    AidPreference,
    Channel,
    Distance,
    Gender,
    PaymentFrequency,
    RegionLevel,
    SponsorKind,
)
from sponsorship.money import parse_yuan
from sponsorship.services.core.validators import (
    FieldError,
    normalize_email,
    normalize_id_number,
    normalize_mobile,
)
from sponsorship.services.sponsors.applications import (
    MAX_CAPACITY,
    MIN_CAPACITY,
    Details,
    minimum_pledge_fen,
)

REQUIRED = _l("This field is required.")
BAD_CHOICE = _l("Please choose one of the options.")


def region_choices() -> list[SelectChoice]:
    """Return villages grouped by town (a town without villages stands for itself)."""
    towns = db.session.scalars(
        sa.select(Region).where(Region.level == RegionLevel.TOWN).order_by(Region.code)
    ).all()
    villages = db.session.scalars(
        sa.select(Region).where(Region.level == RegionLevel.VILLAGE).order_by(Region.code)
    ).all()
    grouped: list[SelectChoice] = []
    for town in towns:
        own = [v for v in villages if v.parent_id == town.id] or [town]
        grouped.extend(SelectChoice(str(r.id), r.name, optgroup=town.name) for r in own)
    return grouped


def _check(function, field, *args, **kwargs):
    """Run a service check on a field's data and turn its error into the field's message."""
    try:
        return function(field.data, *args, **kwargs)
    except FieldError as error:
        raise ValidationError(error.message) from error


class ContactFields(FlaskForm):
    """Contact details and letter channel: shared by sign-up and the portal."""

    mobile = TelField(_l("Mobile number"), validators=[DataRequired(REQUIRED), Length(max=30)])
    email = EmailField(
        _l("Email (optional)"), validators=[Length(max=255)], filters=[lambda v: v or ""]
    )
    region = SelectField(
        _l("Town and village"),
        validators=[DataRequired(REQUIRED)],
        invalid_choice_message=BAD_CHOICE,
    )
    address = StringField(
        _l("Postal address"), validators=[DataRequired(REQUIRED), Length(max=255)]
    )
    channel = RadioField(
        _l("How should we send you letters?"),
        default=Channel.POST.value,
        validators=[InputRequired(BAD_CHOICE)],
        invalid_choice_message=BAD_CHOICE,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.region.choices = [SelectChoice("", _l("Choose…")), *region_choices()]
        # Labels are translated per request, so the choices are built here, not at import.
        self.channel.choices = choices(Channel)

    def validate_mobile(self, field):
        """Refuse a mobile number the shared contact rules reject."""
        _check(normalize_mobile, field)

    def validate_email(self, field):
        """Check the email address, and require one when letters are to go by email."""
        address = _check(normalize_email, field)
        if not address and self.channel.data == Channel.EMAIL:
            raise ValidationError(_l("Enter an email address to receive letters by email."))

    def selected_region(self) -> Region | None:
        """Return the chosen village or town, or None when nothing is chosen."""
        return db.session.get(Region, int(self.region.data)) if self.region.data else None


class SignUpForm(ContactFields):
    """A caring parent's application: who they are, whom they would help, what they pledge."""

    kind = RadioField(
        _l("I sign up as"),
        default=SponsorKind.INDIVIDUAL.value,
        validators=[InputRequired(BAD_CHOICE)],
        invalid_choice_message=BAD_CHOICE,
    )
    name = StringField(
        _l("Name (or the unit's name)"), validators=[DataRequired(REQUIRED), Length(max=100)]
    )
    contact_name = StringField(_l("Contact person (organisations)"), validators=[Length(max=100)])
    gender = SelectField(
        _l("Gender"),
        invalid_choice_message=BAD_CHOICE,
    )
    id_number = StringField(_l("Resident ID number (optional)"), validators=[Length(max=30)])
    aid_preference = SelectField(
        _l("Which children would you like to help?"),
        invalid_choice_message=BAD_CHOICE,
    )
    distance = SelectField(
        _l("Where may the children live?"),
        default=Distance.SAME_COUNTY.value,
        invalid_choice_message=BAD_CHOICE,
    )
    child_gender = SelectField(
        _l("Child's gender"),
        invalid_choice_message=BAD_CHOICE,
    )
    capacity = SelectField(
        _l("Number of children"),
        choices=[SelectChoice(str(n)) for n in range(MIN_CAPACITY, MAX_CAPACITY + 1)],
        invalid_choice_message=BAD_CHOICE,
    )
    pledge = StringField(
        _l("Pledge per child per year (yuan)"), validators=[DataRequired(REQUIRED), Length(max=30)]
    )
    payment_frequency = SelectField(
        _l("How often will you pay?"),
        invalid_choice_message=BAD_CHOICE,
    )
    password = PasswordField(
        _l("Password for your portal account"),
        validators=[
            DataRequired(REQUIRED),
            Length(min=10, max=200, message=_l("Between 10 and 200 characters.")),
        ],
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(REQUIRED), EqualTo("password", _l("The two passwords differ."))],
    )
    consent = BooleanField(
        _l("I have read the privacy notice and agree that my details are used for this programme."),
        validators=[DataRequired(_l("Please agree to the privacy notice before sending."))],
    )
    #: Hidden from people by CSS; robots fill it in.
    website = StringField(_l("Leave this field empty"))
    submit = SubmitField(_l("Send my application"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = choices(SponsorKind)
        self.gender.choices = [("", _l("Not given")), *choices(Gender)]
        self.aid_preference.choices = choices(AidPreference)
        self.distance.choices = choices(Distance)
        self.child_gender.choices = [("", _l("No preference")), *choices(Gender)]
        self.payment_frequency.choices = choices(PaymentFrequency)

    def validate_contact_name(self, field):
        """Require a contact person when an organisation signs up."""
        if self.kind.data == SponsorKind.ORGANISATION and not (field.data or "").strip():
            raise ValidationError(_l("Organisations name a contact person."))

    def validate_id_number(self, field):
        """Refuse a resident ID number that is given but not valid."""
        _check(normalize_id_number, field, today=today())

    def validate_pledge(self, field):
        """Refuse a pledge that is not an amount or is below the standard for the chosen aid."""
        try:
            fen = parse_yuan(field.data)
        except DomainError as error:
            raise ValidationError(error.message) from error
        if self.aid_preference.data not in {p.value for p in AidPreference}:
            return
        least = minimum_pledge_fen(AidPreference(self.aid_preference.data))
        if fen < least:
            raise ValidationError(
                _l("At least the standard of %(amount)s yuan for this choice.", amount=least // 100)
            )

    def to_details(self) -> Details:
        """Return the service's details from this validated form."""
        return Details(
            kind=SponsorKind(self.kind.data),
            name=self.name.data,
            contact_name=self.contact_name.data,
            gender=Gender(self.gender.data) if self.gender.data else None,
            mobile=self.mobile.data,
            email=self.email.data,
            address=self.address.data,
            region=self.selected_region(),
            id_number=self.id_number.data,
            aid_preference=AidPreference(self.aid_preference.data),
            distance=Distance(self.distance.data),
            child_gender=Gender(self.child_gender.data) if self.child_gender.data else None,
            capacity=int(self.capacity.data),
            pledge_per_child_fen=parse_yuan(self.pledge.data),
            payment_frequency=PaymentFrequency(self.payment_frequency.data),
            channel=Channel(self.channel.data),
        )
