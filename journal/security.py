"""Shared access decisions and response hardening used by every feature.

Every lookup of an entry by id goes through here, so "is this mine / was it shared with me" is decided
in one place. Someone else's entry is a 404, never a 403: its existence is not confirmed.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlsplit

from flask import Flask, abort, flash, has_request_context, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user, login_required

from journal import signals
from journal.errors import api_error
from journal.extensions import db

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "manifest-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]"})


class SessionCookies(SecureCookieSessionInterface):
    """Session cookies are Secure everywhere but on localhost (plain-http development and tests)."""

    _serializer = None
    _serializer_secrets = None

    def get_signing_serializer(self, app: Flask):
        # Flask builds a new serializer for every request that carries a cookie; the secrets only
        # change with the configuration, so build it once per set of secrets.
        secrets = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        if self._serializer_secrets != secrets:
            self._serializer = super().get_signing_serializer(app)
            self._serializer_secrets = secrets
        return self._serializer

    def get_cookie_secure(self, app: Flask) -> bool:
        if app.config.get("SESSION_COOKIE_SECURE"):
            return True
        if not has_request_context():
            return False
        host = request.host
        hostname = host[: host.index("]") + 1] if host.startswith("[") else host.split(":")[0]
        return hostname not in LOCAL_HOSTS


def init_app(app: Flask) -> None:
    app.session_interface = SessionCookies()
    app.after_request(_harden_response)


def _harden_response(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    # same-origin, not no-referrer: Flask-WTF's HTTPS CSRF check needs a same-origin Referer.
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if not request.path.startswith("/static/"):
        # Pages and API answers may carry health data or depend on who is signed in: never cache them.
        headers.setdefault("Cache-Control", "no-store")
        headers.add("Vary", "Cookie")
    return response


# Who keeps a journal: members, and moderators (members who also moderate). Clinician accounts do not.
JOURNAL_KEEPERS = frozenset({"member", "moderator"})
# Who sees other members' data by role: clinicians (their patients') and moderators (reported content), and
# admins (the programme report's aggregates of opted-in members, never one member's data). A route only they
# may use needs two-step sign-in first (`roles_only`), and their sessions end sooner (config: "staff").
STAFF_ROLES = frozenset({"clinician", "moderator", "admin"})


SECOND_FACTOR_NEEDED = ("Set up two-step sign-in first (Account, Two-step sign-in): clinicians, moderators and "
                        "admins need it before they see anyone's data.")


def roles_only(roles, *, api_message: str | None = None):
    """Decorator: signed in (else the login redirect, or 401 for the API), and of one of `roles`, else 403:
    the error page, or for an API view (one that passes `api_message`) the JSON error saying so.

    A route only staff may use (clinicians, moderators) shows other members' data, so it also needs the
    account's two-step sign-in: until it is set up, pages send the browser to set it up (and come back
    afterwards) and the API answers 403 `second_factor_required`."""
    roles = frozenset({roles} if isinstance(roles, str) else roles)
    staff_only = roles <= STAFF_ROLES

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if current_user.role not in roles:
                if api_message is not None:
                    return api_error(403, message=api_message)
                abort(403)
            if staff_only and current_user.needs_second_factor:
                if api_message is not None:
                    return api_error(403, "second_factor_required", SECOND_FACTOR_NEEDED)
                if request.method == "GET":
                    session["after_two_factor"] = request.full_path.rstrip("?")
                flash(SECOND_FACTOR_NEEDED, "info")
                return redirect(url_for("auth.two_factor"))
            return view(*args, **kwargs)

        return wrapper

    return decorator


def safe_next_url(target: str | None) -> str | None:
    """Only same-site relative paths are followed after login (no open redirects)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def parse_id(raw: str) -> uuid.UUID:
    """A UUID from a URL or JSON, or a 404: a malformed id names no entry anyone may see."""
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        abort(404)


def own_or_404(model, raw_id, user=None):
    """The user's own row of `model` by id; anyone else's (or none) is a 404."""
    user = user or current_user
    row = db.session.get(model, parse_id(raw_id))
    if row is None or row.owner_id != user.id:
        abort(404)
    return row


# --- Who may see a check-in --------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryAccess:
    """Why a viewer may see a check-in, and how much of it."""

    relation: str  # "owner", or what a feature's rule grants: "peer", "clinician", "moderator"
    see_note: bool = True
    may_comment: bool = False


def entry_access(viewer, checkin) -> EntryAccess | None:
    """How `viewer` may see `checkin`, or None if they may not see it at all."""
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return None
    if checkin.owner_id == viewer.id:
        return EntryAccess("owner", see_note=True, may_comment=True)
    # Other features grant access to others' check-ins (peers, clinicians); with none, the entry does not
    # exist for the viewer.
    return signals.first_answer(signals.entry_access_requested, viewer=viewer, checkin=checkin)


def viewable_or_404(model, raw_id, viewer=None):
    """A check-in the viewer may see (theirs or shared with them) with its access, or a 404."""
    viewer = viewer or current_user
    row = db.session.get(model, parse_id(raw_id))
    access = entry_access(viewer, row) if row is not None else None
    if access is None:
        abort(404)
    return row, access
