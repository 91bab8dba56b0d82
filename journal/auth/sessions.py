"""Session rules: revocable (per-user version), idle and absolute time limits, JSON 401 for the API."""
from datetime import UTC, datetime

from flask import current_app, flash, jsonify, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import bindparam, select

from journal import database
from journal.auth import bp
from journal.auth.models import User
from journal.extensions import db, login_manager

login_manager.login_view = "auth.login"
login_manager.login_message = "Please log in to continue."
login_manager.login_message_category = "info"
SKIP_ENDPOINTS = frozenset({"static", "core.healthz"})


# Features may refuse an account a session (peers: a suspended account), returning the reason to show.
# Guards run once per login session, not on every request; a feature that refuses an account also bumps
# its session_version, which ends its live sessions on their next request.
SESSION_GUARDS: list = []


def session_guard(guard):
    """Register `guard(user) -> str | None`: a reason to refuse this account a session, or None."""
    if guard not in SESSION_GUARDS:
        SESSION_GUARDS.append(guard)
    return guard


# Every signed-in request loads its user (with the wrapped data key, joined): a statement built once
# costs a third less than Session.get, which assembles its query on each call (bench/inprocess.py).
_USER_BY_ID = select(User).where(User.id == bindparam("user_id"))


@login_manager.user_loader
def load_user(token: str) -> User | None:
    user_id, _, version = token.partition(".")
    if not user_id.isdigit():
        return None
    with database.request_prelude():
        user = db.session.execute(_USER_BY_ID, {"user_id": int(user_id)}).scalar_one_or_none()
        if user is None or str(user.session_version) != version:
            return None
        refusal = None
        if session.get("_vetted") != token:
            refusal = next(filter(None, (guard(user) for guard in SESSION_GUARDS)), None)
    if session.get("_vetted") != token:
        if refusal:
            session.pop("_user_id", None)
            if not request.path.startswith("/api/"):
                flash(refusal, "error")
            return None
        session["_vetted"] = token
    return user


@login_manager.unauthorized_handler
def unauthorized():
    if request.path.startswith("/api/"):
        body = {"error": {"code": "unauthorized", "message": "Log in to use the API.", "fields": {}}}
        return jsonify(body), 401
    flash(login_manager.login_message, "info")
    return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))


def start_session(user: User) -> None:
    """Sign the user in on this device with a fresh session (never a long-lived remember cookie)."""
    session.clear()
    login_user(user, remember=False)
    session.permanent = True
    now = int(datetime.now(UTC).timestamp())
    session["login_at"] = now
    session["seen_at"] = now


def _limits(user: User):
    kind = "staff" if user.is_staff else "member"
    return (current_app.config["SESSION_IDLE_LIMITS"][kind],
            current_app.config["SESSION_ABSOLUTE_LIMITS"][kind])


@bp.before_app_request
def enforce_session_limits():
    if request.endpoint in SKIP_ENDPOINTS or "_user_id" not in session:
        return None
    user = current_user._get_current_object()  # once: each use of the proxy looks the user up again
    if not user.is_authenticated:
        return None
    now = int(datetime.now(UTC).timestamp())
    idle, absolute = _limits(user)
    if now - session.get("login_at", 0) > absolute.total_seconds() or \
            now - session.get("seen_at", 0) > idle.total_seconds():
        logout_user()
        session.clear()
        return unauthorized()
    if now - session.get("seen_at", 0) > 60:  # refresh at most once a minute
        session["seen_at"] = now
    return None
