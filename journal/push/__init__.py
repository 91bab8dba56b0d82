"""Push nudges and event notifications (subscriptions, reminder schedules, outbox, sender, worker)."""
from flask import Blueprint, Flask

from journal import signals
from journal.extensions import limiter
from journal.security import roles_only

bp = Blueprint("push", __name__, cli_group="push")

# A test notification fans out to every device: one budget, whichever skin (page or API) spends it.
test_send_limit = limiter.shared_limit("10 per hour", scope="push-test")
# One role rule for the page and the API: reminder settings belong to members (they keep the journal the
# reminders are for); devices and test notifications to every signed-in account (clinicians get events).
members_only = roles_only("member", api_message="Reminders are for members' journals.")

from journal.push import cli, views  # noqa: E402,F401  (routes and commands register on import)


def init_app(app: Flask) -> None:
    from journal.push import api, events

    app.register_blueprint(bp)
    app.register_blueprint(api.bp, url_prefix="/api/v1")
    signals.member_notified.connect(events.on_member_notified, app)
