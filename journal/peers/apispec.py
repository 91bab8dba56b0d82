"""OpenAPI 3.1 description of the peers API (paths and schemas), merged by journal/openapi.py."""
from journal import scales
from journal.apidoc import errors, json_response, nullable, ref
from journal.checkins import ANSWER_KEYS, MEASURES
from journal.entries import API_SCHEMAS as ENTRY_SCHEMAS
from journal.peers import comments, moderation, profiles
from journal.peers.conditions import (
    AVATAR_COLOURS,
    CONDITIONS,
    LANGUAGES,
    REACTIONS,
    REPORT_REASONS,
    SUPPORT_MODES,
    TOPICS,
)

ID = {"type": "string", "format": "uuid"}
CHECKIN = ENTRY_SCHEMAS["Checkin"]["properties"]
WRITE = [{"session": [], "csrf": []}]

SCHEMAS = {
    "PeerMember": {
        "type": "object", "required": ["id", "display_name", "initials", "colour"], "additionalProperties": False,
        "description": "How a member appears to peers: a display name and an initials avatar. Never an email.",
        "properties": {"id": ID, "display_name": {"type": "string"}, "initials": {"type": "string"},
                       "colour": {"type": "string", "pattern": "^#[0-9a-f]{6}$"}},
    },
    "PeerProfile": {
        "type": "object", "additionalProperties": False,
        "required": ["member", "enabled", "open_to_matches", "support", "timezone", "conditions", "other_condition",
                     "topics", "languages", "bio", "avatar_colour", "nudges_enabled", "guidelines_accepted"],
        "properties": {
            "member": ref("PeerMember"), "enabled": {"type": "boolean"}, "open_to_matches": {"type": "boolean"},
            "support": {"enum": list(SUPPORT_MODES)}, "timezone": {"type": "string"},
            "conditions": {"type": "array", "items": {"enum": [c.key for c in CONDITIONS]}},
            "other_condition": {"type": "string"},
            "topics": {"type": "array", "items": {"enum": [t.key for t in TOPICS]}},
            "languages": {"type": "array", "items": {"enum": list(LANGUAGES)}},
            "bio": {"type": "string"}, "avatar_colour": {"enum": list(AVATAR_COLOURS)},
            "nudges_enabled": {"type": "boolean"}, "guidelines_accepted": {"type": "boolean"},
        },
    },
    "PeerProfileInput": {
        "type": "object", "required": ["enabled"], "additionalProperties": False,
        "description": "Peer support is off until `enabled` is true. Fields not sent keep their value. "
                       "Conditions (with ICD-10 codes kept server-side), topics and languages come from curated "
                       "lists; `bio` and `other_condition` are stored encrypted.",
        "properties": {
            "enabled": {"type": "boolean"}, "open_to_matches": {"type": "boolean"},
            "support": {"enum": list(SUPPORT_MODES)}, "timezone": {"type": "string"},
            "conditions": {"type": "array", "maxItems": profiles.CONDITIONS_MAX,
                           "items": {"enum": [c.key for c in CONDITIONS]}},
            "other_condition": {"type": "string", "maxLength": profiles.OTHER_MAX},
            "topics": {"type": "array", "maxItems": profiles.TOPICS_MAX, "items": {"enum": [t.key for t in TOPICS]}},
            "languages": {"type": "array", "maxItems": len(LANGUAGES), "items": {"enum": list(LANGUAGES)}},
            "bio": {"type": "string", "maxLength": profiles.BIO_MAX},
            "avatar_colour": {"enum": list(AVATAR_COLOURS)}, "nudges_enabled": {"type": "boolean"},
        },
    },
    "PeerSuggestions": {
        "type": "object", "required": ["items"], "additionalProperties": False,
        "properties": {"items": {"type": "array", "items": {
            "type": "object", "required": ["member", "score", "reason"], "additionalProperties": False,
            "properties": {"member": ref("PeerMember"), "score": {"type": "integer"},
                           "reason": {"type": "string", "description": "Why: shared conditions, topics, "
                                                                       "support and time zone."}}}}},
    },
    "PeerConnections": {
        "type": "object", "required": ["connections", "incoming", "outgoing"], "additionalProperties": False,
        "properties": {name: {"type": "array", "items": ref("PeerMember")}
                       for name in ("connections", "incoming", "outgoing")},
    },
    "PeerConnectionStatus": {
        "type": "object", "required": ["status"], "additionalProperties": False,
        "properties": {"status": {"enum": ["pending", "accepted"]}},
    },
    "PeerEntry": {
        "type": "object", "additionalProperties": False,
        "description": "A check-in as the viewer may see it. When its author kept the note private, `note` is "
                       "null, `note_hidden` true, and tags and medications are empty (scores and symptoms only).",
        "required": ["id", "author", "relation", "occurred_at", "timezone", "local_date", "local_time", "readable",
                     *(m.key for m in MEASURES), "symptoms", "tags", "medications", "note",
                     "note_hidden", "reactions", "comment_count"],
        "properties": {
            **{key: CHECKIN[key] for key in ("id", "occurred_at", "timezone", "local_date", "local_time",
                                             "readable", *ANSWER_KEYS, "symptoms", "tags", "medications")},
            "author": ref("PeerMember"),
            "relation": {"enum": ["owner", "peer"]},
            "note": nullable({"type": "string", "maxLength": scales.NOTE_MAX}),
            "note_hidden": {"type": "boolean"},
            "reactions": {"type": "array", "items": {
                "type": "object", "required": ["kind", "label", "count", "mine"], "additionalProperties": False,
                "properties": {"kind": {"enum": list(REACTIONS)}, "label": {"type": "string"},
                               "count": {"type": "integer", "minimum": 0}, "mine": {"type": "boolean"}}}},
            "comment_count": {"type": "integer", "minimum": 0},
            "comments": {"type": "array", "items": ref("PeerComment"),
                         "description": "Only on GET /api/v1/peers/entries/{entry_id}."},
        },
    },
    "PeerFeed": {
        "type": "object", "required": ["items", "next_cursor"], "additionalProperties": False,
        "properties": {"items": {"type": "array", "items": ref("PeerEntry")},
                       "next_cursor": nullable({"type": "string"})},
    },
    "PeerComment": {
        "type": "object", "additionalProperties": False,
        "required": ["id", "author", "body", "readable", "created_at", "edited", "mine", "may_delete"],
        "properties": {
            "id": ID, "author": ref("PeerMember"),
            "body": nullable({"type": "string", "maxLength": comments.COMMENT_MAX}),
            "readable": {"type": "boolean"}, "created_at": {"type": "string", "format": "date-time"},
            "edited": {"type": "boolean"}, "mine": {"type": "boolean"}, "may_delete": {"type": "boolean"},
            "crisis_support": {"type": "boolean", "description": "Only in the writer's own create/edit response: "
                               "true when the text matched crisis language; show the writer /help's resources."},
        },
    },
    "PeerCommentInput": {
        "type": "object", "required": ["body"], "additionalProperties": False,
        "properties": {"body": {"type": "string", "minLength": 1, "maxLength": comments.COMMENT_MAX},
                       "accept_guidelines": {"type": "boolean", "description": "Accept the community guidelines "
                                             "with a first comment (otherwise 409 guidelines_required)."}},
    },
    "PeerReaction": {
        "type": "object", "required": ["kind", "created"], "additionalProperties": False,
        "properties": {"kind": {"enum": list(REACTIONS)}, "created": {"type": "boolean"}},
    },
    "PeerNotifications": {
        "type": "object", "required": ["unread", "items"], "additionalProperties": False,
        "properties": {"unread": {"type": "integer", "minimum": 0}, "items": {"type": "array", "items": {
            "type": "object", "additionalProperties": False,
            "required": ["id", "kind", "text", "url", "created_at", "unread", "moderator_note"],
            "properties": {"id": {"type": "integer"}, "kind": {"type": "string"}, "text": {"type": "string"},
                           "url": {"type": "string"}, "created_at": {"type": "string", "format": "date-time"},
                           "unread": {"type": "boolean"}, "moderator_note": nullable({"type": "string"})}}}},
    },
    "PeerReportInput": {
        "type": "object", "required": ["kind", "target_id", "reason"], "additionalProperties": False,
        "properties": {"kind": {"enum": list(moderation.KINDS)}, "target_id": ID,
                       "reason": {"enum": list(REPORT_REASONS)},
                       "details": {"type": "string", "maxLength": moderation.DETAILS_MAX}},
    },
    "PeerReport": {
        "type": "object", "required": ["id", "status"], "additionalProperties": False,
        "properties": {"id": ID, "status": {"enum": ["open", "dismissed", "actioned"]}},
    },
    "PeerMemberRef": {
        "type": "object", "required": ["member_id"], "additionalProperties": False,
        "properties": {"member_id": ID},
    },
}


