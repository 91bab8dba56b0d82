"""Account forms."""
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, Regexp, ValidationError

from journal import timekeeping
from journal.auth.services import PASSWORD_MAX, password_problem
from journal.forms import Form


def _acceptable_password(form, field):
    problem = password_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


def _valid_timezone(form, field):
    if field.data and not timekeeping.is_zone(field.data):
        field.data = "UTC"  # a browser sent something odd: fall back rather than fail the sign-up


class RegisterForm(Form):
    email = EmailField("Email", validators=[DataRequired(), Email(check_deliverability=False),
                                            Length(max=254)],
                       description="Only for signing in. Peers never see it.")
    display_name = StringField(
        "Display name",
        validators=[DataRequired(), Length(min=2, max=40),
                    Regexp(r"^[^@<>]+$", message="Use a name without @ or < >: it is shown to peers.")],
        description="A pseudonym is fine: it is the only name peers see.",
    )
    password = PasswordField("Password", validators=[DataRequired(), _acceptable_password],
                             description=f"At least 10 characters, up to {PASSWORD_MAX}. A phrase works well.")
    role = RadioField("I am joining as", choices=[SelectChoice("member", "A member (keeping my own journal)"),
                                                  SelectChoice("clinician", "A clinician (invited by patients)")],
                      default="member", validators=[InputRequired()])
    timezone = HiddenField(default="UTC", validators=[_valid_timezone])
    privacy = BooleanField("I have read how Peer Journal handles my data (the privacy page above)",
                           default=False,
                           validators=[DataRequired(message="Please read the privacy page, then tick this box.")])


class LoginForm(Form):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=PASSWORD_MAX)])


class ForgotPasswordForm(Form):
    email = EmailField("Email", validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
                       description="The address you use to log in.")


class ResetPasswordForm(Form):
    new_password = PasswordField("New password", validators=[DataRequired(), _acceptable_password],
                                 description=f"At least 10 characters, up to {PASSWORD_MAX}. A phrase works well.")


class CodeForm(Form):
    code = StringField("Code", validators=[DataRequired(), Length(max=64)],
                       description="The 6 digits your authenticator app shows now, or one of your recovery codes.")


class PasswordCheckForm(Form):
    password = PasswordField("Your password", validators=[DataRequired(), Length(max=PASSWORD_MAX)])


class ChangePasswordForm(Form):
    current_password = PasswordField("Current password", validators=[DataRequired()])
    new_password = PasswordField("New password", validators=[DataRequired(), _acceptable_password],
                                 description="Changing it signs you out on your other devices.")


class TimezoneForm(Form):
    timezone = SelectField("Time zone", validators=[DataRequired()],
                           description="Your check-ins are shown on your local day in this zone.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = list(timekeeping.zone_names())


class DeleteAccountForm(Form):
    password = PasswordField("Your password", validators=[DataRequired()])
    confirm = BooleanField("I understand my journal will be erased and cannot be recovered",
                           validators=[DataRequired(message="Tick the box to confirm.")])
