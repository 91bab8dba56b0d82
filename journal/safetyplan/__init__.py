"""A member's personal safety plan (the Stanley–Brown structure): written once on a calm day, opened in one
tap from every crisis prompt and the help page, readable offline on the device it was last seen on, and
shared, if the member chooses, with a clinician they have granted access.

Reached by URL (`safety_plan.show`) and nothing else; it learns who the member's clinicians are through
the `live_grants_requested` signal, so an app built without clinicians simply offers no sharing.
"""
from flask import Blueprint, Flask

bp = Blueprint("safety_plan", __name__)

from journal.safetyplan import views  # noqa: E402,F401  (routes)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp, url_prefix="/safety-plan")
