"""The peers JSON API under /api/v1/peers (documented in peers/apispec.py): the same services as the pages.

Members appear only as {id, display_name, initials, colour}; no response ever carries an email.
"""
from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_login import current_user

from journal.core import crisis
from journal.entries.api import checkin_json
from journal.errors import api_error
from journal.extensions import db
from journal.peers import comments, connections, limits, moderation, notifications, profiles, sharing, suggestions
from journal.peers.errors import PeerError
from journal.peers.guards import api_failure, member_api, peer_entry_or_404, profile_api_required

bp = Blueprint("peers_api", __name__)


def _iso(value):
    return value.isoformat().replace("+00:00", "Z")


def _json_body():
    if not request.is_json:
        return None, api_error(415)
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return None, api_error(400, "invalid_json", "Send a JSON object.")
    return body, None


def member_json(card: profiles.PeerCard) -> dict:
    return {"id": str(card.id), "display_name": card.display_name, "initials": card.initials,
            "colour": card.colour_hex}


def entry_json(item: sharing.PeerEntry) -> dict:
    base = checkin_json(item.entry)
    body = {key: base[key] for key in ("id", "occurred_at", "timezone", "local_date", "local_time", "readable",
                                       "mood", "mood_label", "energy", "energy_label", "pain", "pain_label",
                                       "sleep_hours", "symptoms", "tags", "medications")}
    body.update({
        "author": member_json(item.author), "relation": item.relation,
        "note": None if item.note_hidden or not item.entry.readable else item.entry.note,
        "note_hidden": item.note_hidden,
        "reactions": [{"kind": kind, "label": label, "count": count, "mine": mine}
                      for kind, label, count, mine in item.reaction_list],
        "comment_count": item.comment_count,
    })
    return body


def comment_json(view: comments.CommentView) -> dict:
    return {"id": str(view.id), "author": member_json(view.author), "body": view.body,
            "readable": view.body is not None,
            "created_at": _iso(view.created_at), "edited": view.edited, "mine": view.mine,
            "may_delete": view.may_delete}


def profile_json(view: profiles.ProfileView) -> dict:
    return {"member": member_json(view.card), "enabled": view.enabled, "open_to_matches": view.open_to_matches,
            "support": view.support, "timezone": view.timezone, "conditions": view.conditions,
            "other_condition": view.other_condition, "topics": view.topics, "languages": view.languages,
            "bio": view.bio, "avatar_colour": view.avatar_colour, "nudges_enabled": view.nudges_enabled,
            "guidelines_accepted": view.guidelines_accepted}


# --- Profile ---------------------------------------------------------------------------------------


@bp.get("/peers/profile")
@member_api
def get_profile():
    existing = profiles.profile_of(current_user.id)
    view = profiles.view_of(current_user, existing) if existing else profiles.blank_view(current_user)
    return jsonify(profile_json(view))


@bp.put("/peers/profile")
@member_api
def put_profile():
    body, error = _json_body()
    if error:
        return error
    fields = profiles.ProfileInput.__dataclass_fields__
    unknown = set(body) - set(fields)
    if unknown:
        return api_error(422, "invalid", "Unknown fields.", {name: "Not a profile field." for name in unknown})
    if not isinstance(body.get("enabled"), bool):
        return api_error(422, "invalid", "Say whether you take part.", {"enabled": "true or false"})
    kinds = {"conditions": list, "topics": list, "languages": list, "open_to_matches": bool, "nudges_enabled": bool}
    wrong = {name: "Wrong type." for name, kind in kinds.items() if name in body and not isinstance(body[name], kind)}
    wrong |= {name: "A string." for name in ("support", "timezone", "avatar_colour", "other_condition", "bio")
              if name in body and not isinstance(body[name], str)}
    if wrong:
        return api_error(422, "invalid", "Some fields have the wrong type.", wrong)
    existing = profiles.profile_of(current_user.id)
    current = profiles.view_of(current_user, existing) if existing else profiles.blank_view(current_user)
    data = profiles.ProfileInput(**{name: body.get(name, getattr(current, name)) for name in fields})
    try:
        profiles.save_profile(current_user, data)
    except PeerError as exc:
        db.session.rollback()
        return api_failure(exc)
    db.session.commit()
    return jsonify(profile_json(profiles.view_of(current_user, profiles.profile_of(current_user.id))))


