"""The member's side of clinician sharing (/sharing/clinicians): invite, see and change connections,
revoke, read “Who has seen my journal” and clinicians' notes, and export their own journal."""
from __future__ import annotations

from datetime import date, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from journal import exports, reports, timekeeping
from journal.charts import last_days
from journal.clinicians import accesslog, patients, services, sharing_bp
from journal.clinicians.models import ClinicianGrant
from journal.domain import ValidationError
from journal.extensions import utcnow
from journal.forms import ActionForm, ask_first, confirmed
from journal.security import JOURNAL_KEEPERS, own_or_404, roles_only

keeper_required = roles_only(JOURNAL_KEEPERS)  # they share their journal; clinician accounts keep none


def _today() -> date:
    return timekeeping.today_in(current_user.timezone)


def _form_values(terms: services.GrantTerms | None = None) -> dict:
    """What the terms fields show: a grant's current terms, or a new invitation's defaults. The date
    field always holds a day, so choosing "until the end of this day" starts from a sensible one."""
    default_end = _today() + timedelta(days=services.DEFAULT_ACCESS_DAYS)
    terms = terms or services.GrantTerms(ends_on=default_end)
    return {"scope": terms.scope, "range_start": terms.range_start or "", "range_end": terms.range_end or "",
            "access": "until_revoked" if terms.ends_on is None else "date", "ends_on": terms.ends_on or default_end,
            "name": "real" if terms.real_name else "pseudonym", "real_name": terms.real_name or "",
            "label": terms.label or ""}


def _index_page(values=None, errors=None, status=200):
    now = utcnow()
    summaries = [services.describe_grant(g, current_user, now) for g in services.grants_of_owner(current_user)]
    return render_template(
        "clinicians/sharing.html", values=values or _form_values(), errors=errors or {}, form=ActionForm(),
        active=[s for s in summaries if s.status == "active"],
        pending=[s for s in summaries if s.status == "pending"],
        past=[s for s in summaries if s.status not in ("active", "pending")],
        recent_log=accesslog.log_lines(current_user, limit=5),
    ), status


@sharing_bp.get("/")
@keeper_required
def index():
    return _index_page()


@sharing_bp.post("/invitations")
@keeper_required
def invite():
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        terms = services.parse_terms(request.form, today=_today())
    except ValidationError as exc:
        return _index_page(values=dict(request.form), errors=exc.fields, status=422)
    grant, code = services.create_invitation(current_user, terms)
    # Shown once, in this response only: the database keeps nothing but the code's hash.
    link = url_for("clinicians.redeem", code=code, _external=True)
    return render_template("clinicians/invitation_created.html", code=code, link=link,
                           summary=services.describe_grant(grant, current_user, utcnow()))


@sharing_bp.route("/<grant_id>", methods=["GET", "POST"])
@keeper_required
def manage(grant_id):
    grant = own_or_404(ClinicianGrant, grant_id)
    now = utcnow()
    summary = services.describe_grant(grant, current_user, now)
    editable = summary.status in ("active", "pending")
    values, errors, status = _form_values(services.terms_of(grant, current_user)), {}, 200
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        if not editable:
            flash("This access has ended. Send a new invitation to share again.", "error")
            return redirect(url_for("sharing_clinicians.manage", grant_id=grant.id))
        try:
            terms = services.parse_terms(request.form, today=_today())
        except ValidationError as exc:
            values, errors, status = dict(request.form), exc.fields, 422
        else:
            services.update_terms(current_user, grant, terms)
            flash("Saved. The clinician sees the new terms from their next page.", "success")
            return redirect(url_for("sharing_clinicians.manage", grant_id=grant.id))
    return render_template("clinicians/manage.html", summary=summary, values=values, errors=errors,
                           editable=editable, form=ActionForm()), status


@sharing_bp.post("/<grant_id>/revoke")
@keeper_required
def revoke(grant_id):
    grant = own_or_404(ClinicianGrant, grant_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    was_pending = grant.redeemed_at is None
    if not confirmed():
        back = url_for("sharing_clinicians.index")
        if was_pending:
            return ask_first(title="Cancel this invitation?", button="Cancel invitation", keep="Keep it", back=back,
                             question="The code will stop working; you can create a new invitation later.")
        name = grant.clinician.display_name if grant.clinician is not None else "this clinician"
        return ask_first(title="Revoke access?", button="Revoke access", keep="Keep sharing", back=back,
                         question=f"{name} will not be able to open anything of yours from now on. "
                                  "Their notes stay with you. To share again you would send a new invitation.")
    services.revoke(grant)
    flash("Invitation cancelled: the code no longer works." if was_pending
          else "Access revoked. From now on they cannot open anything of yours.", "success")
    return redirect(url_for("sharing_clinicians.index"))


@sharing_bp.get("/access-log")
@keeper_required
def access_log():
    return render_template("clinicians/access_log.html", lines=accesslog.log_lines(current_user))


@sharing_bp.get("/notes")
@keeper_required
def notes():
    rows = [(note, services.note_text(note), day) for note, day in services.notes_for_owner(current_user)]
    return render_template("clinicians/notes.html", rows=rows,
                           profiles=services.profiles_of(note.clinician_id for note, _, _ in rows))


# --- The member's own exports ---------------------------------------------------------------------


# The member's own exports are the journal's (/journal/export.*): these older addresses still lead there.
@sharing_bp.get("/export.csv")
@keeper_required
def export_csv():
    return redirect(url_for("entries.export_csv", **request.args), 308)


@sharing_bp.get("/export.fhir.json")
@keeper_required
def export_fhir():
    return redirect(url_for("entries.export_fhir", **request.args), 308)


@sharing_bp.get("/report")
@keeper_required
def report():
    days = exports.days_arg()
    period = last_days(_today(), days)
    links = reports.ReportLinks(
        back_url=url_for("sharing_clinicians.index"), back_label="Back",
        download_url=url_for("sharing_clinicians.report", days=days, download=1),
        periods=tuple((f"{d} days", url_for("sharing_clinicians.report", days=d), d == days) for d in exports.PERIODS))
    name = current_user.display_name
    return reports.render_report(
        views=patients.own_views(current_user, period.start, period.end), period=period, name=name,
        heading=name, subtitle="My journal", links=links, now=utcnow(), download=request.args.get("download") == "1",
        download_name=reports.filename(name, f"report-{period.start:%Y%m%d}-{period.end:%Y%m%d}.html", "journal"))
