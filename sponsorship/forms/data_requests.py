"""Forms of personal-data requests: a caring parent's erasure request, staff's decisions on it,
and a guardian's requests about a child's record."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

from sponsorship.services.data.child_requests import ErasureGround


class ErasureRequestForm(FlaskForm):
    """A caring parent asks for the account to be closed and the data erased."""

    confirm = BooleanField(
        _l("I understand that my pairings end and my account is closed for good."),
        validators=[InputRequired(_l("Tick the box to confirm."))],
    )
    submit = SubmitField(_l("Ask to close my account and erase my data"))


class DecisionForm(FlaskForm):
    """Staff carry out or refuse an erasure request; a refusal needs a reason."""

    note = TextAreaField(_l("Reason for refusing"), validators=[Length(max=2000)])
    erase = SubmitField(_l("Erase now"))
    refuse = SubmitField(_l("Refuse"))


class ChildRecordForm(FlaskForm):
    """Produce the child's record as a file: a button, guarded by CSRF."""

    submit = SubmitField(_l("Download the child's record"))


class ChildErasureForm(FlaskForm):
    """A guardian withdraws consent, or asks for the child's record to be erased."""

    ground = RadioField(
        _l("The guardian"),
        choices=[
            SelectChoice(ErasureGround.CONSENT_WITHDRAWN.value, _l("withdraws consent")),
            SelectChoice(
                ErasureGround.ERASURE_REQUESTED.value, _l("asks for the record to be erased")
            ),
        ],
        validators=[DataRequired(_l("Choose what the guardian asks for."))],
    )
    confirm = BooleanField(
        _l("The pairing ends and the personal data is erased for good; the figures stay."),
        validators=[InputRequired(_l("Tick the box to confirm."))],
    )
    submit = SubmitField(_l("End the pairing and erase the record"))
