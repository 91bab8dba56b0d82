"""Forms for managing what a member tracks (the check-in form itself is parsed by validation.py)."""
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length

from journal import scales
from journal.forms import Form


class AddItemForm(Form):
    name = StringField("Name", validators=[DataRequired(), Length(max=scales.NAME_MAX)])
    dose = StringField("Usual dose (optional)", validators=[Length(max=scales.DOSE_MAX)])
    as_needed = BooleanField("Taken only when needed (not on a schedule)")


class RenameItemForm(Form):
    name = StringField("Name", validators=[DataRequired(), Length(max=scales.NAME_MAX)])
    dose = StringField("Usual dose", validators=[Length(max=scales.DOSE_MAX)])
    as_needed = BooleanField("As needed")
