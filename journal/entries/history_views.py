"""The member's own history pages: a month calendar of moods, 30- and 90-day charts, and a printable
summary for their next appointment (a form, then the page to print or download). Each shows the signed-in
member's own journal only: no URL here names anyone, so there is nobody else's journal to ask for."""
from __future__ import annotations

import json

from flask import redirect, render_template, request, url_for
from flask_login import current_user

from journal import exports, fhir, reports, scales, series
from journal.charts import line_chart
from journal.entries import bp, history, tracking
from journal.entries.views import journal_required
from journal.extensions import utcnow


@bp.get("/journal/calendar")
@journal_required
def calendar():
    now = utcnow()
    raw = request.args.get("month")
    month = history.parse_month(raw) if raw else history.month_start(history.today_of(current_user, now))
    try:
        if month is None:
            raise ValueError(raw)
        shown = history.month_calendar(current_user, month, now=now)
    except ValueError:  # not a month, or one after this one: this month instead
        return redirect(url_for("entries.calendar"))
    return render_template("entries/calendar.html", cal=shown, moods=scales.MOOD.options())


@bp.get("/journal/charts")
@journal_required
def charts():
    catalog = tracking.load_catalog(current_user)
    period = history.chart_period(current_user, request.args.get("days", type=int), utcnow())
    views = history.own_views(current_user, period.start, period.end, catalog)
    drawn = series.chart_series(views)
    recorded = {s.key for s in drawn}
    unrecorded = [s.name for s in catalog.active("symptoms") if series.symptom_key(s.id) not in recorded]
    return render_template("entries/charts.html", period=period, periods=history.CHART_PERIODS,
                           charts=[(s, line_chart(s, period, f"chart-{s.key}")) for s in drawn],
                           unrecorded=unrecorded, count=len(views))


def _summary_form(choice: history.SummaryChoice, catalog, errors=None, status: int = 200):
    return render_template("entries/summary.html", choice=choice, errors=errors or {}, periods=history.SUMMARY_PERIODS,
                           measures=history.measure_choices(catalog), max_days=history.SUMMARY_MAX_DAYS,
                           today=history.today_of(current_user, utcnow())), status


@bp.get("/journal/summary")
@journal_required
def summary():
    """The form: everything ticked at first, or the choices of the summary the member came back from."""
    catalog = tracking.load_catalog(current_user)
    if not request.args:
        return _summary_form(history.default_choice(catalog), catalog)
    choice, _, _, _ = history.parse_summary(request.args, catalog=catalog,
                                            today=history.today_of(current_user, utcnow()))
    return _summary_form(choice, catalog)


@bp.get("/journal/summary/print")
@journal_required
def summary_report():
    now = utcnow()
    catalog = tracking.load_catalog(current_user)
    choice, period, selection, errors = history.parse_summary(request.args, catalog=catalog,
                                                              today=history.today_of(current_user, now))
    if errors:
        return _summary_form(choice, catalog, errors, 422)
    args = request.args.to_dict(flat=False)
    args.pop("download", None)
    links = reports.ReportLinks(back_url=url_for("entries.summary", **args), back_label="Change what it shows",
                                download_url=url_for("entries.summary_report", **args, download=1))
    name = current_user.display_name
    return reports.render_report(
        views=history.own_views(current_user, period.start, period.end, catalog), period=period, name=name,
        heading="Summary for my next appointment", subtitle=history.describe(selection, catalog), links=links,
        download=request.args.get("download") == "1", now=now, selection=selection,
        download_name=reports.filename(name, f"summary-{period.start:%Y%m%d}-{period.end:%Y%m%d}.html", "journal"))



# --- The member's own exports: everything they recorded, decrypted for them ----------------------------


def _everything():
    """The member's check-ins an export holds (?days=7|30|90, or ?from= & ?to=, or all), oldest first."""
    today = history.today_of(current_user, utcnow())
    first, last = exports.export_range(today)
    return history.own_views(current_user, first or history.FIRST_MONTH, last or today,
                             tracking.load_catalog(current_user))


@bp.get("/journal/export.csv")
@journal_required
def export_csv():
    return reports.attachment(exports.checkins_csv(_everything(), include_audience=True),
                              f"my-journal-{utcnow():%Y%m%d}.csv", "text/csv")  # werkzeug adds the charset


@bp.get("/journal/export.fhir.json")
@journal_required
def export_fhir():
    body = json.dumps(fhir.bundle(_everything(), current_user.display_name, f"self:{current_user.id}", utcnow()),
                      ensure_ascii=False)
    return reports.attachment(body, f"my-journal-fhir-{utcnow():%Y%m%d}.json", fhir.MIMETYPE)