def _body(schema_name: str) -> dict:
    return {"required": True, "content": {"application/json": {"schema": ref(schema_name)}}}


def _op(summary: str, op_id: str, responses: dict, **extra) -> dict:
    return {"summary": summary, "operationId": op_id, "tags": ["Peers"], "responses": responses, **extra}


NO_CONTENT = {"204": {"description": "Done."}}
ENTRY_ID = {"name": "entry_id", "in": "path", "required": True, "schema": ID}
MEMBER_ID = {"name": "member_id", "in": "path", "required": True, "schema": ID}
COMMENT_ID = {"name": "comment_id", "in": "path", "required": True, "schema": ID}
KIND = {"name": "kind", "in": "path", "required": True, "schema": {"enum": list(REACTIONS)}}
# 409 profile_required: the member has not turned peer support on.
READ_ERRORS = (401, 403, 409)
WRITE_ERRORS = (400, 401, 403, 404, 409, 413, 415, 422, 429)

PATHS = {
    "/api/v1/peers/profile": {
        "get": _op("My peer profile (a blank one before I opt in)", "get_peer_profile",
                   {"200": json_response("PeerProfile", "My profile."), **errors(401, 403)}),
        "put": _op("Opt in, update my profile, or opt out", "put_peer_profile",
                   {"200": json_response("PeerProfile", "Saved."), **errors(400, 401, 403, 413, 415, 422)},
                   security=WRITE, requestBody=_body("PeerProfileInput")),
    },
    "/api/v1/peers/guidelines": {
        "post": _op("Accept the community guidelines", "accept_peer_guidelines",
                    {**NO_CONTENT, **errors(400, 401, 403, 409)}, security=WRITE),
    },
    "/api/v1/peers/suggestions": {
        "get": _op("Suggested peers, best first, each with the reason", "list_peer_suggestions",
                   {"200": json_response("PeerSuggestions", "Suggestions."), **errors(*READ_ERRORS)}),
    },
    "/api/v1/peers/connections": {
        "get": _op("My connections and waiting requests", "list_peer_connections",
                   {"200": json_response("PeerConnections", "Connections."), **errors(*READ_ERRORS)}),
        "post": _op("Ask to connect (accepts instead if they already asked me)", "request_peer_connection",
                    {"201": json_response("PeerConnectionStatus", "Requested (or connected)."),
                     **errors(*WRITE_ERRORS)},
                    security=WRITE, requestBody=_body("PeerMemberRef")),
    },
    "/api/v1/peers/connections/{member_id}/accept": {
        "parameters": [MEMBER_ID],
        "post": _op("Accept a request", "accept_peer_connection",
                    {"200": json_response("PeerConnectionStatus", "Connected."), **errors(*WRITE_ERRORS)},
                    security=WRITE),
    },
    "/api/v1/peers/connections/{member_id}/decline": {
        "parameters": [MEMBER_ID],
        "post": _op("Decline a request (they are not told; not suggested again for 30 days)",
                    "decline_peer_connection", {**NO_CONTENT, **errors(*WRITE_ERRORS)}, security=WRITE),
    },
    "/api/v1/peers/connections/{member_id}": {
        "parameters": [MEMBER_ID],
        "delete": _op("Disconnect, or withdraw my request (they are not told why)", "delete_peer_connection",
                      {**NO_CONTENT, **errors(*WRITE_ERRORS)}, security=WRITE),
    },
    "/api/v1/peers/blocks": {
        "post": _op("Block a member: the connection ends and each becomes invisible to the other", "block_peer",
                    {**NO_CONTENT, **errors(*WRITE_ERRORS)}, security=WRITE, requestBody=_body("PeerMemberRef")),
    },
    "/api/v1/peers/blocks/{member_id}": {
        "parameters": [MEMBER_ID],
        "delete": _op("Unblock (does not reconnect)", "unblock_peer", {**NO_CONTENT, **errors(*WRITE_ERRORS)},
                      security=WRITE),
    },
    "/api/v1/peers/members/{member_id}/nudge": {
        "parameters": [MEMBER_ID],
        "post": _op("Send “thinking of you” to a connection (rate-limited; they may have turned these off: 409)",
                    "nudge_peer", {**NO_CONTENT, **errors(*WRITE_ERRORS)}, security=WRITE),
    },
    "/api/v1/peers/feed": {
        "get": _op("Check-ins my connections shared with peers, newest first", "peer_feed",
                   {"200": json_response("PeerFeed", "A page."), **errors(400, *READ_ERRORS)},
                   parameters=[{"name": "cursor", "in": "query", "schema": {"type": "string"},
                                "description": "`next_cursor` from the previous page."}]),
    },
    "/api/v1/peers/entries/{entry_id}": {
        "parameters": [ENTRY_ID],
        "get": _op("One shared check-in (mine, or a connection's) with its conversation", "get_peer_entry",
                   {"200": json_response("PeerEntry", "The check-in as I may see it."), **errors(401, 403, 404)}),
    },
    "/api/v1/peers/entries/{entry_id}/comments": {
        "parameters": [ENTRY_ID],
        "post": _op("Reply to a shared check-in (409 guidelines_required before a first reply)",
                    "add_peer_comment", {"201": json_response("PeerComment", "The reply."), **errors(*WRITE_ERRORS)},
                    security=WRITE, requestBody=_body("PeerCommentInput")),
    },
    "/api/v1/peers/comments/{comment_id}": {
        "parameters": [COMMENT_ID],
        "patch": _op("Edit my reply", "edit_peer_comment",
                     {"200": json_response("PeerComment", "The reply."), **errors(*WRITE_ERRORS)}, security=WRITE,
                     requestBody=_body("PeerCommentInput")),
        "delete": _op("Delete my reply, or any reply on my own check-in", "delete_peer_comment",
                      {**NO_CONTENT, **errors(*WRITE_ERRORS)}, security=WRITE),
    },
    "/api/v1/peers/entries/{entry_id}/reactions": {
        "parameters": [ENTRY_ID],
        "post": _op("Send a one-tap reaction (one per person, kind and check-in)", "add_peer_reaction",
                    {"201": json_response("PeerReaction", "Sent."),
                     "200": json_response("PeerReaction", "Already sent."), **errors(*WRITE_ERRORS)}, security=WRITE,
                    requestBody={"required": True, "content": {"application/json": {"schema": {
                        "type": "object", "required": ["kind"], "additionalProperties": False,
                        "properties": {"kind": {"enum": list(REACTIONS)}}}}}}),
    },
    "/api/v1/peers/entries/{entry_id}/reactions/{kind}": {
        "parameters": [ENTRY_ID, KIND],
        "delete": _op("Take back my reaction", "remove_peer_reaction", {**NO_CONTENT, **errors(*WRITE_ERRORS)},
                      security=WRITE),
    },
    "/api/v1/peers/notifications": {
        "get": _op("My notifications, newest first, with the unread count", "list_peer_notifications",
                   {"200": json_response("PeerNotifications", "Notifications."), **errors(401, 403)}),
    },
    "/api/v1/peers/notifications/read": {
        "post": _op("Mark all my notifications read", "read_peer_notifications",
                    {**NO_CONTENT, **errors(400, 401, 403)}, security=WRITE),
    },
    "/api/v1/peers/reports": {
        "post": _op("Report a check-in, a reply or a member to the moderators", "file_peer_report",
                    {"201": json_response("PeerReport", "Filed (or the same open report)."), **errors(*WRITE_ERRORS)},
                    security=WRITE, requestBody=_body("PeerReportInput")),
    },
}
