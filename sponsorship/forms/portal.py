"""Forms of the caring parents' portal: contact details, withdrawal, password reset."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from sponsorship.forms.signup import REQUIRED, ContactFields


class ContactForm(ContactFields):
    """A caring parent's own change of contact details and letter channel."""

    submit = SubmitField(_l("Save"))


class WithdrawForm(FlaskForm):
    """A caring parent's request to withdraw from the programme."""

    submit = SubmitField(_l("Yes, I ask to withdraw"))


class ConfirmEmailForm(FlaskForm):
    """The button that confirms an email address from the link mailed to it."""

    submit = SubmitField(_l("Confirm this email address"))


class ResetRequestForm(FlaskForm):
    """The mobile number or email address to send a password-reset link to."""

    login = StringField(
        _l("Your mobile number or email"), validators=[DataRequired(REQUIRED), Length(max=255)]
    )
    submit = SubmitField(_l("Send me a reset link"))


class ResetPasswordForm(FlaskForm):
    """The new password chosen through a reset link."""

    new = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(REQUIRED),
            Length(min=10, max=200, message=_l("Between 10 and 200 characters.")),
        ],
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(REQUIRED), EqualTo("new", _l("The two passwords differ."))],
    )
    submit = SubmitField(_l("Set the new password"))
