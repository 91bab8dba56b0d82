"""Forms shared by every feature."""
from flask_wtf import FlaskForm


class ActionForm(FlaskForm):
    """A form with only a CSRF token: it backs every state-changing button (delete, revoke, block…)."""
