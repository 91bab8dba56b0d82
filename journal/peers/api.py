"""The peers JSON API under /api/v1/peers (documented in peers/apispec.py): the same services as the pages.

Members appear only as {id, display_name, initials, colour}; no response ever carries an email.
"""
from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_login import current_user

from journal import crisis
from journal.checkins import ANSWER_KEYS
from journal.entries import checkin_json
from journal.errors import api_error
from journal.extensions import db
from journal.jsonapi import iso, json_body
from journal.peers import comments, connections, limits, moderation, notifications, profiles, sharing, suggestions
from journal.peers.errors import PeerError
from journal.peers.guards import api_failure, member_api, peer_entry_or_404, required_profile

bp = Blueprint("peers_api", __name__)


@bp.errorhandler(PeerError)
def peer_error(exc: PeerError):
    """A service said no: nothing it did is kept, and the member reads why in the API's error shape."""
    return api_failure(exc)






def member_json(card: profiles.PeerCard) -> dict:
    return {"id": str(card.id), "display_name": card.display_name, "initials": card.initials,
            "colour": card.colour_hex}


def entry_json(item: sharing.PeerEntry) -> dict:
    base = checkin_json(item.entry)
    body = {key: base[key] for key in ("id", "occurred_at", "timezone", "local_date", "local_time", "readable",
                                       *ANSWER_KEYS, "symptoms", "tags", "medications")}
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
            "created_at": iso(view.created_at), "edited": view.edited, "mine": view.mine,
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
    return jsonify(profile_json(profiles.own_view(current_user)))


@bp.put("/peers/profile")
@member_api
def put_profile():
    body, error = json_body()
    if error:
        return error
    fields = profiles.ProfileInput.__dataclass_fields__
    unknown = set(body) - set(fields)
    if unknown:
        return api_error(422, "invalid", "Unknown fields.", {name: "Not a profile field." for name in unknown})
    if not isinstance(body.get("enabled"), bool):
        return api_error(422, "invalid", "Say whether you take part.", {"enabled": "true or false"})
    # Lists of codes must hold strings: anything else could not even be compared with the curated lists.
    wrong = {name: "Wrong type." for name in ("conditions", "topics", "languages") if name in body
             and not (isinstance(body[name], list) and all(isinstance(code, str) for code in body[name]))}
    wrong |= {name: "Wrong type." for name in ("open_to_matches", "nudges_enabled")
              if name in body and not isinstance(body[name], bool)}
    wrong |= {name: "A string." for name in ("support", "timezone", "avatar_colour", "other_condition", "bio")
              if name in body and not isinstance(body[name], str)}
    if wrong:
        return api_error(422, "invalid", "Some fields have the wrong type.", wrong)
    current = profiles.own_view(current_user)
    data = profiles.ProfileInput(**{name: body.get(name, getattr(current, name)) for name in fields})
    profile = profiles.save_profile(current_user, data)
    return jsonify(profile_json(profiles.view_of(current_user, profile)))


@bp.post("/peers/guidelines")
@member_api
def accept_guidelines():
    profiles.accept_guidelines(required_profile())
    return "", 204


# --- Suggestions and connections -----------------------------------------------------------------


@bp.get("/peers/suggestions")
@member_api
def list_suggestions():
    profile = required_profile()
    found = suggestions.for_member(current_user, profile) if profile.open_to_matches else []
    return jsonify({"items": [{"member": member_json(s.card), "score": s.score, "reason": s.reason}
                              for s in found]})


@bp.get("/peers/connections")
@member_api
def list_connections():
    required_profile()
    lists = connections.lists_for(current_user)
    return jsonify({name: [member_json(c) for c in connections.profile_cards(getattr(lists, name))]
                    for name in ("connections", "incoming", "outgoing")})


def _on_member(action, member_id):
    """Run one connection service on a member (by public id) for a member taking part, and commit."""
    required_profile()
    result = action(current_user, profiles.by_public_id(member_id))
    return result


@bp.post("/peers/connections")
@limits.requests
@member_api
def request_connection():
    body, error = json_body()
    if error:
        return error
    row = _on_member(connections.request, body.get("member_id"))
    return jsonify({"status": row.status}), 201


@bp.post("/peers/connections/<member_id>/accept")
@member_api
def accept_connection(member_id):
    return jsonify({"status": _on_member(connections.accept, member_id).status})


