"""The moderators' pages: the queue of open reports, one report with its content, actions, the log."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from journal import database
from journal.peers import bp, moderation, profiles
from journal.peers.errors import PeerError
from journal.peers.forms import LiftForm, ModerationForm
from journal.peers.guards import moderator_required


@bp.get("/moderation")
@moderator_required
def moderation_queue():
    return render_template("peers/moderation/queue.html", items=moderation.queue())


def _report_or_404(report_id):
    try:
        return moderation.get_report(report_id)
    except PeerError:
        abort(404)


def _render_report(report, form: ModerationForm, status: int = 200):
    detail = moderation.detail(current_user, report)  # writes the owner's access-log row
    database.keep_writes()  # the look stands, on the form's error page too
    page = render_template("peers/moderation/report.html", detail=detail, form=form, lift_form=LiftForm())
    return page, status


@bp.get("/moderation/reports/<report_id>")
@database.writes  # showing reported content records the look in the owner's access log
@moderator_required
def moderation_report(report_id):
    return _render_report(_report_or_404(report_id), ModerationForm())


@bp.post("/moderation/reports/<report_id>")
@moderator_required
def moderation_act(report_id):
    report = _report_or_404(report_id)
    form = ModerationForm()
    if form.validate_on_submit():
        try:
            with database.attempt():  # a refused action leaves nothing; the look at the report stays
                moderation.act(current_user, report, form.action.data, form.why.data, form.suspend_for.data)
        except PeerError as exc:
            for name, message in exc.fields.items():
                getattr(form, name).errors.append(message)
            if not exc.fields:
                flash(exc.message, "error")
                return redirect(url_for("peers.moderation_queue"))
        else:
            flash("Done. The action is recorded and the reporter has been told the report was handled.", "success")
            return redirect(url_for("peers.moderation_queue"))
    return _render_report(report, form, 422)


@bp.post("/moderation/members/<member_id>/lift")
@moderator_required
def moderation_lift(member_id):
    form = LiftForm()
    target = profiles.by_public_id(member_id)
    if target is None:
        abort(404)
    if form.validate_on_submit():
        try:
            moderation.lift_suspension(current_user, target.user_id, form.why.data)
        except PeerError as exc:
            flash(exc.message, "error")
        else:
            flash("Suspension lifted and recorded.", "success")
    else:
        flash("Say why the suspension is lifted.", "error")
    return redirect(url_for("peers.moderation_log"))


@bp.get("/moderation/log")
@moderator_required
def moderation_log():
    return render_template("peers/moderation/log.html", actions=moderation.action_log(),
                           labels=moderation.ACTIONS | {"lift": "Lift suspension"})
