"""The clinician's pages: profile, redeeming an invitation, patient list, a patient's dashboard,
entries, one entry with a private note, "since last visit", and exports. Every look at a patient's
entries is written to that patient's access log before the page is shown."""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from functools import wraps

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select, tuple_

from journal import database
from journal.audit import AccessLogEntry
from journal.auth.models import User
from journal.auth.services import data_key_for
from journal.clinicians import bp, exports, fhir, services, trends
from journal.clinicians.accesslog import record_look
from journal.clinicians.charts import Period, line_chart, strip_chart
from journal.clinicians.forms import NoteForm, ProfileForm, RedeemForm
from journal.clinicians.models import ClinicianGrant
from journal.entries import services as entry_services
from journal.entries import timekeeping, tracking
from journal.entries.models import Checkin, CheckinSymptom, CheckinTag
from journal.entries.validation import ValidationError
from journal.extensions import db, limiter, utcnow
from journal.push import events
from journal.security import entry_access, parse_id

PERIODS = (7, 30, 90)
ENTRIES_PAGE = 30


def clinician_required(view):
    """Clinician accounts only; members who open these pages get 403."""

    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if current_user.role != "clinician":
            abort(403)
        return view(*args, **kwargs)

    return wrapper


@dataclass
class Patient:
    grant: ClinicianGrant
    owner: User
    name: str
    today: date


def patient_or_404(grant_id) -> Patient:
    """The current clinician's live grant, re-read on every request: revoked or ended is a 404."""
    grant = services.active_grant(current_user.id, parse_id(grant_id))
    if grant is None:
        abort(404)
    owner = grant.owner
    return Patient(grant, owner, services.shown_name(grant), services.reference_day(grant, owner))


def _period(patient: Patient, days: int) -> Period:
    return Period(patient.today - timedelta(days=days - 1), patient.today)


def _days_arg(default: int = 30) -> int:
    days = request.args.get("days", type=int)
    return days if days in PERIODS else default


