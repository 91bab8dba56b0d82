"""The clinician's pages: profile, redeeming an invitation, patient list, a patient's dashboard,
entries, one entry with a private note, "since last visit", and exports. Every look at a patient's
entries is written to that patient's access log before the page is shown."""
from __future__ import annotations

import json
import uuid
from datetime import timedelta

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from journal import database, exports, fhir, reports, series, signals
from journal.auth import PENDING_INVITATION
from journal.charts import Period, last_days, line_chart, strip_chart
from journal.clinicians import bp, patients, services, trends
from journal.clinicians.accesslog import last_look_day, record_look
from journal.clinicians.forms import NoteForm, ProfileForm, RedeemForm
from journal.clinicians.patients import Patient
from journal.domain import ValidationError
from journal.entries import Checkin
from journal.extensions import limiter, utcnow
from journal.forms import REVERSED_DATES
from journal.security import roles_only, safe_next_url, viewable_or_404

SUMMARY_MAX_DAYS = 5 * 366  # "since last visit" reaches back at most about five years


clinician_required = roles_only("clinician")


def _looking_at(grant_id) -> Patient:
    """The patient a page is about to show (and log): the live grant, or 410 when the patient ended it, or
    404. The views that call it are declared @database.writes: the look is written in their transaction,
    committed before the answer leaves."""
    return patients.patient_or_gone(current_user, grant_id)


def _recorded(patient: Patient, action: str, views) -> None:
    """Write this look to the patient's access log; it stands whatever the answer (an error page that
    shows the entry again is a look too)."""
    record_look(patient.grant, current_user, action, views)
    database.keep_writes()


# --- Profile and redemption ------------------------------------------------------------------------


@bp.route("/profile", methods=["GET", "POST"])
@clinician_required
def profile():
    existing = services.profile_of(current_user.id)
    form = ProfileForm(obj=existing)
    if form.validate_on_submit():
        services.save_profile(current_user, form.profession.data, form.organisation.data)
        flash("Profile saved. Patients see your name, profession and organisation.", "success")
        # Sent here from an invitation link: go back to it, so the code is not lost.
        return redirect(safe_next_url(request.args.get("next")) or url_for("clinicians.index"))
    return render_template("clinicians/profile.html", form=form, first_time=existing is None), \
        400 if form.errors else 200


def _redeem_user_key() -> str:
    return f"redeem-user:{current_user.id}" if current_user.is_authenticated else "redeem-anon"