@bp.post("/peers/guidelines")
@member_api
def accept_guidelines():
    profile, error = profile_api_required()
    if error:
        return error
    profiles.accept_guidelines(profile)
    db.session.commit()
    return "", 204


# --- Suggestions and connections -----------------------------------------------------------------


@bp.get("/peers/suggestions")
@member_api
def list_suggestions():
    profile, error = profile_api_required()
    if error:
        return error
    found = suggestions.for_member(current_user, profile) if profile.open_to_matches else []
    return jsonify({"items": [{"member": member_json(s.card), "score": s.score, "reason": s.reason}
                              for s in found]})


@bp.get("/peers/connections")
@member_api
def list_connections():
    _, error = profile_api_required()
    if error:
        return error
    lists = connections.lists_for(current_user)
    return jsonify({name: [member_json(c) for c in connections.profile_cards(getattr(lists, name))]
                    for name in ("connections", "incoming", "outgoing")})


def _run(action, member_id, status_ok: int = 204, body: dict | None = None):
    _, error = profile_api_required()
    if error:
        return error
    try:
        result = action(current_user, profiles.by_public_id(member_id))
    except PeerError as exc:
        db.session.rollback()
        return api_failure(exc)
    db.session.commit()
    if status_ok == 204:
        return "", 204
    return jsonify(body(result) if callable(body) else body or {}), status_ok


@bp.post("/peers/connections")
@limits.requests
@member_api
def request_connection():
    body, error = _json_body()
    if error:
        return error
    return _run(connections.request, body.get("member_id"), 201, lambda row: {"status": row.status})


@bp.post("/peers/connections/<member_id>/accept")
@member_api
def accept_connection(member_id):
    return _run(connections.accept, member_id, 200, lambda row: {"status": row.status})


@bp.post("/peers/connections/<member_id>/decline")
@member_api
def decline_connection(member_id):
    return _run(connections.decline, member_id)


@bp.delete("/peers/connections/<member_id>")
@member_api
def disconnect(member_id):
    return _run(connections.disconnect, member_id)


@bp.post("/peers/blocks")
@member_api
def block():
    body, error = _json_body()
    if error:
        return error
    return _run(connections.block, body.get("member_id"))


@bp.delete("/peers/blocks/<member_id>")
@member_api
def unblock(member_id):
    return _run(connections.unblock, member_id)


@bp.post("/peers/members/<member_id>/nudge")
@limits.nudges
@member_api
def nudge(member_id):
    return _run(connections.nudge, member_id)


# --- Feed, entries, comments, reactions --------------------------------------------------------------


@bp.get("/peers/feed")
@member_api
def feed():
    _, error = profile_api_required()
    if error:
        return error
    try:
        page = sharing.feed(current_user, cursor=request.args.get("cursor"))
    except ValueError:
        return api_error(400, "invalid_cursor", "That cursor is not valid.", {"cursor": "Use next_cursor."})
    return jsonify({"items": [entry_json(item) for item in page.items], "next_cursor": page.next_cursor})


@bp.get("/peers/entries/<entry_id>")
@member_api
def get_entry(entry_id):
    checkin, access = peer_entry_or_404(entry_id)
    body = entry_json(sharing.entry_for(current_user, checkin, access))
    body["comments"] = [comment_json(c) for c in comments.for_entry(current_user, checkin)] \
        if checkin.share_peers else []
    return jsonify(body)


