"""The journal's JSON API under /api/v1: check-ins and what the member tracks (documented in openapi.py)."""
from __future__ import annotations

import uuid

from flask import Blueprint, current_app, jsonify, request, url_for
from flask_login import current_user

from journal import crisis
from journal.checkins import measures_json
from journal.domain import ValidationError
from journal.entries import services, tracking
from journal.entries.models import Checkin
from journal.entries.validation import parse_checkin
from journal.errors import api_error
from journal.extensions import utcnow
from journal.jsonapi import iso, json_body, query_int
from journal.keys import key_for
from journal.security import JOURNAL_KEEPERS, own_or_404, roles_only

bp = Blueprint("entries_api", __name__)

MAX_PAGE = 100


journal_api = roles_only(JOURNAL_KEEPERS, api_message="Clinician accounts do not keep a journal.")


def checkin_json(view: services.CheckinView) -> dict:
    return {
        "id": str(view.id),
        "occurred_at": iso(view.occurred_at),
        "timezone": view.timezone,
        "local_date": view.local_date.isoformat(),
        "local_time": view.local.strftime("%H:%M"),
        "readable": view.readable,
        **measures_json(view),
        "symptoms": [{"id": str(s.id), "name": s.name, "severity": s.severity, "severity_label": s.label}
                     for s in view.symptoms],
        "tags": [{"id": str(t), "name": name} for t, name in view.tags],
        "medications": [{"id": str(m), "name": name, "dose": dose} for m, name, dose in view.medications],
        "note": view.note if view.readable else None,
        "audience": {"peers": view.share_peers, "clinicians": view.share_clinicians,
                     "hide_note_from_peers": view.hide_note_from_peers},
        "created_at": iso(view.created_at),
        "updated_at": iso(view.updated_at),
    }


def _answer(checkin: Checkin, data=None) -> dict:
    """The check-in as JSON; `data` (what was just saved) lets a check-in naming nothing skip the catalog."""
    catalog = tracking.EMPTY_CATALOG if data is not None and not services.references_anything(data) \
        else tracking.load_catalog(current_user)
    return checkin_json(services.view_of(checkin, key_for(current_user), catalog))


def _validation_error(exc: ValidationError):
    return api_error(422, "invalid", exc.message, exc.fields)


def _idempotency_key() -> tuple[str | None, object]:
    raw = request.headers.get("Idempotency-Key")
    if raw is None:
        return None, None
    try:
        return str(uuid.UUID(raw.strip().strip('"'))), None
    except ValueError:
        return None, api_error(400, "invalid_idempotency_key", "Idempotency-Key must be a UUID.",
                               {"Idempotency-Key": "Use a client-generated UUID."})


@bp.get("/checkins")
@journal_api
def list_checkins():
    args = request.args
    errors = {}
    limit = query_int("limit", services.PAGE_SIZE, 1, MAX_PAGE, errors)
    filters, filter_errors = services.TimelineFilters.from_query(args)
    errors.update(filter_errors)
    if errors:
        return api_error(400, "invalid_query", "Some query parameters are not valid.", errors)
    try:
        page = services.list_checkins(current_user, filters=filters, cursor=args.get("cursor"), limit=limit,
                                      with_times=True)
    except ValueError:
        return api_error(400, "invalid_cursor", "That cursor is not valid.", {"cursor": "Use next_cursor."})
    return jsonify({"items": [checkin_json(v) for v in page.entries], "next_cursor": page.next_cursor})


@bp.post("/checkins")
@journal_api
def create_checkin():
    key, error = _idempotency_key()
    if error:
        return error
    body, error = json_body()
    if error:
        return error
    try:
        data = parse_checkin(body, default_timezone=current_user.timezone, now=utcnow())
        if key is None:
            checkin, replayed = services.create_checkin(current_user, data), False
        else:
            checkin, replayed = services.create_checkin_idempotent(
                current_user, key, request.get_data(), data, now=utcnow(),
                key_lifetime=current_app.config["IDEMPOTENCY_KEY_TTL"])
    except ValidationError as exc:
        return _validation_error(exc)
    except services.IdempotencyConflict as exc:
        return api_error(exc.status, "idempotency_conflict" if exc.status == 409 else "idempotency_key_reused",
                         exc.message)
    if checkin is None:  # replay of a check-in the member has since deleted
        return api_error(404, "not_found", "The check-in created with this Idempotency-Key was deleted.")
    body = _answer(checkin, None if replayed else data)
    if not replayed:  # as the form does (the app saves through this API): the writer's next page offers help
        crisis.offer_support(data.note)
    response = jsonify(body)
    response.status_code = 201
    response.headers["Location"] = url_for("entries_api.get_checkin", entry_id=checkin.id)
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


