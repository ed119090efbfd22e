"""Forms of the letter pages: queue filters, print and resend buttons, the template editor."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from sponsorship.labels import choices
from sponsorship.models.enums import Channel, LetterKind, LetterStatus


class QueueFilterForm(FlaskForm):
    """Filters of the letter queue, read from the query string."""

    class Meta:
        """No CSRF token: the filters come from a GET query string."""

        csrf = False

    kind = SelectField(_l("Kind"), validate_choice=True)
    channel = SelectField(_l("Channel"), validate_choice=True)
    status = SelectField(_l("Status"), validate_choice=True)
    submit = SubmitField(_l("Filter"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        every = [("", _l("All"))]
        self.kind.choices = every + choices(LetterKind)
        self.channel.choices = every + choices(Channel)
        self.status.choices = every + choices(LetterStatus)


class ResendForm(FlaskForm):
    """The button that puts a letter back in the queue to be sent again."""

    submit = SubmitField(_l("Send again"))


class MarkPrintedForm(FlaskForm):
    """The button that marks the postal letters listed on the page as printed."""

    #: The letters listed when the page was opened: later arrivals stay in the queue.
    letter_ids = HiddenField()
    submit = SubmitField(_l("Mark these letters printed"))


class TemplateForm(FlaskForm):
    """A letter template's subject and text, to preview or to save as a new version."""

    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=255)])
    body = TextAreaField(_l("Text"), validators=[DataRequired(), Length(max=20_000)])
    preview = SubmitField(_l("Preview"))
    save = SubmitField(_l("Save as a new version"))
