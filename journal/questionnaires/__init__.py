"""Validated questionnaires (WHO-5, PHQ-9, GAD-7, UCLA-3, MSPSS): taken by the member, scored by the
published rules, stored encrypted, shown as trends, exported as FHIR. Pages under /questionnaires, JSON under
/api/v1."""
from flask import Blueprint, Flask

bp = Blueprint("questionnaires", __name__)

from journal.questionnaires import cli, views  # noqa: E402,F401  (routes, commands)


def init_app(app: Flask) -> None:
    from journal import signals
    from journal.questionnaires import api, services

    app.register_blueprint(bp, url_prefix="/questionnaires")
    app.register_blueprint(api.bp, url_prefix="/api/v1")
    signals.programme_outcomes_requested.connect(services.on_programme_outcomes_requested, app)
