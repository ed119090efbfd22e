"""Forms of the register: a child and guardian, reveal, verify, exit, import."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from sponsorship.labels import choices
from sponsorship.models.enums import AidType, ExitReason, Gender, Hardship, SchoolStage


class CheckboxesField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ChildForm(FlaskForm):
    """Every rule is checked by the shared child rules; the form only carries the values."""

    name = StringField(_l("Child's name"))
    id_number = StringField(_l("Resident ID number"))
    gender = SelectField(_l("Gender"))
    birth_date = StringField(_l("Birth date"), render_kw={"placeholder": "2016-03-01"})
    region_id = SelectField(_l("Village"))
    address = StringField(_l("Address"))
    school = StringField(_l("School"))
    school_stage = SelectField(_l("School stage"))
    grade = StringField(_l("Grade"), render_kw={"inputmode": "numeric"})
    aid_type = SelectField(_l("Aid type"))
    hardships = CheckboxesField(_l("Hardship categories"))
    family_situation = TextAreaField(_l("Family situation"))
    guardian_name = StringField(_l("Guardian's name"))
    guardian_relation = StringField(_l("Relation to the child"))
    guardian_mobile = StringField(_l("Guardian's mobile"), render_kw={"inputmode": "tel"})
    bank_name = StringField(_l("Bank"))
    bank_account = StringField(_l("Bank account"), render_kw={"inputmode": "numeric"})
    consent_given_on = StringField(
        _l("Guardian's consent given on"), render_kw={"placeholder": "2026-09-01"}
    )
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, village_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.gender.choices = [("", _l("From the resident ID"))] + choices(Gender)
        self.region_id.choices = [("", _l("Choose a village"))] + list(village_choices)
        self.school_stage.choices = choices(SchoolStage)
        self.aid_type.choices = choices(AidType)
        self.hardships.choices = choices(Hardship)

    def values(self) -> dict:
        """Return the typed values for the shared child rules."""
        return {
            name: field.data
            for name, field in self._fields.items()
            if name not in ("csrf_token", "submit")
        }


class RevealForm(FlaskForm):
    """The reason asked before a child's full ID and bank account numbers are shown."""

    reason = StringField(
        _l("Why do you need to see the full numbers?"),
        validators=[DataRequired(), Length(min=2, max=200)],
    )
    submit = SubmitField(_l("Show"))


class ActionForm(FlaskForm):
    """A button that changes a child's status (verify, open for sponsors)."""

    submit = SubmitField(_l("Confirm"))


class ExitForm(FlaskForm):
    """A child's leaving the programme: the reason and a note."""

    reason = SelectField(_l("Reason for leaving"))
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Record the exit"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reason.choices = choices(ExitReason)


class ExportForm(FlaskForm):
    """Export with the full numbers: the reason is recorded in the audit log."""

    reason = StringField(
        _l("Why do you need the full numbers?"), validators=[DataRequired(), Length(min=2, max=200)]
    )
    args = HiddenField()
    submit = SubmitField(_l("Export with full numbers"))


class UploadForm(FlaskForm):
    """The Excel file of children to check before anything is imported."""

    file = FileField(_l("Excel file (.xlsx)"), validators=[FileRequired()])
    submit = SubmitField(_l("Check the file"))


class ConfirmImportForm(FlaskForm):
    """The go-ahead to import an upload whose preview showed no problems."""

    token = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Import now"))


class LookupForm(FlaskForm):
    """A whole resident ID number to look up: sent in the POST body, never in a web address."""

    id_number = StringField(
        _l("Whole ID number"),
        validators=[DataRequired(), Length(max=40)],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    submit = SubmitField(_l("Look up"))


class BulkStatusForm(FlaskForm):
    """The bulk screen's form: its CSRF token; the buttons name the action (verify, verify_open)."""
