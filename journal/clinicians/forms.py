"""Clinician forms: profile, redeeming a code, a private note. (Invitation terms are parsed by
services.parse_terms for the page and the API alike; the page's form carries only the CSRF token.)"""
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from journal.clinicians.services import NOTE_MAX, ORGANISATION_MAX, PROFESSION_MAX
from journal.forms import Form


class ProfileForm(Form):
    profession = StringField("Profession", validators=[DataRequired(), Length(max=PROFESSION_MAX)],
                             description="For example: GP, rheumatologist, clinical psychologist.")
    organisation = StringField("Organisation", validators=[DataRequired(), Length(max=ORGANISATION_MAX)],
                               description="Your practice, clinic or hospital. Patients see this.")


class RedeemForm(Form):
    code = StringField("Invitation code", validators=[DataRequired(), Length(max=120)],
                       description="The code your patient gave you (or open the link they sent).")


class NoteForm(Form):
    body = TextAreaField("Private note", validators=[Length(max=NOTE_MAX)],
                         description="Only you and your patient can read it. Leave empty to delete it.")