@bp.route("/redeem", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_REDEEM_IP"], methods=["POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_REDEEM_ACCOUNT"], methods=["POST"], key_func=_redeem_user_key)
def redeem():
    # The link's first hop, signed in or not: the code moves into the session and leaves the URL. It waits
    # there through registration, login, email confirmation and two-step set-up (journal/auth/sessions.py
    # carries it across signing in), and fills the form below.
    if request.method == "GET" and request.args.get("code"):
        session[PENDING_INVITATION] = request.args["code"][:200]
        return redirect(url_for("clinicians.redeem"))
    return _redeem()


@clinician_required
def _redeem():
    if services.profile_of(current_user.id) is None:
        flash("First tell your patients who you are.", "info")
        return redirect(url_for("clinicians.profile", next=url_for("clinicians.redeem")))
    # Opening the link only fills the form: a link preview or mail scanner must not use up the code.
    form = RedeemForm(code=session.get(PENDING_INVITATION, ""))
    if form.validate_on_submit():
        try:
            grant = services.redeem(current_user, form.code.data)
        except services.GrantError as exc:
            form.code.errors.append(str(exc))
        else:
            signals.notify_member(user_id=grant.owner_id, event="clinician_joined",
                                  path=url_for("sharing_clinicians.index"))
            session.pop(PENDING_INVITATION, None)
            flash(f"You can now see what {services.shown_name(grant)} shares with you.", "success")
            return redirect(url_for("clinicians.patient", grant_id=grant.id))
    return render_template("clinicians/redeem.html", form=form), 400 if form.errors else 200


# --- Patient list -----------------------------------------------------------------------------------


@bp.get("/")
@clinician_required
def index():
    if session.get(PENDING_INVITATION):  # an invitation is waiting: that is where this clinician was going
        return redirect(url_for("clinicians.redeem"))
    profile = services.profile_of(current_user.id)
    if profile is None:
        return redirect(url_for("clinicians.profile"))
    return render_template("clinicians/index.html", rows=patients.patient_rows(current_user), profile=profile)


# --- One patient ------------------------------------------------------------------------------------


@bp.get("/patients/<grant_id>")
@database.writes
@clinician_required
def patient(grant_id):
    patient = _looking_at(grant_id)
    days = exports.days_arg()
    period = last_days(patient.today, days)
    # One decryption for the charts, their tables and the signals (which look further back).
    loaded = patients.views_in_scope(patient, min(period.start, patients.signal_start(patient)), patient.today)
    views = [v for v in loaded if v.local_date >= period.start]
    charts = [(s, line_chart(s, period, f"chart-{s.key}")) for s in series.chart_series(views)]
    tracks = series.item_tracks(views)
    strip = strip_chart(tracks, period, "chart-items", "Medications and tags") if tracks else None
    _recorded(patient, "dashboard", views)
    return render_template("clinicians/patient.html", patient=patient, days=days, periods=exports.PERIODS,
                           period=period, views=views, charts=charts, tracks=tracks, strip=strip,
                           signals=patients.signals_for(patient, loaded, patients.latest_in_scope(patient.grant)),
                           scope_text=services.scope_text(patient.grant, to_clinician=True))


def _uuid_arg(name: str, allowed) -> uuid.UUID | None:
    """An id from the query string, only if it is one of `allowed` (an option the page offers)."""
    try:
        value = uuid.UUID(request.args.get(name, ""))
    except ValueError:
        return None
    return value if value in {i for i, _ in allowed} else None


@bp.get("/patients/<grant_id>/entries")
@database.writes
@clinician_required
def entries(grant_id):
    patient = _looking_at(grant_id)
    symptoms, tags, catalog = patients.filter_options(patient)
    filters = {"symptom": _uuid_arg("symptom", symptoms), "tag": _uuid_arg("tag", tags),
               "from": exports.date_arg("from"), "to": exports.date_arg("to")}
    filter_args = {k: v for k, v in request.args.items() if k in ("symptom", "tag", "from", "to") and v}
    if filters["from"] and filters["to"] and filters["from"] > filters["to"]:
        return render_template("clinicians/entries.html", patient=patient, views=[], next_cursor=None,
                               symptoms=symptoms, tags=tags, filters=filters, filter_args=filter_args,
                               date_error=REVERSED_DATES), 422
    try:
        views, next_cursor = patients.entries_page(
            patient, date_from=filters["from"], date_to=filters["to"], symptom_id=filters["symptom"],
            tag_id=filters["tag"], cursor=request.args.get("before"), catalog=catalog)
    except ValueError:
        return redirect(url_for("clinicians.entries", grant_id=grant_id))
    _recorded(patient, "entries", views)
    return render_template("clinicians/entries.html", patient=patient, views=views, next_cursor=next_cursor,
                           symptoms=symptoms, tags=tags, filters=filters, filter_args=filter_args)


@bp.route("/patients/<grant_id>/entries/<entry_id>", methods=["GET", "POST"])
@database.writes
@clinician_required
def entry(grant_id, entry_id):
    patient = patients.patient_or_gone(current_user, grant_id)
    checkin, _ = viewable_or_404(Checkin, entry_id)
    if not patient.grant.covers(checkin):  # visible under another grant is not visible under this one
        abort(404)
    view = trends.decrypt_all(patient.owner, [checkin])[0]
    note = services.note_for(current_user.id, checkin)
    form = NoteForm(body=services.note_text(note) if note else "")
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                with database.attempt():  # a refused note leaves nothing behind; the look below stays
                    saved = services.save_note(current_user, checkin, form.body.data)
            except ValidationError as exc:
                form.body.errors.append(exc.fields["body"])
            else:
                flash("Note saved. Only you and your patient can read it." if saved else "Note deleted.", "success")
                return redirect(url_for("clinicians.entry", grant_id=grant_id, entry_id=entry_id))
        status = 400
    # Whatever shows the decrypted entry is a look, the form's error page included.
    _recorded(patient, "entry", [view])
    return render_template("clinicians/entry.html", patient=patient, entry=view, form=form, note=note), status


@bp.get("/patients/<grant_id>/summary")
@database.writes
@clinician_required
def summary(grant_id):
    patient = _looking_at(grant_id)
    last_visit = last_look_day(patient.owner, current_user)
    since = exports.date_arg("since") or last_visit or patient.today - timedelta(days=29)
    since = min(max(since, patient.today - timedelta(days=SUMMARY_MAX_DAYS)), patient.today)
    span = (patient.today - since).days + 1
    # The summary compares with as many days before; the signals need their own five weeks.
    loaded = patients.views_in_scope(patient, min(since - timedelta(days=span), patients.signal_start(patient)),
                                     patient.today)
    inside = [v for v in loaded if v.local_date >= since]
    period = Period(since, patient.today)
    charts = [(s, line_chart(s, period, f"sum-{s.key}")) for s in series.chart_series(inside)[:3]]
    _recorded(patient, "entries", inside)
    return render_template("clinicians/summary.html", patient=patient, last_visit=last_visit, charts=charts,
                           summary=series.summarize(loaded, since, patient.today),
                           signals=patients.signals_for(patient, loaded, patients.latest_in_scope(patient.grant)))


# --- Exports ------------------------------------------------------------------------------------------


def _export(grant_id, action: str) -> tuple[Patient, list]:
    """The patient and the check-ins an export covers (see exports.export_range), the look logged."""
    patient = _looking_at(grant_id)
    views = patients.views_in_scope(patient, *exports.export_range(patient.today))
    _recorded(patient, action, views)
    return patient, views


@bp.get("/patients/<grant_id>/export.csv")
@database.writes
@clinician_required
def export_csv(grant_id):
    patient, views = _export(grant_id, "export_csv")
    return reports.attachment(exports.checkins_csv(views),
                              reports.filename(patient.name, f"checkins-{utcnow():%Y%m%d}.csv", "patient"),
                              "text/csv")  # werkzeug adds the charset


@bp.get("/patients/<grant_id>/export.fhir.json")
@database.writes
@clinician_required
def export_fhir(grant_id):
    patient, views = _export(grant_id, "export_fhir")
    body = json.dumps(fhir.bundle(views, patient.name, str(patient.grant.id), utcnow()), ensure_ascii=False)
    return reports.attachment(body, reports.filename(patient.name, f"fhir-{utcnow():%Y%m%d}.json", "patient"),
                              fhir.MIMETYPE)


@bp.get("/patients/<grant_id>/report")
@database.writes
@clinician_required
def report(grant_id):
    patient = _looking_at(grant_id)
    days = exports.days_arg()
    period = last_days(patient.today, days)
    views = patients.views_in_scope(patient, period.start, period.end)
    _recorded(patient, "report", views)
    links = reports.ReportLinks(
        back_url=url_for("clinicians.patient", grant_id=grant_id, days=days), back_label="Back",
        download_url=url_for("clinicians.report", grant_id=grant_id, days=days, download=1),
        periods=tuple((f"{d} days", url_for("clinicians.report", grant_id=grant_id, days=d), d == days)
                      for d in exports.PERIODS))
    return reports.render_report(
        views=views, period=period, name=patient.name, heading=patient.name,
        subtitle=services.scope_text(patient.grant, to_clinician=True), links=links, now=utcnow(),
        download=request.args.get("download") == "1",
        download_name=reports.filename(patient.name, f"report-{period.start:%Y%m%d}-{period.end:%Y%m%d}.html",
                                       "journal"))
