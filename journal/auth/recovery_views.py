"""Forgot my password: ask for a link by email, then set a new password with it (journal/auth/recovery.py).

The link's token is taken off the URL at the first hop: it moves into the session and the browser is sent
to the same page without it, so it is not left in the address bar, the history or a Referer.
"""
from flask import current_app, flash, redirect, render_template, request, session, url_for

from journal import mail
from journal.auth import bp, mails, recovery, services
from journal.auth.forms import ForgotPasswordForm, ResetPasswordForm
from journal.auth.sessions import clock
from journal.extensions import limiter

RESET_TOKEN_KEY = "reset_token"  # noqa: S105 - a session key's name


def _reset_address_key() -> str:
    return "reset-address:" + services.normalize_email(request.form.get("email", ""))[:254]


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_RESET_IP"], methods=["POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_RESET_ADDRESS"], methods=["POST"], key_func=_reset_address_key)
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        issued = recovery.request_reset(form.email.data, clock())
        if issued is not None:
            user, token = issued
            mail.queue(mails.reset(user.email, token))  # sent after the answer: its timing tells nothing
        return redirect(url_for("auth.reset_sent"))
    return render_template("auth/forgot.html", form=form), 400 if form.errors else 200


@bp.get("/password/forgot/sent")
def reset_sent():
    # The same page whether or not an account uses the address.
    return render_template("auth/forgot_sent.html")


@bp.route("/password/reset", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_RESET_IP"], methods=["POST"])
def reset_password():
    if request.method == "GET" and "token" in request.args:
        session[RESET_TOKEN_KEY] = request.args["token"]
        return redirect(url_for("auth.reset_password"))
    token = session.get(RESET_TOKEN_KEY)
    if recovery.reset_target(token, clock()) is None:
        return render_template("auth/reset.html", form=None, spent=recovery.LINK_SPENT), 400 if token else 200
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user = recovery.reset_password(token, form.new_password.data, clock())
        except services.AccountError as exc:
            form.new_password.errors.append(str(exc))
        else:
            mail.queue(mails.password_changed(user.email, clock()))
            session.pop(RESET_TOKEN_KEY, None)
            flash("Your new password is set, and every device was signed out. Nothing in your journal was lost: "
                  "log in with the new password.", "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form, spent=None), 400 if form.errors else 200
