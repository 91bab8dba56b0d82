"""Recovery milestones: "days since" counters in the member's own words (encrypted), milestones at 1, 7, 30,
90, 180 and 365 days, a kind way to start again, and milestones the member chooses to share with their peer
circle, who can send support. Pages under /milestones. Peers are reached by signal only
(signals.peer_circle, signals.notify_member): built without peers, the counters work and nothing is shared."""
from flask import Blueprint, Flask

bp = Blueprint("milestones", __name__)

from journal.milestones import views  # noqa: E402,F401  (routes)


def init_app(app: Flask) -> None:
    from journal.milestones import models  # noqa: F401  (the tables)

    app.register_blueprint(bp, url_prefix="/milestones")
