"""Forms shared by every feature, and the base every form is built on."""
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
