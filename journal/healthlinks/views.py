"""The member's pages (/sharing/links): make a link (shown once, with its QR code), see their links with
how often each was opened, and revoke one."""
from __future__ import annotations

from datetime import timedelta

import segno
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from journal import mail, timekeeping
from journal.domain import ValidationError
from journal.extensions import utcnow
from journal.forms import ActionForm, ask_first, confirmed
from journal.healthlinks import bp, services, shlink
from journal.healthlinks.models import HealthLink
from journal.security import JOURNAL_KEEPERS, own_or_404, roles_only

keeper_required = roles_only(JOURNAL_KEEPERS)
DEFAULT_RANGE_DAYS = 30


def _defaults() -> dict:
    today = timekeeping.today_in(current_user.timezone)
    return {"first_day": today - timedelta(days=DEFAULT_RANGE_DAYS - 1), "last_day": today, "measures": [],
            "expiry_days": str(services.DEFAULT_EXPIRY_DAYS), "passcode": "", "label": "",
            "name": current_user.display_name}


def _index_page(values=None, errors=None, status=200):
    return render_template("healthlinks/index.html", values=values or _defaults(), errors=errors or {},
                           form=ActionForm(), links=services.links_of(current_user, utcnow()),
                           choices=services.CHOICES, expiry_days=services.EXPIRY_DAYS,
                           passcode_min=services.PASSCODE_MIN, label_max=shlink.LABEL_MAX), status


@bp.get("/")
@keeper_required
def index():
    return _index_page()


def qr_svg(text: str) -> str:
    """The link as a QR code, an inline SVG that scales to its box (no size of its own, no script)."""
    return segno.make(text, error="m").svg_inline(omitsize=True, border=4, svgclass="qr-code",
                                                 title="QR code of your health link")


@bp.post("/")
@keeper_required
def create():
    if not ActionForm().validate_on_submit():
        abort(400)
    values = {**request.form, "measures": request.form.getlist("measures")}
    try:
        choice = services.parse_request(request.form, today=timekeeping.today_in(current_user.timezone))
    except ValidationError as exc:
        values.pop("passcode", None)
        return _index_page(values=values, errors=exc.fields, status=422)
    made = services.create_link(current_user, choice, utcnow())
    # On JOURNAL_PUBLIC_ORIGIN when set: a link that outlives this request must not carry a Host header's name.
    url = mail.link("healthlinks_public.manifest", manifest_id=made.manifest_id)
    payload = shlink.make(url=url, key=made.key, exp=int(made.link.expires_at.timestamp()),
                          passcode=bool(choice.passcode), label=choice.label)
    link = shlink.encode(payload)
    shown = shlink.with_viewer(link, current_app.config["HEALTHLINK_VIEWER_URL"])
    # Shown once, in this answer only: the key is nowhere else, so nobody (us included) can show it again.
    response = current_app.make_response(render_template(
        "healthlinks/created.html", link=link, shown=shown, qr=qr_svg(shown),
        summary=services.summary(made.link, current_user, utcnow()), passcode=bool(choice.passcode)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/<link_id>/revoke")
@keeper_required
def revoke(link_id):
    link = own_or_404(HealthLink, link_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if not confirmed():
        return ask_first(title="Revoke this link?", button="Revoke link", keep="Keep it",
                         back=url_for("healthlinks.index"),
                         question="Anyone holding the link or its QR code will not be able to open it from now on. "
                                  "What they already opened stays with them.")
    services.revoke(link, utcnow())
    flash("Link revoked: it no longer opens.", "success")
    return redirect(url_for("healthlinks.index"))
