"""Session rules: a server-side record per signed-in browser, idle and absolute limits, JSON 401 for the API.

The signed session cookie carries the account id and a random secret. The secret's hash names a row of
`auth_sessions` (journal/auth/devices.py); a request is signed in only while that row exists and is within
its limits, which the query that loads the user checks too. Ending a session deletes its row, so a copy of
the cookie stops working at once.
"""
import uuid
from datetime import UTC, datetime
from typing import NamedTuple

from flask import flash, g, jsonify, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import bindparam, delete, select, update

from journal import browsers, crypto, database, signals
from journal.accounts import User
from journal.auth import bp, devices
from journal.auth.models import AuthSession
from journal.extensions import db, login_manager

login_manager.login_view = "auth.login"
login_manager.login_message = "Please log in to continue."
login_manager.login_message_category = "info"
SKIP_ENDPOINTS = frozenset({"static", "core.healthz"})
SID_KEY = "_sid"  # the session's secret in the cookie
SEEN_EVERY = 60  # seconds: last_seen_at is written at most about once a minute
_LOGIN_KEYS = ("_user_id", "_fresh", "_id", SID_KEY, "_vetted")


# A clinician's invitation code, waiting in the session from the link's first hop until it is redeemed
# (journal/clinicians/views.py: redeem), through registration, login and two-step set-up.
PENDING_INVITATION = "pending_invitation"
# What a browser was in the middle of when it signed in survives into the new session; everything else in
# the cookie is dropped, as a new session should be.
CARRIED_KEYS = frozenset({"after_two_factor", PENDING_INVITATION})


class LiveSession(NamedTuple):
    """This request's session record (what the user loader read)."""

    id: uuid.UUID
    created_at: datetime
    last_seen_at: datetime


# Every signed-in request loads its user (with the wrapped data key) and its session record in one query.
# Statements built once cost a third less than Session.get, which assembles its query on each call
# (bench/inprocess.py).
_SESSION_USER = (select(User, AuthSession.id, AuthSession.created_at, AuthSession.last_seen_at)
                 .join(AuthSession, AuthSession.user_id == User.id)
                 .where(AuthSession.token_hash == bindparam("token_hash"), User.id == bindparam("user_id")))
_SESSIONS = AuthSession.__table__
_TOUCH = update(_SESSIONS).where(_SESSIONS.c.id == bindparam("session_id")).values(last_seen_at=bindparam("now"))
_END = delete(_SESSIONS).where(_SESSIONS.c.id == bindparam("session_id"))


def clock() -> datetime:
    """Now, for everything about sessions (one clock, so that tests can move it)."""
    return datetime.now(UTC)


def _forget() -> None:
    """The cookie forgets the account (its session has ended)."""
    for key in _LOGIN_KEYS:
        session.pop(key, None)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    secret = session.get(SID_KEY)
    if not secret or not isinstance(secret, str) or not user_id.isdigit():
        return None
    with database.request_prelude():
        row = db.session.execute(_SESSION_USER, {"token_hash": crypto.hash_token(secret),
                                                 "user_id": int(user_id)}).one_or_none()
        refusal = None
        if row is not None and not session.get("_vetted"):
            # Other features may refuse an account a session (peers: a suspended account), once per
            # login session; a feature that refuses one also ends its sessions.
            refusal = signals.first_answer(signals.session_requested, user=row[0])
    if row is None:  # ended: logged out, signed out from another device, password changed, account deleted
        _forget()
        return None
    user, live = row[0], LiveSession(*row[1:])
    if refusal or devices.limits_for(user).expired(live.created_at, live.last_seen_at, clock()):
        database.write_apart(_END, {"session_id": live.id})
        _forget()
        if refusal and not request.path.startswith("/api/"):
            flash(refusal, "error")
        return None
    if not session.get("_vetted"):
        session["_vetted"] = True
    g.auth_session = live
    return user


@login_manager.unauthorized_handler
def unauthorized():
    if request.path.startswith("/api/"):
        body = {"error": {"code": "unauthorized", "message": "Log in to use the API.", "fields": {}}}
        return jsonify(body), 401
    flash(login_manager.login_message, "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?") if request.method == "GET" else None))


def current_session_id() -> uuid.UUID | None:
    """This request's session record, if it is signed in."""
    live = g.get("auth_session")
    return live.id if live is not None else None


def start_session(user: User) -> None:
    """Sign the user in on this browser with a new server-side session (never a long-lived remember
    cookie), described by its User-Agent; the caller commits."""
    now = clock()
    record, secret = devices.open_session(user, browser=browsers.describe(request.user_agent.string), now=now)
    carried = {key: session[key] for key in CARRIED_KEYS if key in session}
    session.clear()
    session.update(carried)
    login_user(user, remember=False)
    session.permanent = True
    session[SID_KEY] = secret
    g.auth_session = LiveSession(record.id, now, now)


def renew_session() -> None:
    """A new secret for this browser's session: a copy of the cookie taken before stops working."""
    live = g.get("auth_session")
    if live is not None:
        session[SID_KEY] = devices.renew_secret(live.id)


def end_session() -> None:
    """Log this browser out: its session ends on the server and the cookie forgets the account; the caller
    commits."""
    live = g.pop("auth_session", None)
    if live is not None:
        devices.end_session(live.id)
    logout_user()
    _forget()


@bp.before_app_request
def keep_session_alive():
    """Note when a session was last used, at most about once a minute (the idle limit and the list)."""
    if request.endpoint in SKIP_ENDPOINTS or "_user_id" not in session:
        return None
    current_user._get_current_object()  # loads the user and this session's record, or ends it
    live = g.get("auth_session")
    if live is None:
        return None
    now = clock()
    if (now - live.last_seen_at).total_seconds() > SEEN_EVERY:
        database.write_apart(_TOUCH, {"session_id": live.id, "now": now})
        g.auth_session = live._replace(last_seen_at=now)
    return None
