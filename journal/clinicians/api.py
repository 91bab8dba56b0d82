"""Clinician sharing over JSON: a clinician's patients and their entries in scope; a member's grants
(list, invite, change, revoke) and access log. Documented in clinicians/apispec.py."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, jsonify, request, url_for
from flask_login import current_user, login_required

from journal import database
from journal.clinicians import accesslog, services
from journal.clinicians.models import ClinicianGrant
from journal.clinicians.views import Patient, entries_page
from journal.clinicians.views import patient_rows as _patient_rows
from journal.entries import timekeeping
from journal.entries.api import checkin_json
from journal.entries.validation import ValidationError
from journal.errors import api_error
from journal.extensions import db, utcnow
from journal.security import parse_id

bp = Blueprint("clinicians_api", __name__)

MAX_PAGE = 100


def _iso(value):
    return None if value is None else value.isoformat().replace("+00:00", "Z")


def _role(clinician: bool):
    if not current_user.is_authenticated:
        return None
    if (current_user.role == "clinician") != clinician:
        return api_error(403, message="Clinician accounts only." if clinician else "Members only.")
    return None


# --- The clinician's side -----------------------------------------------------------------------------


@bp.get("/clinician/patients")
@login_required
def list_patients():
    error = _role(clinician=True)
    if error:
        return error
    items = []
    for row in _patient_rows(current_user):
        grant = row.patient.grant
        items.append({
            "id": str(grant.id), "name": row.patient.name, "scope": grant.scope,
            "range_start": grant.range_start.isoformat() if grant.range_start else None,
            "range_end": grant.range_end.isoformat() if grant.range_end else None,
            "access_ends_at": _iso(grant.ends_at),
            "last_checkin_date": row.last.local_date.isoformat() if row.last else None,
            "signals": [{"code": s.code, "title": s.title, "explanation": s.explanation} for s in row.signals],
        })
    return jsonify({"items": items})


def _day(name: str, errors: dict) -> date | None:
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors[name] = "Use a date like 2026-03-12."
        return None


def shared_json(view) -> dict:
    body = checkin_json(view)
    body.pop("audience")
    return body


@bp.get("/clinician/patients/<grant_id>/checkins")
@login_required
def patient_checkins(grant_id):
    error = _role(clinician=True)
    if error:
        return error
    database.begin_writing()
    grant = services.active_grant(current_user.id, parse_id(grant_id))
    if grant is None:
        return api_error(404)
    errors = {}
    date_from, date_to = _day("from", errors), _day("to", errors)
    limit = request.args.get("limit", default=30, type=int)
    if not 1 <= (limit or 0) <= MAX_PAGE:
        errors["limit"] = f"Between 1 and {MAX_PAGE}."
    if errors:
        return api_error(400, fields=errors)
    patient = Patient(grant, grant.owner, services.shown_name(grant), services.reference_day(grant, grant.owner))
    try:
        views, next_cursor = entries_page(patient, date_from=date_from, date_to=date_to,
                                          cursor=request.args.get("cursor"), limit=limit)
    except ValueError:
        return api_error(400, fields={"cursor": "Not a cursor from this API."})
    accesslog.record_look(grant, current_user, "entries", views)
    db.session.commit()
    return jsonify({"items": [shared_json(v) for v in views], "next_cursor": next_cursor})


# --- The member's side ----------------------------------------------------------------------------------


def grant_json(summary: services.GrantSummary) -> dict:
    grant = summary.grant
    return {
        "id": str(grant.id), "status": summary.status, "scope": grant.scope,
        "range_start": grant.range_start.isoformat() if grant.range_start else None,
        "range_end": grant.range_end.isoformat() if grant.range_end else None,
        "last_access_day": summary.last_day.isoformat() if summary.last_day else None,
        "shown_name": summary.shown_name, "label": summary.label,
        "clinician": None if summary.clinician_name is None else {
            "name": summary.clinician_name, "profession": summary.profession,
            "organisation": summary.organisation},
        "code_expires_at": _iso(grant.code_expires_at), "redeemed_at": _iso(grant.redeemed_at),
        "revoked_at": _iso(grant.revoked_at), "created_at": _iso(grant.created_at),
    }


def _own_grant(grant_id) -> ClinicianGrant | None:
    grant = db.session.get(ClinicianGrant, parse_id(grant_id))
    return grant if grant is not None and grant.owner_id == current_user.id else None


def _current_terms(grant: ClinicianGrant) -> dict:
    terms = services.terms_of(grant, current_user)
    return {"scope": terms.scope, "range_start": terms.range_start and terms.range_start.isoformat(),
            "range_end": terms.range_end and terms.range_end.isoformat(),
            "ends_on": terms.ends_on and terms.ends_on.isoformat(), "real_name": terms.real_name,
            "label": terms.label}


def _terms_from_json(current: dict | None = None):
    """Terms from the JSON body; for a PATCH, fields not sent keep their `current` values."""
    if not request.is_json:
        return None, api_error(415)
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return None, api_error(400, "invalid_json", "Send a JSON object.")
    raw = {**(current or {}), **body}
    if raw.get("ends_on") is None and "ends_on" in raw:
        raw["access"] = "until_revoked"
    raw["name"] = "real" if raw.get("real_name") else "pseudonym"
    try:
        return services.parse_terms(raw, today=timekeeping.today_in(current_user.timezone)), None
    except ValidationError as exc:
        return None, api_error(422, "invalid", exc.message, exc.fields)


@bp.get("/sharing/clinicians")
@login_required
def list_grants():
    error = _role(clinician=False)
    if error:
        return error
    now = utcnow()
    return jsonify({"items": [grant_json(services.describe_grant(g, current_user, now))
                              for g in services.grants_of_owner(current_user)]})


@bp.post("/sharing/clinicians")
@login_required
def create_grant():
    error = _role(clinician=False)
    if error:
        return error
    terms, error = _terms_from_json()
    if error:
        return error
    grant, code = services.create_invitation(current_user, terms)
    db.session.commit()
    return jsonify({"grant": grant_json(services.describe_grant(grant, current_user, utcnow())), "code": code,
                    "link": url_for("clinicians.redeem", code=code, _external=True)}), 201


@bp.patch("/sharing/clinicians/<grant_id>")
@login_required
def update_grant(grant_id):
    error = _role(clinician=False)
    if error:
        return error
    grant = _own_grant(grant_id)
    if grant is None:
        return api_error(404)
    if services.status_of(grant, utcnow()) not in ("active", "pending"):
        return api_error(409, message="This access has ended; send a new invitation instead.")
    terms, error = _terms_from_json(_current_terms(grant))
    if error:
        return error
    services.update_terms(current_user, grant, terms)
    db.session.commit()
    return jsonify(grant_json(services.describe_grant(grant, current_user, utcnow())))


@bp.post("/sharing/clinicians/<grant_id>/revoke")
@login_required
def revoke_grant(grant_id):
    error = _role(clinician=False)
    if error:
        return error
    grant = _own_grant(grant_id)
    if grant is None:
        return api_error(404)
    services.revoke(grant)
    db.session.commit()
    return jsonify(grant_json(services.describe_grant(grant, current_user, utcnow())))


@bp.get("/sharing/access-log")
@login_required
def access_log():
    error = _role(clinician=False)
    if error:
        return error
    return jsonify({"items": [{
        "viewer_name": row.viewer_name, "viewer_role": row.viewer_role, "action": row.action,
        "entry_count": row.entry_count, "first_day": row.first_day.isoformat() if row.first_day else None,
        "last_day": row.last_day.isoformat() if row.last_day else None, "at": _iso(row.created_at),
        "description": line,
    } for row, line in accesslog.log_lines(current_user)]})