@bp.post("/peers/connections/<member_id>/decline")
@member_api
def decline_connection(member_id):
    _on_member(connections.decline, member_id)
    return "", 204


@bp.delete("/peers/connections/<member_id>")
@member_api
def disconnect(member_id):
    _on_member(connections.disconnect, member_id)
    return "", 204


@bp.post("/peers/blocks")
@member_api
def block():
    body, error = json_body()
    if error:
        return error
    _on_member(connections.block, body.get("member_id"))
    return "", 204


@bp.delete("/peers/blocks/<member_id>")
@member_api
def unblock(member_id):
    _on_member(connections.unblock, member_id)
    return "", 204


@bp.post("/peers/members/<member_id>/nudge")
@limits.nudges
@member_api
def nudge(member_id):
    _on_member(connections.nudge, member_id)
    return "", 204


# --- Feed, entries, comments, reactions --------------------------------------------------------------


@bp.get("/peers/feed")
@member_api
def feed():
    required_profile()
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


def _own_comment_json(comment, text: str) -> dict:
    """The writer's comment as just saved, and whether to offer them crisis support (them alone)."""
    return comment_json(comments.own_view(current_user, comment)) | {"crisis_support": crisis.needs_support(text)}


@bp.post("/peers/entries/<entry_id>/comments")
@limits.comments
@member_api
def add_comment(entry_id):
    checkin, access = peer_entry_or_404(entry_id)
    body, error = json_body()
    if error:
        return error
    text = body.get("body")
    if not isinstance(text, str):
        return api_error(422, "invalid", "Write something first.", {"body": "A string."})
    row = comments.add(current_user, checkin, access, text, accept_guidelines=body.get("accept_guidelines") is True)
    return jsonify(_own_comment_json(row, text)), 201


@bp.route("/peers/comments/<comment_id>", methods=["PATCH", "DELETE"])
@limits.comments
@member_api
def change_comment(comment_id):
    comment, checkin = comments.get(current_user, comment_id)
    if request.method == "DELETE":
        comments.delete(current_user, comment)
        return "", 204
    body, error = json_body()
    if error:
        return error
    text = body.get("body")
    if not isinstance(text, str):
        return api_error(422, "invalid", "Write something first.", {"body": "A string."})
    comments.edit(current_user, comment, checkin, text)
    return jsonify(_own_comment_json(comment, text))


@bp.post("/peers/entries/<entry_id>/reactions")
@limits.reactions
@member_api
def add_reaction(entry_id):
    checkin, access = peer_entry_or_404(entry_id)
    body, error = json_body()
    if error:
        return error
    created = comments.react(current_user, checkin, access, str(body.get("kind", "")))
    return jsonify({"kind": body["kind"], "created": created}), 201 if created else 200


@bp.delete("/peers/entries/<entry_id>/reactions/<kind>")
@limits.reactions
@member_api
def remove_reaction(entry_id, kind):
    checkin, access = peer_entry_or_404(entry_id)
    comments.unreact(current_user, checkin, access, kind)
    return "", 204


# --- Notifications and reports ------------------------------------------------------------------------


@bp.get("/peers/notifications")
@member_api
def list_notifications():
    blocked = set(db.session.scalars(connections.blocked_ids_query(current_user.id)))
    items = notifications.recent(current_user, blocked)
    reasons = moderation.reasons_for(current_user, items)
    return jsonify({"unread": notifications.unread_count(current_user.id),
                    "items": [{"id": n.id, "kind": n.kind, "text": n.text, "url": n.url,
                               "created_at": iso(n.created_at), "unread": n.unread,
                               "moderator_note": reasons.get(n.id)} for n in items]})


@bp.post("/peers/notifications/read")
@member_api
def read_notifications():
    notifications.mark_all_read(current_user.id)
    return "", 204


@bp.post("/peers/reports")
@limits.reports
@member_api
def file_report():
    body, error = json_body()
    if error:
        return error
    details = body.get("details") or ""
    if not isinstance(details, str):
        return api_error(422, "invalid", "Details must be text.", {"details": "A string."})
    report = moderation.file_report(current_user, str(body.get("kind", "")), body.get("target_id"),
                                    str(body.get("reason", "")), details)
    return jsonify({"id": str(report.id), "status": report.status}), 201

