"""Forms of the payout batch screens."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, DateField, RadioField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from sponsorship.forms.dates import plausible_date
from sponsorship.forms.donations import YuanAmount


class BuildForm(FlaskForm):
    """A new payout batch: its key, its cut-off date, and whether it starts empty."""

    key = StringField(_l("Batch key"), [DataRequired(), Length(max=40)])
    cutoff_on = DateField(_l("Cut-off date"), [DataRequired(), plausible_date])
    adhoc = BooleanField(_l("Start empty (an ad-hoc batch: add children by hand)"))
    note = StringField(_l("Note"), [Optional(), Length(max=200)])
    submit = SubmitField(_l("Build the draft"))


class ActionForm(FlaskForm):
    """A button that changes the batch (submit, approve, send back): CSRF and nothing else."""

    submit = SubmitField(_l("Confirm"))


class CancelForm(FlaskForm):
    """The reason a payout batch is cancelled."""

    reason = StringField(_l("Reason for cancelling"), [DataRequired(), Length(max=500)])
    submit = SubmitField(_l("Cancel the batch"))


class IncludeForm(FlaskForm):
    """A held payout put back in the batch; a short one needs the general fund."""

    general_fund = BooleanField(_l("Cover the shortfall from the general fund"))
    submit = SubmitField(_l("Include"))


class BulkDecisionForm(FlaskForm):
    """One decision for many payouts: those ticked, or every one the filter shows."""

    action = RadioField(
        _l("Decision"),
        [DataRequired(_l("Choose whether to include or exclude them."))],
        choices=[
            SelectChoice("include", _l("Include them")),
            SelectChoice("exclude", _l("Exclude them")),
        ],
    )
    everything = BooleanField(_l("Every payout this filter shows, on all pages"))
    general_fund = BooleanField(_l("Cover shortfalls from the general fund"))
    reason = StringField(_l("Reason for excluding"), [Optional(), Length(max=500)])
    submit = SubmitField(_l("Apply to the chosen payouts"))


class ReasonForm(FlaskForm):
    """The reason a payout is left out of the batch, or why the bank could not pay it."""

    reason = StringField(_l("Reason"), [DataRequired(), Length(max=500)])
    submit = SubmitField(_l("Save"))


class AddChildForm(FlaskForm):
    """A child added by hand to a batch, with an amount or the group's standard."""

    child = StringField(_l("Child's name or register number"), [DataRequired(), Length(max=50)])
    amount = StringField(
        _l("Amount (yuan, empty for the group's standard)"), [Optional(), YuanAmount()]
    )
    submit = SubmitField(_l("Add to the batch"))


class ExportForm(FlaskForm):
    """The format (Excel or CSV) of the bank file to download for a batch."""

    fmt = RadioField(_l("File format"), default="xlsx")
    submit = SubmitField(_l("Download the bank file"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fmt.choices = [("xlsx", _l("Excel (.xlsx)")), ("csv", _l("CSV"))]


class PayAllForm(FlaskForm):
    """The date the bank paid, to mark every waiting payout of the batch paid."""

    paid_on = DateField(_l("Date paid by the bank"), [DataRequired(), plausible_date])
    submit = SubmitField(_l("Mark every waiting payout paid"))


class ResultForm(FlaskForm):
    """The bank's result file and payment date, to mark payouts paid or failed."""

    file = FileField(
        _l("The bank's result file (CSV)"),
        [FileRequired(), FileAllowed(["csv", "txt"], _l("Upload a CSV file."))],
    )
    paid_on = DateField(_l("Date paid by the bank"), [DataRequired(), plausible_date])
    submit = SubmitField(_l("Apply the results"))
