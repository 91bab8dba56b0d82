"""Peer support forms: the profile, comments, reports and moderators' actions."""
from __future__ import annotations

from wtforms import (
    BooleanField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from journal import timekeeping
from journal.forms import Form
from journal.peers import comments, moderation, profiles
from journal.peers.conditions import (
    AVATAR_COLOURS,
    CONDITIONS,
    LANGUAGES,
    REPORT_REASONS,
    SUPPORT_MODES,
    TOPICS,
)


def _choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


class ProfileForm(Form):
    enabled = BooleanField("Take part in peer support",
                           description="Off by default. Turning it off hides you and everything you shared "
                                       "with peers at once; your connections wait for you.")
    open_to_matches = BooleanField("Open to new matches",
                                   description="Appear in other members' suggestions.")
    support = RadioField("What are you here for?", choices=_choices(SUPPORT_MODES.items()), default="both",
                         validators=[InputRequired()])
    conditions = SelectMultipleField("What do you live with?", choices=_choices((c.key, c.label) for c in CONDITIONS),
                                     validators=[Optional()])
    other_condition = StringField("Something else (only shown on your profile)",
                                  validators=[Optional(), Length(max=profiles.OTHER_MAX)])
    topics = SelectMultipleField("What would you like to talk about?",
                                 choices=_choices((t.key, t.label) for t in TOPICS),
                                 validators=[Optional()])
    languages = SelectMultipleField("Languages you can chat in", choices=_choices(LANGUAGES.items()),
                                    validators=[Optional()])
    timezone = SelectField("Time zone", validators=[DataRequired()],
                           description="Used to suggest people awake when you are.")
    avatar_colour = RadioField("Avatar colour", choices=_choices(AVATAR_COLOURS.items()), default="teal",
                               validators=[InputRequired()])
    bio = TextAreaField("A few words about you (optional)", validators=[Optional(), Length(max=profiles.BIO_MAX)],
                        description="Encrypted like your journal. Please leave out contact details.")
    nudges_enabled = BooleanField("Let connections send me “thinking of you”", default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = list(timekeeping.zone_names())

    def to_input(self) -> profiles.ProfileInput:
        return profiles.ProfileInput(
            enabled=self.enabled.data, open_to_matches=self.open_to_matches.data, support=self.support.data,
            timezone=self.timezone.data, avatar_colour=self.avatar_colour.data,
            conditions=self.conditions.data or [], other_condition=self.other_condition.data or "",
            topics=self.topics.data or [], languages=self.languages.data or [], bio=self.bio.data or "",
            nudges_enabled=self.nudges_enabled.data,
        )


class CommentForm(Form):
    body = TextAreaField("Your reply", validators=[DataRequired(message="Write something first."),
                                                   Length(max=comments.COMMENT_MAX)])
    accept_guidelines = BooleanField("I have read how to respond well and will follow the community guidelines")


class ReportForm(Form):
    reason = RadioField("What is wrong?", choices=_choices(REPORT_REASONS.items()), validators=[InputRequired()])
    details = TextAreaField("Anything a moderator should know (optional)",
                            validators=[Optional(), Length(max=moderation.DETAILS_MAX)],
                            description="Only moderators read this.")


class ModerationForm(Form):
    action = RadioField("Action", choices=_choices(moderation.ACTIONS.items()), validators=[InputRequired()])
    suspend_for = RadioField("Suspend for",
                             choices=_choices([("7", "7 days"), ("30", "30 days"), ("0", "Until lifted")]),
                             default="7", validators=[Optional()])
    why = TextAreaField("Why (kept with the action; a warned member can read it)",
                        validators=[DataRequired(message="Say why."), Length(max=moderation.WHY_MAX)])


class LiftForm(Form):
    why = StringField("Why", validators=[DataRequired(message="Say why."), Length(max=moderation.WHY_MAX)])
