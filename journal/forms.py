"""Forms shared by every feature, and the base every form is built on."""
from flask import render_template, request
from flask_wtf import FlaskForm

from journal import storable


class Form(FlaskForm):
    """Every form's base: a Flask-WTF form (CSRF included) whose fields refuse text that no column can
    hold, so a NUL typed (or posted) into any field re-renders the form with a message instead of
    failing in the database driver."""

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
