"""The admin's report pages and the member's opt-in page."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from journal import reports
from journal.extensions import utcnow
from journal.programme import bp, services
from journal.programme.forms import ConsentForm
from journal.programme.report import ACTIVE_DAYS, INSTRUMENTS, RATE_WEEKS, RETENTION_DAYS
from journal.programme.suppression import THRESHOLD
from journal.security import JOURNAL_KEEPERS, roles_only

admin_required = roles_only("admin")
keeper_required = roles_only(JOURNAL_KEEPERS)


@bp.get("/admin/programme")
@admin_required
def report():
    built = services.build_report(utcnow())
    return render_template("programme/report.html", report=built, threshold=THRESHOLD, active_days=ACTIVE_DAYS,
                           rate_weeks=RATE_WEEKS, retention_days=RETENTION_DAYS, instruments=INSTRUMENTS)


@bp.get("/admin/programme.csv")
@admin_required
def report_csv():
    now = utcnow()
    return reports.attachment(services.report_csv(services.build_report(now)),
                              f"programme-report-{now:%Y%m%d}.csv", "text/csv")


@bp.route("/account/programme", methods=["GET", "POST"])
@keeper_required
def consent():
    counted = services.is_counted(current_user.id)
    form = ConsentForm(data={"counted": counted})
    if form.validate_on_submit():
        services.set_counted(current_user.id, form.counted.data, utcnow())
        flash("You are counted in the programme's anonymous report." if form.counted.data
              else "You are no longer counted in the programme's report.", "success")
        return redirect(url_for("programme.consent"))
    return render_template("programme/consent.html", form=form, counted=counted, threshold=THRESHOLD), \
        400 if form.errors else 200
