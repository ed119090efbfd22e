"""Forms for signing in and out, switching language and changing a password."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    """Sign-in by login name and password, for staff and caring parents alike."""

    username = StringField(_l("Login name"), validators=[DataRequired(), Length(max=255)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Log in"))


class LogoutForm(FlaskForm):
    """The sign-out button, posted with a CSRF token."""

    submit = SubmitField(_l("Log out"))


class LanguageForm(FlaskForm):
    """The language switch: the chosen language and the page to return to."""

    lang = HiddenField()
    next = HiddenField()


class ChangePasswordForm(FlaskForm):
    """A signed-in user's change of their own password."""

    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    new = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=10, max=200)])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new", message=_l("The two passwords differ."))],
    )
    submit = SubmitField(_l("Change password"))