@bp.post("/peers/entries/<entry_id>/comments")
@limits.comments
@member_api
def add_comment(entry_id):
    checkin, access = peer_entry_or_404(entry_id)
    body, error = _json_body()
    if error:
        return error
    text = body.get("body")
    if not isinstance(text, str):
        return api_error(422, "invalid", "Write something first.", {"body": "A string."})
    mine = profiles.profile_of(current_user.id)
    if body.get("accept_guidelines") is True and mine is not None:
        profiles.accept_guidelines(mine)
    try:
        row = comments.add(current_user, checkin, access, text)
    except PeerError as exc:
        db.session.rollback()
        return api_failure(exc)
    db.session.commit()
    view = next(c for c in comments.for_entry(current_user, checkin) if c.id == row.id)
    return jsonify(comment_json(view) | {"crisis_support": crisis.needs_support(text)}), 201


@bp.route("/peers/comments/<comment_id>", methods=["PATCH", "DELETE"])
@limits.comments
@member_api
def change_comment(comment_id):
    try:
        comment, checkin = comments.get(current_user, comment_id)
        if request.method == "DELETE":
            comments.delete(current_user, comment)
            db.session.commit()
            return "", 204
        body, error = _json_body()
        if error:
            return error
        text = body.get("body")
        if not isinstance(text, str):
            return api_error(422, "invalid", "Write something first.", {"body": "A string."})
        comments.edit(current_user, comment, checkin, text)
    except PeerError as exc:
        db.session.rollback()
        return api_failure(exc)
    db.session.commit()
    view = next(c for c in comments.for_entry(current_user, checkin) if c.id == comment.id)
    return jsonify(comment_json(view) | {"crisis_support": crisis.needs_support(text)})


@bp.post("/peers/entries/<entry_id>/reactions")
@limits.reactions
@member_api
def add_reaction(entry_id):
    checkin, access = peer_entry_or_404(entry_id)
    body, error = _json_body()
    if error:
        return error
    try:
        created = comments.react(current_user, checkin, access, str(body.get("kind", "")))
    except PeerError as exc:
        db.session.rollback()
        return api_failure(exc)
    db.session.commit()
    return jsonify({"kind": body["kind"], "created": created}), 201 if created else 200


@bp.delete("/peers/entries/<entry_id>/reactions/<kind>")
@limits.reactions
@member_api
def remove_reaction(entry_id, kind):
    checkin, access = peer_entry_or_404(entry_id)
    try:
        comments.unreact(current_user, checkin, access, kind)
    except PeerError as exc:
        db.session.rollback()
        return api_failure(exc)
    db.session.commit()
    return "", 204


# --- Notifications and reports ------------------------------------------------------------------------


@bp.get("/peers/notifications")
@member_api
def list_notifications():
    blocked = set(db.session.scalars(connections.blocked_ids_query(current_user.id)))
    items = notifications.recent(current_user, blocked)
    return jsonify({"unread": notifications.unread_count(current_user.id),
                    "items": [{"id": n.id, "kind": n.kind, "text": n.text, "url": n.url,
                               "created_at": _iso(n.created_at), "unread": n.unread,
                               "moderator_note": moderation.why_for_member(current_user, n.action_id)
                               if n.action_id else None} for n in items]})


@bp.post("/peers/notifications/read")
@member_api
def read_notifications():
    notifications.mark_all_read(current_user.id)
    db.session.commit()
    return "", 204


@bp.post("/peers/reports")
@limits.reports
@member_api
def file_report():
    body, error = _json_body()
    if error:
        return error
    details = body.get("details") or ""
    if not isinstance(details, str):
        return api_error(422, "invalid", "Details must be text.", {"details": "A string."})
    try:
        report = moderation.file_report(current_user, str(body.get("kind", "")), body.get("target_id"),
                                        str(body.get("reason", "")), details)
    except PeerError as exc:
        db.session.rollback()
        return api_failure(exc)
    db.session.commit()
    return jsonify({"id": str(report.id), "status": report.status}), 201

