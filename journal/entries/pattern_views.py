"""The member's own patterns and week: what seems to go with better days (journal/patterns.py does the
numbers), and one week in numbers against the week before. Like the other history pages, each shows only
the signed-in member's journal: no URL here names anyone. The check-ins are decrypted for the request and
kept nowhere."""
from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from journal import patterns
from journal.charts import last_days
from journal.entries import bp, history, tracking, weekly
from journal.entries.views import journal_required
from journal.extensions import utcnow

PATTERN_PERIODS = (30, 90, 365)
DEFAULT_PERIOD = 90


def _bad_request(message: str):
    return render_template("errors/error.html", status=400, message=message), 400


@bp.get("/journal/patterns")
@journal_required
def patterns_page():
    raw = request.args.get("days", str(DEFAULT_PERIOD))
    if raw not in {str(d) for d in PATTERN_PERIODS}:
        return _bad_request("Choose the last 30, 90 or 365 days.")
    period = last_days(history.today_of(current_user, utcnow()), int(raw))
    views = history.own_views(current_user, period.start, period.end, tracking.load_catalog(current_user))
    found = patterns.find_patterns(views, period.start, period.end)
    return render_template("entries/patterns.html", found=found, period=period, periods=PATTERN_PERIODS,
                           words=patterns, min_days=patterns.MIN_DAYS)


@bp.get("/journal/week")
@journal_required
def week():
    today = history.today_of(current_user, utcnow())
    try:
        monday = weekly.parse_week(request.args.get("week"), today)
    except weekly.BadWeek as error:
        return _bad_request(str(error))
    shown = weekly.week_of(current_user, monday, today, tracking.load_catalog(current_user))
    return render_template("entries/week.html", week=shown)
