"""Forms of a campaign's handouts page: amounts, method, signatures, gifts in kind."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, RadioField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from sponsorship.forms.dates import plausible_date
from sponsorship.forms.donations import YuanAmount
from sponsorship.labels import LABELS
from sponsorship.models.enums import BeneficiaryGroup

ONE, BY_GROUP = "one", "group"
SIGNED, NOT_SIGNED = "signed", "not_signed"
BANK, CASH, BY_DETAILS = "bank", "cash", "auto"


class AmountsForm(FlaskForm):
    """The per-person amount: one for everyone, or one per group (fields `group_<value>`)."""

    mode = RadioField(
        _l("How much each person gets"),
        default=ONE,
        choices=[
            SelectChoice(ONE, _l("The same amount for everyone")),
            SelectChoice(BY_GROUP, _l("An amount per group")),
        ],
    )
    one = StringField(_l("Amount for everyone (yuan)"), [Optional(), YuanAmount()])
    submit = SubmitField(_l("Set the amounts"))

    def group_fields(self):
        """Return the per-group amount fields, in the groups' order."""
        return [self[f"group_{group.value}"] for group in BeneficiaryGroup]


for _group in BeneficiaryGroup:
    setattr(
        AmountsForm,
        f"group_{_group.value}",
        StringField(LABELS[BeneficiaryGroup][_group], [Optional(), YuanAmount()]),
    )


class MethodForm(FlaskForm):
    """How the ticked people (or everyone waiting, by their bank details) are handed out."""

    method = SelectField(
        _l("Hand out by"),
        default=BY_DETAILS,
        choices=[
            SelectChoice(
                BY_DETAILS, _l("Bank where bank details are on file, else cash (everyone waiting)")
            ),
            SelectChoice(BANK, _l("Bank transfer (the ticked people)")),
            SelectChoice(CASH, _l("Cash against signature (the ticked people)")),
        ],
    )
    submit = SubmitField(_l("Set the method"))


class SignaturesForm(FlaskForm):
    """Who of the ticked people signed for their cash (and when), or did not (and why)."""

    outcome = RadioField(
        _l("The ticked people"),
        default=SIGNED,
        choices=[
            SelectChoice(SIGNED, _l("signed for their cash")),
            SelectChoice(NOT_SIGNED, _l("did not sign")),
        ],
    )
    signed_on = DateField(_l("Date signed"), [Optional(), plausible_date])
    reason = StringField(_l("Why not signed"), [Optional(), Length(max=500)])
    submit = SubmitField(_l("Record"))


class UndoForm(FlaskForm):
    """Why a recorded signature is undone."""

    reason = StringField(_l("Reason"), [DataRequired(), Length(max=500)])
    submit = SubmitField(_l("Undo the signature"))


class BankBatchForm(FlaskForm):
    """A button: build the bank batch of everyone waiting for a bank handout."""

    submit = SubmitField(_l("Build the bank batch"))


class GiftForm(FlaskForm):
    """Gifts in kind: what, how many, their total value, when, and to whom."""

    description = StringField(_l("What was given"), [DataRequired(), Length(max=100)])
    count = IntegerField(_l("How many"), [DataRequired(), NumberRange(min=1, max=1_000_000)])
    value = StringField(_l("Total value (yuan)"), [DataRequired(), YuanAmount()])
    given_on = DateField(_l("Date given"), [DataRequired(), plausible_date])
    beneficiary = SelectField(_l("Given to"), [Optional()], validate_choice=True)
    submit = SubmitField(_l("Record the gifts"))
