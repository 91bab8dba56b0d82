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
from journal.peers import profiles
from journal.peers.errors import Conflict, PeerError
from journal.peers.models import PeerProfile
from journal.security import viewable_or_404


def _role_only(role: str, refuse):
    """Decorator: signed in (else the login redirect or a 401), and of `role` (else `refuse()`)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if current_user.role != role:
                return refuse()
            return view(*args, **kwargs)

        return wrapper

    return decorator


member_required = _role_only("member", lambda: abort(403))
moderator_required = _role_only("moderator", lambda: abort(403))
member_api = _role_only("member", lambda: api_error(403, message="Peer support is for member accounts."))


def peer_entry_or_404(raw_id):
    """A check-in the viewer sees as its author or as a connected peer, with the access; else 404.
    (A clinician's or anyone else's access never opens the peer pages.)"""
    checkin, access = viewable_or_404(Checkin, raw_id, current_user)
    if access.relation not in ("owner", "peer"):
        abort(404)
    return checkin, access


def api_failure(exc: PeerError):
    return api_error(exc.status, exc.code, exc.message, exc.fields)


class ProfileRequired(Conflict):
    """The member has not turned peer support on."""

    code = "profile_required"


def required_profile() -> PeerProfile:
    """The member's active profile; ProfileRequired (409) if they do not take part now."""
    profile = profiles.active_profile(current_user)
    if profile is None:
        raise ProfileRequired("Turn on peer support in your peer profile first.")
    return profile
