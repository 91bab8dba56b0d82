"""Who may use which part of peer support: members (pages and API), and moderators (the queue).

Clinician and moderator accounts do not take part as peers (403): moderators see reported content only
in the moderation queue. Entry routes answer 404 for anything the viewer may not see, confirming nothing.
"""
from __future__ import annotations

from flask import abort
from flask_login import current_user

from journal.entries import Checkin
from journal.errors import api_error
from journal.peers import profiles
from journal.peers.errors import Conflict, PeerError
from journal.peers.models import PeerProfile
from journal.security import roles_only, viewable_or_404

member_required = roles_only("member")
moderator_required = roles_only("moderator")
member_api = roles_only("member", api_message="Peer support is for member accounts.")


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
