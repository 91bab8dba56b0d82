"""The member's choice to be counted in the programme report."""
from wtforms import BooleanField

from journal.forms import Form


class ConsentForm(Form):
    # Never ticked for someone who has not said yes: its only default is the member's saved choice.
    counted = BooleanField("Count me in the programme's anonymous report")
