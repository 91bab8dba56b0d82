"""Forms for managing what a member tracks (the check-in form itself is parsed by validation.py)."""
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from journal.entries import scales
from journal.forms import Form


class AddItemForm(Form):
    name = StringField("Name", validators=[DataRequired(), Length(max=scales.NAME_MAX)])
    dose = StringField("Usual dose (optional)", validators=[Length(max=scales.DOSE_MAX)])


class RenameItemForm(Form):
    name = StringField("Name", validators=[DataRequired(), Length(max=scales.NAME_MAX)])
    dose = StringField("Usual dose", validators=[Length(max=scales.DOSE_MAX)])
