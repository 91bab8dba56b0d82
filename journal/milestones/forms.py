"""Milestone forms: a new counter, starting again, sharing a milestone. Nothing is filled in for the member:
the name and the start day are theirs to give."""
from __future__ import annotations

from wtforms import BooleanField, DateField, IntegerField, StringField
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from journal.forms import Form
from journal.milestones.services import LABEL_MAX


class CounterForm(Form):
    label = StringField("What are you counting days since?", validators=[InputRequired(), Length(max=LABEL_MAX)],
                        description="In your own words, for example “sober”, “smoke-free” or “no self-harm”. "
                                    "Encrypted like your journal; only you see it unless you choose to share it.")
    start = DateField("The day you started", validators=[InputRequired()],
                      description="That day is day 0. The next day in your time zone is day 1.")


class StartAgainForm(Form):
    start = DateField("Or choose the day this new start began", validators=[Optional()])


class ShareForm(Form):
    days = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    with_label = BooleanField("Include the counter’s name")
