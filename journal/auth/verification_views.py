"""Confirming an email address: the mailed link, asking for a new one (page and API), and the one answer
every feature gives when an unconfirmed account tries to reach other people (EmailNotVerified).

As with reset links, the first hop moves the token from the URL into the session; the page then asks for
one tap (a POST), so a mail scanner that opens the link confirms nothing.
"""
from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from journal import mail
from journal.auth import bp, mails, services, verification
from journal.auth.sessions import clock
from journal.errors import api_error
from journal.extensions import limiter
from journal.forms import ActionForm
from journal.security import safe_next_url

VERIFY_TOKEN_KEY = "verify_token"  # noqa: S105 - a session key's name
RESEND_PATH = "/api/v1/account/email-verification"


def _resend_key() -> str:
    return f"verify-resend:{current_user.id}" if current_user.is_authenticated else "verify-resend-anon"


def resend_limit():
    return limiter.limit(lambda: current_app.config["RATELIMIT_VERIFY_RESEND"], key_func=_resend_key)


@bp.app_errorhandler(verification.EmailNotVerified)
def email_not_verified(exc: verification.EmailNotVerified):
    """Connecting, replying or redeeming before the address is confirmed: nothing is kept, and the member
    reads why and how to get a new link (the page has the button; the API names the endpoint)."""
    if request.path.startswith("/api/"):
        return api_error(403, exc.code, f"{exc.message} Ask for a new link with POST {RESEND_PATH}.")
    return render_template("auth/verify_needed.html", message=exc.message, form=ActionForm(),
                           back=request.path), 403


@bp.route("/account/verify", methods=["GET", "POST"])
def verify_email():
    if request.method == "GET" and "token" in request.args:
        session[VERIFY_TOKEN_KEY] = request.args["token"]
        return redirect(url_for("auth.verify_email"))
    token = session.get(VERIFY_TOKEN_KEY)
    form = ActionForm()
    if verification.target(token, clock()) is None:
        return render_template("auth/verify.html", form=form, spent=verification.LINK_SPENT), 400 if token else 200
    if form.validate_on_submit():
        try:
            verification.confirm(token, clock())
        except services.AccountError:  # spent between the page and the tap
            return render_template("auth/verify.html", form=form, spent=verification.LINK_SPENT), 400
        session.pop(VERIFY_TOKEN_KEY, None)
        flash("Your email address is confirmed. Thank you.", "success")
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login"))
        return redirect(safe_next_url(session.pop("after_verify", None)) or url_for("core.home"))
    return render_template("auth/verify.html", form=form, spent=None)


@bp.post("/account/verify/resend")
@resend_limit()
@login_required
def resend_verification():
    form = ActionForm()
    back = safe_next_url(request.form.get("next")) or url_for("core.home")
    if not form.validate_on_submit():
        return redirect(back)
    if current_user.email_verified:
        flash("Your email address is already confirmed.", "info")
    else:
        mail.queue(mails.confirm_address(current_user.email, verification.issue(current_user, clock())))
        flash(f"We sent a new link to {current_user.email}. It works for 48 hours.", "success")
    return redirect(back)
