"""Clinician sharing over JSON: a clinician's patients and their entries in scope; a member's grants
(list, invite, change, revoke) and access log. Documented in clinicians/apispec.py."""
from __future__ import annotations

from flask import Blueprint, jsonify, request, url_for
from flask_login import current_user

from journal import database, timekeeping
from journal.clinicians import accesslog, patients, services
from journal.clinicians.models import ClinicianGrant
from journal.domain import ValidationError
from journal.entries import checkin_json
from journal.errors import api_error
from journal.extensions import utcnow
from journal.jsonapi import iso, json_body, query_int
from journal.security import JOURNAL_KEEPERS, own_or_404, roles_only

bp = Blueprint("clinicians_api", __name__)

MAX_PAGE = 100


clinician_api = roles_only("clinician", api_message="Clinician accounts only.")
keeper_api = roles_only(JOURNAL_KEEPERS, api_message="Members only.")  # members keep a journal to share




# --- The clinician's side -----------------------------------------------------------------------------


@bp.get("/clinician/patients")
@clinician_api
def list_patients():
    return jsonify({"items": [{
        "id": str(row.patient.grant.id), "name": row.patient.name, "scope": row.patient.grant.scope,
        "range_start": iso(row.patient.grant.range_start), "range_end": iso(row.patient.grant.range_end),
        "access_ends_at": iso(row.patient.grant.ends_at),
        "last_checkin_date": iso(row.last.local_date) if row.last else None,
        "signals": [{"code": s.code, "title": s.title, "explanation": s.explanation} for s in row.signals],
    } for row in patients.patient_rows(current_user)]})


def shared_json(view) -> dict:
    body = checkin_json(view)
    body.pop("audience")
    return body


@bp.get("/clinician/patients/<grant_id>/checkins")
@database.writes  # the look goes into the patient's access log
@clinician_api
def patient_checkins(grant_id):
    patient = patients.patient_or_404(current_user, grant_id)
    errors = {}
    date_from, date_to = (services.parse_day(request.args.get(name), name, errors) for name in ("from", "to"))
    errors |= {name: "Use a date like 2026-03-12." for name in ("from", "to") if request.args.get(name) == ""}
    # Not `type=int`: that quietly reads "abc" (or "") as the default instead of refusing it.
    limit = query_int("limit", 30, 1, MAX_PAGE, errors)
    if errors:
        return api_error(400, fields=errors)
    try:
        views, next_cursor = patients.entries_page(patient, date_from=date_from, date_to=date_to,
                                                   cursor=request.args.get("cursor"), limit=limit)
    except ValueError:
        return api_error(400, fields={"cursor": "Not a cursor from this API."})
    accesslog.record_look(patient.grant, current_user, "entries", views)
    return jsonify({"items": [shared_json(v) for v in views], "next_cursor": next_cursor})


# --- The member's side ----------------------------------------------------------------------------------


def grant_json(summary: services.GrantSummary) -> dict:
    grant = summary.grant
    return {
        "id": str(grant.id), "status": summary.status, "scope": grant.scope,
        "range_start": iso(grant.range_start), "range_end": iso(grant.range_end),
        "last_access_day": iso(summary.last_day), "shown_name": summary.shown_name, "label": summary.label,
        "clinician": None if summary.clinician_name is None else {
            "name": summary.clinician_name, "profession": summary.profession,
            "organisation": summary.organisation},
        "code_expires_at": iso(grant.code_expires_at), "redeemed_at": iso(grant.redeemed_at),
        "revoked_at": iso(grant.revoked_at), "created_at": iso(grant.created_at),
    }


def _described(grant: ClinicianGrant) -> dict:
    return grant_json(services.describe_grant(grant, current_user, utcnow()))


def _current_terms(grant: ClinicianGrant) -> dict:
    terms = services.terms_of(grant, current_user)
    return {"scope": terms.scope, "range_start": iso(terms.range_start), "range_end": iso(terms.range_end),
            "ends_on": iso(terms.ends_on), "real_name": terms.real_name, "label": terms.label}


def _terms_from_json(current: dict | None = None):
    """Terms from the JSON body; for a PATCH, fields not sent keep their `current` values."""
    body, error = json_body()
    if error:
        return None, error
    raw = {**(current or {}), **body}
    if raw.get("ends_on") is None and "ends_on" in raw:
        raw["access"] = "until_revoked"
    raw["name"] = "real" if raw.get("real_name") else "pseudonym"
    try:
        return services.parse_terms(raw, today=timekeeping.today_in(current_user.timezone)), None
    except ValidationError as exc:
        return None, api_error(422, "invalid", exc.message, exc.fields)


@bp.get("/sharing/clinicians")
@keeper_api
def list_grants():
    now = utcnow()
    return jsonify({"items": [grant_json(services.describe_grant(g, current_user, now))
                              for g in services.grants_of_owner(current_user)]})


@bp.post("/sharing/clinicians")
@keeper_api
def create_grant():
    terms, error = _terms_from_json()
    if error:
        return error
    grant, code = services.create_invitation(current_user, terms)
    return jsonify({"grant": _described(grant), "code": code,
                    "link": url_for("clinicians.redeem", code=code, _external=True)}), 201


@bp.patch("/sharing/clinicians/<grant_id>")
@keeper_api
def update_grant(grant_id):
    grant = own_or_404(ClinicianGrant, grant_id)
    if services.status_of(grant, utcnow()) not in ("active", "pending"):
        return api_error(409, message="This access has ended; send a new invitation instead.")
    terms, error = _terms_from_json(_current_terms(grant))
    if error:
        return error
    services.update_terms(current_user, grant, terms)
    return jsonify(_described(grant))


@bp.post("/sharing/clinicians/<grant_id>/revoke")
@keeper_api
def revoke_grant(grant_id):
    grant = own_or_404(ClinicianGrant, grant_id)
    services.revoke(grant)
    return jsonify(_described(grant))


@bp.get("/sharing/access-log")
@keeper_api
def access_log():
    return jsonify({"items": [{
        "viewer_name": row.viewer_name, "viewer_role": row.viewer_role, "action": row.action,
        "entry_count": row.entry_count, "first_day": iso(row.first_day), "last_day": iso(row.last_day),
        "at": iso(row.created_at), "description": line,
    } for row, line in accesslog.log_lines(current_user)]})