def _date_arg(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def _scope_note(grant: ClinicianGrant) -> str:
    return " shared with clinicians" if grant.scope == "shared" else " in the shared range"


# --- Profile and redemption ------------------------------------------------------------------------


@bp.route("/profile", methods=["GET", "POST"])
@clinician_required
def profile():
    existing = services.profile_of(current_user.id)
    form = ProfileForm(obj=existing)
    if form.validate_on_submit():
        services.save_profile(current_user, form.profession.data, form.organisation.data)
        db.session.commit()
        flash("Profile saved. Patients see your name, profession and organisation.", "success")
        return redirect(url_for("clinicians.index"))
    return render_template("clinicians/profile.html", form=form, first_time=existing is None), \
        400 if form.errors else 200


def _redeem_user_key() -> str:
    return f"redeem-user:{current_user.id}" if current_user.is_authenticated else "redeem-anon"


@bp.route("/redeem", methods=["GET", "POST"])
@clinician_required
@limiter.limit(lambda: current_app.config["RATELIMIT_REDEEM_IP"], methods=["POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_REDEEM_ACCOUNT"], methods=["POST"], key_func=_redeem_user_key)
def redeem():
    if services.profile_of(current_user.id) is None:
        flash("First tell your patients who you are.", "info")
        return redirect(url_for("clinicians.profile", next=request.full_path))
    # Opening the link only fills the form: a link preview or mail scanner must not use up the code.
    form = RedeemForm(code=request.args.get("code", ""))
    if form.validate_on_submit():
        try:
            grant = services.redeem(current_user, form.code.data)
        except services.GrantError as exc:
            db.session.rollback()
            form.code.errors.append(str(exc))
        else:
            events.notify(grant.owner_id, "clinician_joined", url_for("sharing_clinicians.index"))
            db.session.commit()
            flash(f"You can now see what {services.shown_name(grant)} shares with you.", "success")
            return redirect(url_for("clinicians.patient", grant_id=grant.id))
    return render_template("clinicians/redeem.html", form=form), 400 if form.errors else 200


# --- Patient list -----------------------------------------------------------------------------------


@dataclass
class PatientRow:
    patient: Patient
    last: Checkin | None
    signals: list[trends.Signal]


def patient_rows(clinician: User) -> list[PatientRow]:
    """Each live patient with their last check-in in scope and the signals over the last 35 days."""
    rows = []
    for grant in services.patients_of(clinician):
        owner = grant.owner
        patient = Patient(grant, owner, services.shown_name(grant), services.reference_day(grant, owner))
        window = trends.RECENT_DAYS + trends.BASELINE_DAYS
        views = trends.decrypt_all(owner, services.checkins_in_scope(
            grant, patient.today - timedelta(days=window - 1), patient.today))
        last = services.latest_in_scope(grant)
        signals = trends.signals(views, patient.today, scope_note=_scope_note(grant),
                                 last_day=last.local_date if last else None)
        rows.append(PatientRow(patient, last, signals))
    rows.sort(key=lambda r: (-len(r.signals), r.patient.name.casefold()))
    return rows


@bp.get("/")
@clinician_required
def index():
    if services.profile_of(current_user.id) is None:
        return redirect(url_for("clinicians.profile"))
    return render_template("clinicians/index.html", rows=patient_rows(current_user),
                           profile=services.profile_of(current_user.id))


# --- One patient ------------------------------------------------------------------------------------


def _signals(patient: Patient, loaded) -> list[trends.Signal]:
    last = services.latest_in_scope(patient.grant)
    return trends.signals(loaded, patient.today, scope_note=_scope_note(patient.grant),
                          last_day=last.local_date if last else None)


def _views(patient: Patient, start: date | None, end: date | None):
    return trends.decrypt_all(patient.owner, services.checkins_in_scope(patient.grant, start, end))


@bp.get("/patients/<grant_id>")
@clinician_required
def patient(grant_id):
    database.begin_writing()
    patient = patient_or_404(grant_id)
    days = _days_arg()
    period = _period(patient, days)
    window = max(days, trends.RECENT_DAYS + trends.BASELINE_DAYS)
    loaded = _views(patient, patient.today - timedelta(days=window - 1), patient.today)
    views = [v for v in loaded if v.local_date >= period.start]
    series = trends.chart_series(views)
    charts = [(s, line_chart(s, period, f"chart-{s.key}")) for s in series]
    tracks = trends.item_tracks(views)
    strip = strip_chart(tracks, period, "chart-items", "Medications and tags") if tracks else None
    record_look(patient.grant, current_user, "dashboard", views)
    db.session.commit()
    return render_template("clinicians/patient.html", patient=patient, days=days, periods=PERIODS, period=period,
                           views=views, charts=charts, tracks=tracks, strip=strip,
                           signals=_signals(patient, loaded), scope_text=services.scope_text(patient.grant))


def _filter_options(patient: Patient):
    """Symptoms and tags that occur in in-scope entries (ids from the link tables, names decrypted)."""
    in_scope = select(Checkin.id).where(services.scope_clause(patient.grant))
    symptom_ids = set(db.session.scalars(select(CheckinSymptom.symptom_id)
                                         .where(CheckinSymptom.checkin_id.in_(in_scope)).distinct()))
    tag_ids = set(db.session.scalars(select(CheckinTag.tag_id).where(CheckinTag.checkin_id.in_(in_scope)).distinct()))
    catalog = tracking.load_catalog(patient.owner)
    by_name = lambda item: item[1].casefold()  # noqa: E731
    return (sorted(((i, catalog.name(i)) for i in symptom_ids), key=by_name),
            sorted(((i, catalog.name(i)) for i in tag_ids), key=by_name), catalog)


def _uuid_arg(name: str, allowed) -> uuid.UUID | None:
    try:
        value = uuid.UUID(request.args.get(name, ""))
    except ValueError:
        return None
    return value if value in {i for i, _ in allowed} else None


def entries_page(patient: Patient, *, date_from, date_to, symptom_id=None, tag_id=None, cursor=None,
                 limit=ENTRIES_PAGE, catalog=None):
    """A newest-first page of in-scope entries with filters (keyset-paginated), decrypted."""
    query = select(Checkin).where(services.scope_clause(patient.grant))
    if date_from:
        query = query.where(Checkin.local_date >= date_from)
    if date_to:
        query = query.where(Checkin.local_date <= date_to)
    if symptom_id:
        query = query.where(Checkin.id.in_(select(CheckinSymptom.checkin_id)
                                           .where(CheckinSymptom.symptom_id == symptom_id)))
    if tag_id:
        query = query.where(Checkin.id.in_(select(CheckinTag.checkin_id).where(CheckinTag.tag_id == tag_id)))
    if cursor:
        at, last_id = entry_services.decode_cursor(cursor)
        query = query.where(tuple_(Checkin.occurred_at, Checkin.id) < tuple_(at, last_id))
    rows = db.session.scalars(query.order_by(Checkin.occurred_at.desc(), Checkin.id.desc()).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    key = data_key_for(patient.owner)
    catalog = catalog or tracking.load_catalog(patient.owner)
    return ([entry_services.view_of(row, key, catalog) for row in rows],
            entry_services.encode_cursor(rows[-1]) if more else None)


@bp.get("/patients/<grant_id>/entries")
@clinician_required
def entries(grant_id):
    database.begin_writing()
    patient = patient_or_404(grant_id)
    symptoms, tags, catalog = _filter_options(patient)
    filters = {"symptom": _uuid_arg("symptom", symptoms), "tag": _uuid_arg("tag", tags),
               "from": _date_arg("from"), "to": _date_arg("to")}
    try:
        views, next_cursor = entries_page(patient, date_from=filters["from"], date_to=filters["to"],
                                          symptom_id=filters["symptom"], tag_id=filters["tag"],
                                          cursor=request.args.get("before"), catalog=catalog)
    except ValueError:
        return redirect(url_for("clinicians.entries", grant_id=grant_id))
    record_look(patient.grant, current_user, "entries", views)
    db.session.commit()
    filter_args = {k: v for k, v in request.args.items() if k in ("symptom", "tag", "from", "to") and v}
    return render_template("clinicians/entries.html", patient=patient, views=views, next_cursor=next_cursor,
                           symptoms=symptoms, tags=tags, filters=filters, filter_args=filter_args,
                           unreadable=entry_services.UNREADABLE)


def _entry_or_404(patient: Patient, entry_id) -> Checkin:
    checkin = db.session.get(Checkin, parse_id(entry_id))
    if checkin is None or checkin.owner_id != patient.grant.owner_id or not patient.grant.covers(checkin) \
            or entry_access(current_user, checkin) is None:
        abort(404)
    return checkin


@bp.route("/patients/<grant_id>/entries/<entry_id>", methods=["GET", "POST"])
@clinician_required
def entry(grant_id, entry_id):
    if request.method == "GET":
        database.begin_writing()
    patient = patient_or_404(grant_id)
    checkin = _entry_or_404(patient, entry_id)
    view = trends.decrypt_all(patient.owner, [checkin])[0]
    note = services.note_for(current_user.id, checkin)
    form = NoteForm(body=services.note_text(note) if note else "")
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                saved = services.save_note(current_user, checkin, form.body.data)
            except ValidationError as exc:
                db.session.rollback()
                form.body.errors.append(exc.fields["body"])
            else:
                db.session.commit()
                flash("Note saved. Only you and your patient can read it." if saved else "Note deleted.", "success")
                return redirect(url_for("clinicians.entry", grant_id=grant_id, entry_id=entry_id))
        status = 400
    else:
        record_look(patient.grant, current_user, "entry", [view])
        db.session.commit()
    return render_template("clinicians/entry.html", patient=patient, entry=view, form=form, note=note,
                           unreadable=entry_services.UNREADABLE), status


def last_visit_day(patient: Patient, viewer: User) -> date | None:
    """The last local day before today on which this clinician looked at this patient."""
    tz_name = patient.owner.timezone
    start_of_today = timekeeping.day_bounds(timekeeping.today_in(tz_name), tz_name)[0]
    at = db.session.scalar(select(AccessLogEntry.created_at).where(
        AccessLogEntry.owner_id == patient.grant.owner_id, AccessLogEntry.viewer_id == viewer.id,
        AccessLogEntry.created_at < start_of_today).order_by(AccessLogEntry.created_at.desc()).limit(1))
    return None if at is None else timekeeping.local_day(at, patient.owner.timezone)


@bp.get("/patients/<grant_id>/summary")
@clinician_required
def summary(grant_id):
    database.begin_writing()
    patient = patient_or_404(grant_id)
    last_visit = last_visit_day(patient, current_user)
    since = _date_arg("since") or last_visit or patient.today - timedelta(days=29)
    since = min(since, patient.today)
    span = (patient.today - since).days + 1
    loaded = _views(patient, since - timedelta(days=span), patient.today)
    inside = [v for v in loaded if v.local_date >= since]
    result = trends.summarize(loaded, since, patient.today)
    period = Period(since, patient.today)
    charts = [(s, line_chart(s, period, f"sum-{s.key}")) for s in trends.chart_series(inside)[:3]]
    record_look(patient.grant, current_user, "entries", inside)
    db.session.commit()
    return render_template("clinicians/summary.html", patient=patient, summary=result, last_visit=last_visit,
                           charts=charts, signals=_signals(patient, loaded))


# --- Exports ------------------------------------------------------------------------------------------


def export_range(today: date) -> tuple[date | None, date | None]:
    """?from= & ?to=, or ?days=7|30|90, or everything in scope."""
    days = request.args.get("days", type=int)
    if days in PERIODS:
        return today - timedelta(days=days - 1), today
    return _date_arg("from"), _date_arg("to")


def _filename(name: str, kind: str, ext: str) -> str:
    safe = "".join(c if c.isalnum() else "-" for c in name).strip("-")[:40] or "patient"
    return f"{safe}-{kind}-{utcnow():%Y%m%d}.{ext}"


@bp.get("/patients/<grant_id>/export.csv")
@clinician_required
def export_csv(grant_id):
    database.begin_writing()
    patient = patient_or_404(grant_id)
    views = _views(patient, *export_range(patient.today))
    record_look(patient.grant, current_user, "export_csv", views)
    db.session.commit()
    return exports.attachment(exports.checkins_csv(views), _filename(patient.name, "checkins", "csv"),
                              "text/csv; charset=utf-8")


@bp.get("/patients/<grant_id>/export.fhir.json")
@clinician_required
def export_fhir(grant_id):
    database.begin_writing()
    patient = patient_or_404(grant_id)
    views = _views(patient, *export_range(patient.today))
    record_look(patient.grant, current_user, "export_fhir", views)
    db.session.commit()
    body = json.dumps(fhir.bundle(views, patient.name, str(patient.grant.id), utcnow()), ensure_ascii=False)
    return exports.attachment(body, _filename(patient.name, "fhir", "json"), fhir.MIMETYPE)


@bp.get("/patients/<grant_id>/report")
@clinician_required
def report(grant_id):
    database.begin_writing()
    patient = patient_or_404(grant_id)
    days = _days_arg()
    period = _period(patient, days)
    views = _views(patient, period.start, period.end)
    record_look(patient.grant, current_user, "report", views)
    db.session.commit()
    return exports.render_report(views=views, period=period, name=patient.name, days=days,
                         subtitle=services.scope_text(patient.grant),
                         download=request.args.get("download") == "1",
                         self_url=url_for("clinicians.report", grant_id=grant_id, days=days),
                                 back_url=url_for("clinicians.patient", grant_id=grant_id, days=days))
