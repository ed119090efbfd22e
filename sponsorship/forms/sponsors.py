"""Forms of the staff's review of caring parents: filters, decisions, edits."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from sponsorship.forms.dates import plausible_date
from sponsorship.forms.signup import SignUpForm
from sponsorship.labels import choices
from sponsorship.models.enums import AidPreference, SponsorStatus

#: The extra status filter for applicants who asked to withdraw.
WITHDRAW_REQUESTED = "withdraw_requested"


class FilterForm(FlaskForm):
    """Filters of the list of caring parents, read from the query string."""

    class Meta:
        """No CSRF token: the filters come from a GET query string."""

        csrf = False

    status = SelectField(_l("Status"), validators=[Optional()])
    town = SelectField(_l("Town"), validators=[Optional()])
    aid_preference = SelectField(_l("Wishes to help"), validators=[Optional()])
    since = DateField(_l("Signed up from"), validators=[Optional(), plausible_date])
    until = DateField(_l("Signed up until"), validators=[Optional(), plausible_date])
    submit = SubmitField(_l("Filter"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        all_ = ("", _l("All"))
        self.status.choices = [
            all_,
            *choices(SponsorStatus),
            (WITHDRAW_REQUESTED, _l("Asked to withdraw")),
        ]
        self.aid_preference.choices = [all_, *choices(AidPreference)]


class ApproveForm(FlaskForm):
    """The approval of an application, with an optional note."""

    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Approve"))


class RejectForm(FlaskForm):
    """The refusal of an application, with the reason the applicant is told."""

    reason = TextAreaField(
        _l("Reason (the applicant is told it)"),
        validators=[DataRequired(_l("A rejection needs a reason.")), Length(max=2000)],
    )
    submit = SubmitField(_l("Reject"))


class DeactivateForm(FlaskForm):
    """A caring parent marked as withdrawn by staff; the record is kept."""

    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Mark as withdrawn"))


class BulkApproveForm(FlaskForm):
    """The button that approves the ticked pending applications together."""

    submit = SubmitField(_l("Approve the selected applications"))


class EditSponsorForm(SignUpForm):
    """Staff change an application's details under the sign-up rules; no password here."""

    password = None
    confirm = None
    consent = None
    website = None
    submit = SubmitField(_l("Save"))


class PaperApplicationForm(EditSponsorForm):
    """Staff type in a signed paper reply form: the applicant's details and the form's number."""

    paper_reference = StringField(
        _l("Number on the paper form"),
        validators=[
            DataRequired(_l("Enter the number written on the paper form.")),
            Length(max=40),
        ],
    )
    submit = SubmitField(_l("Save and invite to the portal"))
    save_and_next = SubmitField(_l("Save and enter the next form"))


class BulkInviteForm(FlaskForm):
    """The button that invites the ticked caring parents to the portal."""

    submit = SubmitField(_l("Invite the selected to the portal"))


class BulkRejectForm(FlaskForm):
    """The button that turns down the ticked pending applications, with the one reason told."""

    reason = StringField(
        _l("Reason for the selected (the applicants are told it)"),
        validators=[Optional(), Length(max=2000)],
    )
    submit = SubmitField(_l("Reject the selected applications"))
