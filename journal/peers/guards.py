"""Who may use which part of peer support: members (pages and API), and moderators (the queue).

Clinician and moderator accounts do not take part as peers (403): moderators see reported content only
in the moderation queue. Entry routes answer 404 for anything the viewer may not see, confirming nothing.
"""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from journal.entries.models import Checkin
from journal.errors import api_error
from journal.extensions import db
from journal.peers import profiles
from journal.peers.errors import PeerError
from journal.security import entry_access, parse_id


def member_required(view):
    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if current_user.role != "member":
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def moderator_required(view):
    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if current_user.role != "moderator":
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def member_api(view):
    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if current_user.role != "member":
            return api_error(403, message="Peer support is for member accounts.")
        return view(*args, **kwargs)

    return wrapper


def peer_entry_or_404(raw_id):
    """A check-in the viewer sees as its author or as a connected peer, with the access; else 404.
    (A clinician's or anyone else's access never opens the peer pages.)"""
    checkin = db.session.get(Checkin, parse_id(raw_id))
    access = entry_access(current_user, checkin) if checkin is not None else None
    if access is None or access.relation not in ("owner", "peer"):
        abort(404)
    return checkin, access


def api_failure(exc: PeerError):
    return api_error(exc.status, exc.code, exc.message, exc.fields)


def profile_api_required():
    """The member's active profile, or an API error to return."""
    profile = profiles.active_profile(current_user)
    if profile is None:
        return None, api_error(409, "profile_required", "Turn on peer support in your peer profile first.")
    return profile, None
