"""Questionnaire pages: the list with what is due, taking one, its result, the trend, the schedule, FHIR."""
from __future__ import annotations

import json
import uuid
from datetime import timedelta

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from journal import charts, database, reports, signals
from journal.audit import record_access
from journal.domain import ValidationError
from journal.extensions import utcnow
from journal.forms import ActionForm, ask_first, confirmed
from journal.questionnaires import bp, fhir, services
from journal.questionnaires.instruments import INSTRUMENTS
from journal.security import JOURNAL_KEEPERS, roles_only
from journal.series import Point, Series
from journal.timekeeping import local_day

keeper_required = roles_only(JOURNAL_KEEPERS)
WEEK_CHOICES = (0, 1, 2, 4, 8, 12)


def _instrument_or_404(code: str):
    if code not in INSTRUMENTS:
        abort(404)
    return INSTRUMENTS[code]


def safety_plan_url() -> str | None:
    """The member's own safety plan, if the app is built with it (feature `safetyplan`)."""
    if "safetyplan" not in current_app.config["FEATURES"]:
        return None
    try:
        return url_for("safety_plan.show")
    except Exception:  # noqa: BLE001 - a build without the route: no link
        return None


@bp.get("/")
@keeper_required
def index():
    settings = services.settings_of(current_user.id)
    return render_template("questionnaires/index.html", offers=services.offers(current_user, utcnow()),
                           form=ActionForm(), week_choices=WEEK_CHOICES,
                           shared=bool(settings and settings.with_clinicians),
                           reminders=bool(settings and settings.remind))


@bp.post("/reminders")
@keeper_required
def reminders():
    if not ActionForm().validate_on_submit():
        abort(400)
    on = request.form.get("remind") == "1"
    services.set_reminders(current_user, on)
    flash("When a questionnaire is due, your devices will get a reminder that says only that one is ready." if on
          else "No more questionnaire reminders. Due questionnaires still show here.", "success")
    return redirect(url_for("questionnaires.index"))


@bp.post("/sharing")
@keeper_required
def sharing():
    if not ActionForm().validate_on_submit():
        abort(400)
    shared = request.form.get("with_clinicians") == "1"
    services.set_shared_with_clinicians(current_user, shared)
    flash("Clinicians you have given access can now see your questionnaire results." if shared else
          "Your questionnaire results are no longer shared with clinicians.", "success")
    return redirect(url_for("questionnaires.index"))


@bp.route("/<code>", methods=["GET", "POST"])
@keeper_required
def take(code):
    chosen = _instrument_or_404(code)
    form = ActionForm()
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            result = services.submit(current_user, code, request.form, utcnow())
        except ValidationError as exc:
            errors = exc.fields
        else:
            return redirect(url_for("questionnaires.result", response_id=result.id))
    chosen_values = {item.key: request.form.get(item.key, "") for item in chosen.items} if errors else {}
    return render_template("questionnaires/take.html", instrument=chosen, form=form, errors=errors,
                           values=chosen_values), 422 if errors else 200


@bp.get("/results/<uuid:response_id>")
@keeper_required
def result(response_id: uuid.UUID):
    found = services.own_result(current_user, response_id)
    if found is None:
        abort(404)
    history = services.results(current_user, found.instrument.code)
    earlier = [r for r in history if (r.taken_at, str(r.id)) < (found.taken_at, str(found.id))]
    previous = earlier[-1] if earlier else None
    return render_template("questionnaires/result.html", result=found, previous=previous,
                           form=ActionForm())


@bp.post("/results/<uuid:response_id>/delete")
@keeper_required
def delete(response_id: uuid.UUID):
    if not ActionForm().validate_on_submit():
        abort(400)
    found = services.own_result(current_user, response_id)
    if found is None:
        abort(404)
    if not confirmed():
        return ask_first(title="Delete this result?", button="Delete", keep="Keep it",
                         back=url_for("questionnaires.result", response_id=response_id),
                         question=f"Your {found.instrument.short} result of {found.local_at:%-d %B %Y} will be "
                                  "deleted for good, and leave your trend.")
    if not services.delete_response(current_user, response_id):
        abort(404)
    flash("That questionnaire result is deleted.", "success")
    return redirect(url_for("questionnaires.trend", code=found.instrument.code))


