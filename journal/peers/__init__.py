"""Peer support: opt-in profiles, matching that explains itself, entry-by-entry sharing, comments and
reactions, notifications, reports, blocks and moderation. Pages under /peers, JSON under /api/v1/peers."""
from flask import Blueprint, Flask

bp = Blueprint("peers", __name__)

from journal.peers import entry_views, moderation, moderation_views, sharing, views  # noqa: E402,F401  (routes)


def init_app(app: Flask) -> None:
    from journal import signals
    from journal.peers import api, connections

    app.register_blueprint(bp, url_prefix="/peers")
    app.register_blueprint(api.bp, url_prefix="/api/v1")
    signals.entry_access_requested.connect(sharing.on_entry_access_requested, app)
    signals.session_requested.connect(moderation.on_session_requested, app)
    signals.entry_page_opened.connect(entry_views.own_entry_panel, app)
    signals.peer_circle_requested.connect(connections.on_peer_circle_requested, app)
    signals.programme_cohorts_requested.connect(connections.on_programme_cohorts_requested, app)
