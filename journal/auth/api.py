"""The account API under /api/v1 (documented in journal/auth/apispec.py): my signed-in devices, and a new
email-confirmation link."""
from __future__ import annotations

from flask import Blueprint, abort, jsonify
from flask_login import current_user, login_required

from journal import mail
from journal.auth import devices, mails, verification
from journal.auth.sessions import clock, current_session_id, end_session
from journal.auth.verification_views import resend_limit
from journal.errors import api_error
from journal.jsonapi import iso
from journal.security import parse_id

bp = Blueprint("auth_api", __name__)


@bp.get("/account/sessions")
@login_required
def list_sessions():
    current = current_session_id()
    rows = devices.live_sessions(current_user, clock(), current_id=current)
    return jsonify({"items": [{"id": str(row.id), "browser": row.browser, "current": row.id == current,
                               "signed_in_at": iso(row.created_at), "last_seen_at": iso(row.last_seen_at)}
                              for row in rows]})


@bp.delete("/account/sessions/<session_id>")
@login_required
def end_session_by_id(session_id):
    session_id = parse_id(session_id)
    if session_id == current_session_id():
        end_session()  # this device: the same as logging out
    else:
        try:
            devices.end_device(current_user, session_id)
        except devices.NoSuchSession:
            abort(404)
    return "", 204


@bp.post("/account/email-verification")
@resend_limit()
@login_required
def resend_verification():
    if current_user.email_verified:
        return api_error(409, "already_verified", "Your email address is already confirmed.")
    mail.queue(mails.confirm_address(current_user.email, verification.issue(current_user, clock())))
    return "", 202
