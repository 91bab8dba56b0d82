"""The programme impact report: an admin's page of aggregates over members who opted in (counts, rates,
retention, questionnaire changes with and without peer connections), with small cells suppressed, and the
member's opt-in. Reaches peers and the questionnaires only by signal (journal/signals.py)."""
from flask import Blueprint, Flask

bp = Blueprint("programme", __name__)

from journal.programme import views  # noqa: E402,F401  (routes)


def init_app(app: Flask) -> None:
    from journal.programme import models  # noqa: F401  (registers the table)

    app.register_blueprint(bp)
