"""Forms shared by every feature, and the base every form is built on."""
from flask import render_template, request
from flask_wtf import FlaskForm

from journal import storable

# A date filter whose "from" is after its "to" (the timeline's, the clinician's entries): said, never guessed.
REVERSED_DATES = "The “From” day is after the “To” day: swap them to see that period."


# WTForms' stock messages ("This field is required.", "Not a valid choice.") in plain words. Every form
# built on Form speaks these (Meta.get_translations); a field's own message= still wins.
_STALE = "Your session expired or the form was stale. Reload the page and try again."
_CHOOSE = "Choose one of the options offered."
PLAIN_WORDS = {
    "This field is required.": "Please fill this in.",
    "Not a valid choice.": _CHOOSE,
    "Invalid Choice: could not coerce.": _CHOOSE,
    "'%(value)s' is not a valid choice for this field.": _CHOOSE,
    "'%(value)s' are not valid choices for this field.": _CHOOSE,
    "Invalid UUID.": _CHOOSE,
    "Not a valid integer value.": "Enter a whole number, like 3.",
    "Not a valid decimal value.": "Enter a number, like 7.5.",
    "Not a valid float value.": "Enter a number, like 7.5.",
    "Not a valid date value.": "Enter a date, like 2026-03-08.",
    "Not a valid time value.": "Enter a time, like 08:30.",
    "Not a valid datetime value.": "Enter a date and a time.",
    "Number must be at least %(min)s.": "Enter %(min)s or more.",
    "Number must be at most %(max)s.": "Enter %(max)s or less.",
    "Number must be between %(min)s and %(max)s.": "Enter a number from %(min)s to %(max)s.",
    "Field must be at least %(min)d character long.": "Use at least %(min)d character.",
    "Field must be at least %(min)d characters long.": "Use at least %(min)d characters.",
    "Field cannot be longer than %(max)d character.": "Keep this to %(max)d character.",
    "Field cannot be longer than %(max)d characters.": "Keep this to %(max)d characters or fewer.",
    "Field must be between %(min)d and %(max)d characters long.": "Use %(min)d to %(max)d characters.",
    "Field must be exactly %(max)d character long.": "Use exactly %(max)d character.",
    "Field must be exactly %(max)d characters long.": "Use exactly %(max)d characters.",
    "Invalid email address.": "Enter an email address, like name@example.org.",
    "Field must be equal to %(other_name)s.": "The two do not match.",
    "Invalid input.": "Check what you entered here.",
    "Invalid URL.": "Enter a web address, like https://example.org.",
    "CSRF token missing.": _STALE, "CSRF failed.": _STALE, "CSRF token expired.": _STALE,
    "Invalid CSRF Token.": _STALE, "The CSRF token is missing.": _STALE, "The CSRF token is invalid.": _STALE,
    "The CSRF token has expired.": _STALE, "The CSRF session token is missing.": _STALE,
}


class PlainWords:
    """WTForms' translations object: its messages in the words above, any other text as it is."""

    def gettext(self, string: str) -> str:
        return PLAIN_WORDS.get(string, string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


class Form(FlaskForm):
    """Every form's base: a Flask-WTF form (CSRF included) whose fields refuse text that no column can
    hold, so a NUL typed (or posted) into any field re-renders the form with a message instead of
    failing in the database driver."""

    class Meta:
        def get_translations(self, form):
            return PlainWords()

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        for field in self:
            if any(isinstance(raw, str) and not storable.storable(raw) for raw in field.raw_data or ()):
                field.errors = [*field.errors, storable.MESSAGE]
                ok = False
        return ok


class ActionForm(Form):
    """A form with only a CSRF token: it backs every state-changing button (delete, revoke, block…)."""


def confirmed() -> bool:
    """Whether a destructive button's POST is the second step (confirm=1, from ask_first's page)."""
    return request.form.get("confirm") == "1"


def ask_first(*, title: str, question: str, button: str, back: str, keep: str = "Cancel") -> str:
    """The step before revoking, blocking or deleting, without JavaScript: a page asking the question whose
    button posts the same form to the same address again, with confirm=1. `back` is where "keep" leads."""
    return render_template("confirm.html", form=ActionForm(), title=title, question=question, button=button,
                           back=back, keep=keep, action=request.path, next=request.form.get("next", ""))