def trend_chart(instrument, results, tz: str, now) -> tuple[Series, object, charts.Period]:
    """The instrument's scores over time as a chart (every response a point), from the first one (at least
    four weeks) to today."""
    today = local_day(now, tz)
    start = min([r.local_at.date() for r in results] + [today - timedelta(days=27)])
    period = charts.Period(start, today)
    series = Series(key=instrument.code, title=f"{instrument.short} score", scale=None,
                    points=[Point(at=r.local_at, value=r.total, label=f"{format_total(instrument, r.total)} "
                                  f"({r.band.name.lower()})", entry_id=r.id) for r in results],
                    low=instrument.score_low, high=instrument.score_high)
    step = 20 if instrument.score_high == 100 else None
    # Questionnaires are taken weeks apart: the line joins results up to ten weeks apart.
    svg = charts.line_chart(series, period, f"trend-{instrument.code}", step=step, what="results",
                            gap=timedelta(weeks=10))
    return series, svg, period


def format_total(instrument, total: float) -> str:
    if instrument.code == "mspss":
        return f"{total:.2f}".rstrip("0").rstrip(".")
    return f"{int(total)}{instrument.score_unit}"


bp.add_app_template_filter(lambda r: format_total(r.instrument, r.total), "questionnaire_total")


@bp.get("/<code>/trend")
@keeper_required
def trend(code):
    chosen = _instrument_or_404(code)
    history = services.results(current_user, code)
    series, svg, period = trend_chart(chosen, history, current_user.timezone, utcnow())
    return render_template("questionnaires/trend.html", instrument=chosen, results=history, series=series,
                           svg=svg, period=period)


@bp.post("/<code>/schedule")
@keeper_required
def schedule(code):
    chosen = _instrument_or_404(code)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        weeks = services.set_schedule(current_user, code, request.form.get("every_weeks", ""))
    except ValidationError as exc:
        flash(exc.fields["every_weeks"], "error")
    else:
        flash(f"{chosen.short}: offered every {weeks} week{'s' if weeks != 1 else ''}." if weeks
              else f"{chosen.short}: not offered. You can still take it any time.", "success")
    return redirect(url_for("questionnaires.index"))


@bp.get("/export.fhir.json")
@keeper_required
def export_fhir():
    body = json.dumps(fhir.bundle(services.results(current_user), f"self:{current_user.id}", utcnow()),
                      ensure_ascii=False)
    return reports.attachment(body, f"my-questionnaires-fhir-{utcnow():%Y%m%d}.json", fhir.MIMETYPE)


# --- A clinician's view of a patient's results (only when the member shared them) ---------------------------

clinician_required = roles_only("clinician")


def _patient_or_404(grant_id: str):
    """The member behind this clinician's live grant (asked of the clinicians feature), else 404."""
    owner = signals.first_answer(signals.patient_requested, viewer=current_user._get_current_object(),
                                 grant_id=grant_id)
    if owner is None:
        abort(404)
    return owner


def _record(owner, action: str, results) -> None:
    days = [r.local_at.date() for r in results]
    record_access(owner_id=owner.id, viewer=current_user, action=action, entry_count=len(days),
                  first_day=min(days) if days else None, last_day=max(days) if days else None)


@bp.get("/patients/<grant_id>")
@database.writes
@clinician_required
def patient(grant_id):
    owner = _patient_or_404(grant_id)
    if not services.shared_with_clinicians(owner.id):
        return render_template("questionnaires/patient.html", shared=False, grant_id=grant_id)
    history = services.results(owner)
    now = utcnow()
    trends = []
    for code, instrument in INSTRUMENTS.items():
        mine = [r for r in history if r.instrument.code == code]
        if mine:
            series, svg, period = trend_chart(instrument, mine, owner.timezone, now)
            trends.append((instrument, mine, series, svg, period))
    _record(owner, "questionnaires", history)
    return render_template("questionnaires/patient.html", shared=True, grant_id=grant_id, trends=trends,
                           flagged=[r for r in history if r.item9])


@bp.get("/patients/<grant_id>/export.fhir.json")
@database.writes
@clinician_required
def patient_fhir(grant_id):
    owner = _patient_or_404(grant_id)
    if not services.shared_with_clinicians(owner.id):
        abort(404)
    history = services.results(owner)
    _record(owner, "questionnaires_fhir", history)
    body = json.dumps(fhir.bundle(history, f"grant:{grant_id}", utcnow()), ensure_ascii=False)
    return reports.attachment(body, f"questionnaires-fhir-{utcnow():%Y%m%d}.json", fhir.MIMETYPE)
