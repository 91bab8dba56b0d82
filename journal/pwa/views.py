"""The installable app: web app manifest, service worker at root scope, offline pages, a fresh CSRF token.

The offline pages are public shells: the same for every visitor, rendered without the session, so the
service worker may keep them. Pages with health data are never cached (`no-store`, see SECURITY.md).
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from flask import current_app, jsonify, make_response, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf

from journal import crisis, scales
from journal.pwa import bp
from journal.pwa.assets import asset_url, static_version
from journal.urls import has_feature

NAME = "Peer Journal"
THEME_COLOR = "#2f6f62"  # --accent in static/css/app.css
BACKGROUND_COLOR = "#f6f5f1"  # --bg in static/css/app.css
DESCRIPTION = ("A private check-in journal for living with chronic illness: log how you feel in a few taps, "
               "share only what you choose with peers and clinicians.")
# The app shell the service worker keeps (with the two offline pages). history.css is the calendar's and
# the summary form's own: kept here so a second visit to them fetches no CSS either.
PRECACHE = ("css/app.css", "css/history.css", "js/app.js", "js/offline.js", "js/install.js", "icons/icon-32.png",
            "icons/icon-192.png")
SW_SOURCE = "js/sw.js"


def _public(response):
    """Mark a response that is the same for everyone: revalidate with its ETag, never `no-store`."""
    response.headers["Cache-Control"] = "no-cache"
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/manifest.webmanifest")
def manifest():
    checkin = url_for("entries.new")
    icon = {"src": asset_url("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"}
    body = {
        "id": "/",
        "name": NAME,
        "short_name": NAME,
        "description": DESCRIPTION,
        "lang": "en",
        "dir": "ltr",
        "start_url": checkin,
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "categories": ["health", "medical", "lifestyle"],
        "prefer_related_applications": False,
        "icons": [
            {**icon, "purpose": "any"},
            {"src": asset_url("icons/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
            {"src": asset_url("icons/icon-maskable-512.png"), "sizes": "512x512", "type": "image/png",
             "purpose": "maskable"},
        ],
        "shortcuts": [{"name": "Check in", "short_name": "Check in", "description": "How are you right now?",
                       "url": checkin, "icons": [icon]}],
    }
    response = current_app.response_class(json.dumps(body, separators=(",", ":")),
                                          mimetype="application/manifest+json")
    return _public(response)


def _render_offline() -> str:
    return render_template("pwa/offline.html", public_shell=True,
                           crisis_lines=current_app.config["CRISIS_LINES"])


def _render_checkin_shell() -> str:
    return render_template("pwa/checkin_offline.html", public_shell=True, scales=scales,
                           crisis_phrases=crisis.phrases())


@bp.get("/offline")
def offline():
    return _public(make_response(_render_offline()))


@bp.get("/checkin/offline")
def checkin_shell():
    return _public(make_response(_render_checkin_shell()))


def _sw_config() -> dict:
    offline_url, shell_url = url_for("pwa.offline"), url_for("pwa.checkin_shell")
    return {
        "precache": [asset_url(name) for name in PRECACHE] + [offline_url, shell_url],
        "offline": offline_url,
        "checkinShell": shell_url,
        "checkin": url_for("entries.new"),
        "queueScript": asset_url("js/offline.js"),
        "icon": asset_url("icons/icon-192.png"),
        "csrf": url_for("pwa.csrf_token"),
        "checkins": url_for("entries_api.create_checkin"),
        # The push feature's endpoints (journal/push/api.py), when the app has it.
        **({"snooze": url_for("push_api.snooze"), "subscriptions": url_for("push_api.subscribe"),
            "vapidKey": url_for("push_api.vapid_public_key")} if has_feature("push") else {}),
    }


def service_worker_source() -> str:
    """sw.js with its configuration line; the version changes with any static file or offline page."""
    # The body holds URLs: one built under another mount point is not reused (as with path_for).
    key = (static_version(), request.script_root)
    cached = current_app.extensions.get("pwa.sw")
    if cached and cached[0] == key and not current_app.jinja_env.auto_reload:
        return cached[1]
    source = (Path(current_app.static_folder) / SW_SOURCE).read_text(encoding="utf-8")
    config = _sw_config()
    shells = hashlib.sha256((_render_offline() + _render_checkin_shell() + source).encode()).hexdigest()
    config["version"] = hashlib.sha256(f"{key[0]}:{shells}".encode()).hexdigest()[:16]
    body = (f"// Generated by {request.path}: the configuration below, then static/{SW_SOURCE}.\n"
            f"self.PJ_SW = {json.dumps(config, sort_keys=True)};\n{source}")
    current_app.extensions["pwa.sw"] = (key, body)
    return body


@bp.get("/sw.js")
def service_worker():
    response = current_app.response_class(service_worker_source(), mimetype="text/javascript")
    # Served from the root so that its scope is the whole app.
    response.headers["Service-Worker-Allowed"] = "/"
    return _public(response)


@bp.get("/api/v1/csrf-token")
@login_required
def csrf_token():
    # `account` lets the offline queue replay check-ins only into the account that saved them.
    return jsonify(csrf_token=generate_csrf(), account=str(current_user.id))
