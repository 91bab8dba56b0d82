"""Reminder settings forms (the page works without JavaScript)."""

from wtforms import BooleanField, SelectField, SelectMultipleField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from journal import timekeeping
from journal.forms import Form
from journal.push import nudges

DAY_LABELS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
PAUSE_CHOICES = [SelectChoice(1, "Today"), SelectChoice(2, "2 days"), SelectChoice(3, "3 days"),
                 SelectChoice(7, "A week"), SelectChoice(14, "Two weeks"), SelectChoice(30, "A month")]


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RemindersForm(Form):
    enabled = BooleanField("Send me reminders to check in")
    time1 = TimeField("First reminder", validators=[Optional()], format="%H:%M")
    time2 = TimeField("Second reminder (optional)", validators=[Optional()], format="%H:%M")
    time3 = TimeField("Third reminder (optional)", validators=[Optional()], format="%H:%M")
    days = CheckboxesField("On these days", choices=[SelectChoice(value, label) for value, label
                                                     in zip(nudges.DAY_NAMES, DAY_LABELS, strict=True)])
    timezone = SelectField("Time zone", validators=[DataRequired()],
                           description="Reminder times are in this zone.")
    quiet_start = TimeField("Quiet hours from", validators=[Optional()], format="%H:%M")
    quiet_end = TimeField("until", validators=[Optional()], format="%H:%M",
                          description="No reminders then; other notifications wait until quiet hours end.")
    skip_if_checked_in = BooleanField("Skip a reminder if I already checked in that day")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = list(timekeeping.zone_names())

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if (self.quiet_start.data is None) != (self.quiet_end.data is None):
            self.quiet_end.errors = [*self.quiet_end.errors, "Give both ends of quiet hours, or neither."]
            ok = False
        return ok


class PauseForm(Form):
    days = SelectField("Pause reminders for", choices=PAUSE_CHOICES, coerce=int, default=3)
