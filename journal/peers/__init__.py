"""Peer support: opt-in profiles, matching that explains itself, entry-by-entry sharing, comments and
reactions, notifications, reports, blocks and moderation. Pages under /peers, JSON under /api/v1/peers."""
from flask import Blueprint

bp = Blueprint("peers", __name__)

# Routes register on import; `sharing` registers the peer entry-access rule and `moderation` the
# session guard that keeps suspended accounts out.
from journal.auth.sessions import session_guard  # noqa: E402
from journal.peers import entry_views, moderation, moderation_views, sharing, views  # noqa: E402,F401

session_guard(moderation.suspension_refusal)