@bp.get("/checkins/<entry_id>")
@journal_api
def get_checkin(entry_id):
    return jsonify(_answer(own_or_404(Checkin, entry_id)))


@bp.patch("/checkins/<entry_id>")
@journal_api
def update_checkin(entry_id):
    checkin = own_or_404(Checkin, entry_id)
    body, error = json_body()
    if error:
        return error
    view = services.view_of(checkin, key_for(current_user), tracking.load_catalog(current_user))
    if not view.readable:
        return api_error(409, "unreadable", services.UNREADABLE + " It can be deleted, not edited.")
    try:
        data = parse_checkin({**services.raw_of(view), **body}, default_timezone=checkin.timezone, now=utcnow())
        services.update_checkin(current_user, checkin, data)
    except ValidationError as exc:
        return _validation_error(exc)
    return jsonify(_answer(checkin))


@bp.delete("/checkins/<entry_id>")
@journal_api
def delete_checkin(entry_id):
    services.delete_checkin(own_or_404(Checkin, entry_id))
    return "", 204


# --- Symptoms, tags and medications share one shape -----------------------------------------------


def item_json(kind: str, item: tracking.CatalogItem) -> dict:
    body = {"id": str(item.id), "name": item.name, "archived": item.archived}
    if kind == "medications":
        body["dose"] = item.dose
        body["as_needed"] = item.as_needed
    return body


def _item_view(kind: str, item_id) -> dict:
    catalog = tracking.load_catalog(current_user)
    return item_json(kind, catalog.by_id[str(item_id)])


def _list_items(kind):
    catalog = tracking.load_catalog(current_user)
    return jsonify({"items": [item_json(kind, item) for item in getattr(catalog, kind)]})


def _add_item(kind):
    body, error = json_body()
    if error:
        return error
    name, dose, as_needed = body.get("name"), body.get("dose"), body.get("as_needed", False)
    if not isinstance(name, str) or (dose is not None and not isinstance(dose, str)):
        return api_error(422, fields={"name": "A name (text) is required."})
    if kind != "medications" and "as_needed" in body:
        return api_error(422, fields={"as_needed": "Only medications are taken as needed."})
    try:
        row = tracking.add_item(current_user, kind, name, dose, as_needed=as_needed)
    except ValidationError as exc:
        return _validation_error(exc)
    return jsonify(_item_view(kind, row.id)), 201


def _update_item(kind, item_id):
    row = own_or_404(tracking.KINDS[kind], item_id)
    body, error = json_body()
    if error:
        return error
    fields = {}
    if "name" in body and not isinstance(body["name"], str):
        fields["name"] = "Text, please."
    if "archived" in body and not isinstance(body["archived"], bool):
        fields["archived"] = "true or false."
    if "dose" in body and (kind != "medications" or not isinstance(body["dose"], str | None)):
        fields["dose"] = "Only medications have a dose (text or null)."
    if "as_needed" in body and (kind != "medications" or not isinstance(body["as_needed"], bool)):
        fields["as_needed"] = "Only medications are taken as needed (true or false)."
    if fields:
        return api_error(422, fields=fields)
    try:
        if {"name", "dose", "as_needed"} & body.keys():
            current = _item_view(kind, row.id)
            tracking.rename_item(current_user, row, body.get("name", current["name"]),
                                 body.get("dose", current.get("dose")), keep_dose=kind != "medications",
                                 as_needed=body.get("as_needed"))
        if "archived" in body:
            tracking.set_archived(current_user, row, body["archived"])
    except ValidationError as exc:
        return _validation_error(exc)
    return jsonify(_item_view(kind, row.id))


for _kind in tracking.KINDS:
    bp.add_url_rule(f"/{_kind}", f"list_{_kind}", journal_api(_list_items), defaults={"kind": _kind})
    bp.add_url_rule(f"/{_kind}", f"add_{_kind}", journal_api(_add_item), defaults={"kind": _kind},
                    methods=["POST"])
    bp.add_url_rule(f"/{_kind}/<item_id>", f"update_{_kind}", journal_api(_update_item),
                    defaults={"kind": _kind}, methods=["PATCH"])
