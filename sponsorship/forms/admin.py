"""Forms of the admin pages: accounts."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from sponsorship.labels import choices
from sponsorship.models.enums import Role
from sponsorship.services.core.validators import FieldError, normalize_email


def staff_role_choices():
    """Return the role choices for a staff account: every role but caring parent."""
    return [c for c in choices(Role) if c[0] != Role.SPONSOR]


def email_address(form, field) -> None:
    """Check an email address by the programme's own rule, and keep it normalised."""
    try:
        field.data = normalize_email(field.data)
    except FieldError as error:
        raise ValidationError(error.message) from error


class UserForm(FlaskForm):
    """A new staff account: login name, role, region scope and first password."""

    username = StringField(_l("Login name"), validators=[DataRequired(), Length(min=3, max=80)])
    display_name = StringField(_l("Name"), validators=[Optional(), Length(max=100)])
    email = EmailField(_l("Email"), validators=[Optional(), email_address])
    role = SelectField(_l("Role"))
    scope = SelectField(_l("Region scope"), validate_choice=True)
    password = PasswordField(_l("Initial password"), validators=[DataRequired(), Length(min=10)])
    active = BooleanField(_l("Active"), default=True)
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, scope_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = staff_role_choices()
        self.scope.choices = [("", _l("Whole programme"))] + list(scope_choices)


class EditUserForm(UserForm):
    """Changes to a staff account; its login name and password are not edited here."""

    password = None  # passwords are changed by their owner or by `flask users set-password`
    username = None


class RunJobForm(FlaskForm):
    """The button that runs a scheduled job now, by hand."""

    submit = SubmitField(_l("Run now"))
