"""What a receiving app reaches, with no account: the manifest (POST, JSON, as the SMART Health Links
specification says) and the short-lived file address the manifest may point to instead of embedding.

Exempt from CSRF (an API called by other apps, with no session), rate limited per address, open to other
origins (a web viewer fetches from its own), never cached. Every answer is JSON or the JWE itself.
"""
from __future__ import annotations

import json

from flask import Response, current_app, jsonify, request
from itsdangerous import BadData, URLSafeTimedSerializer

from journal import database, mail, storable
from journal.extensions import limiter, utcnow
from journal.healthlinks import public_bp, services
from journal.security import parse_id

FILE_SECONDS = 3600  # a file address lives an hour at most: "short-lived", as the specification asks
RECIPIENT_MAX = 200


def _tickets() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="healthlink-file")


def _answer(status: int, body: dict) -> tuple[Response, int]:
    return jsonify(body), status


@public_bp.after_request
def _open_to_viewers(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = "Content-Type"
    response.headers["Cache-Control"] = "no-store"
    return response


def _manifest_request() -> tuple[str, str | None, int | None] | str:
    """(recipient, passcode, embeddedLengthMax) from the JSON body, or what is wrong with it."""
    try:  # whatever the Content-Type says: some receiving apps send none
        body = json.loads(request.get_data())
    except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested deeper than the parser's stack
        body = None
    if not isinstance(body, dict):
        return "Send a JSON object: {\"recipient\": \"…\"}."
    recipient, passcode, most = body.get("recipient"), body.get("passcode"), body.get("embeddedLengthMax")
    if not isinstance(recipient, str) or not recipient.strip() or len(recipient) > RECIPIENT_MAX \
            or not storable.storable(recipient):
        return f"recipient is required: who is opening the link, in up to {RECIPIENT_MAX} characters."
    if passcode is not None and (not isinstance(passcode, str) or len(passcode) > services.PASSCODE_MAX):
        return "passcode must be text."
    if most is not None and (isinstance(most, bool) or not isinstance(most, int) or most < 0):
        return "embeddedLengthMax must be a whole number of characters."
    return recipient.strip(), passcode or None, most


@public_bp.post("/shl/<manifest_id>")
@limiter.limit(lambda: current_app.config["RATELIMIT_HEALTHLINK_IP"])
def manifest(manifest_id):
    parsed = _manifest_request()
    if isinstance(parsed, str):
        return _answer(400, {"error": parsed})
    recipient, passcode, most = parsed
    now = utcnow()
    try:
        link = services.open_link(manifest_id, recipient=recipient, passcode=passcode, now=now)
    except services.LinkClosed:
        return _answer(404, {"error": "This link is not active: it may have expired or been revoked."})
    except services.WrongPasscode as exc:
        database.keep_writes()  # the attempt counts even though the answer is an error
        return _answer(401, {"remainingAttempts": exc.remaining})
    file = {"contentType": services.CONTENT_TYPE,
            "lastUpdated": link.created_at.isoformat(timespec="seconds").replace("+00:00", "Z")}
    if most is None or len(link.jwe) <= most:
        file["embedded"] = link.jwe
    else:
        file["location"] = mail.link("healthlinks_public.file", ticket=_tickets().dumps(str(link.id)))
    return _answer(200, {"status": "finalized", "files": [file]})  # a snapshot: its file never changes


@public_bp.get("/shl/file/<ticket>")
@limiter.limit(lambda: current_app.config["RATELIMIT_HEALTHLINK_IP"])
def file(ticket):
    try:
        link_id = parse_id(_tickets().loads(ticket, max_age=FILE_SECONDS))
        link = services.find_for_file(link_id, utcnow())
    except (BadData, services.LinkClosed):
        return _answer(404, {"error": "This file address has expired, or its link is no longer active."})
    return Response(link.jwe, mimetype="application/jose")
