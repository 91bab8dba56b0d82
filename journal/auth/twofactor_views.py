"""Two-step sign-in pages: the code step after the password, and setting it up, renewing recovery codes and
turning it off under Account (journal/auth/twofactor.py holds the rules).

Signing in with two steps: the password is checked first (journal/auth/views.py: login), then the session
only remembers which account is half-way, for five minutes and five wrong codes; no session record exists
and nothing is signed in until the code is right.
"""
from __future__ import annotations

import time

import segno
from flask import current_app, flash, redirect, render_template, session, url_for
from flask_login import current_user, login_required

from journal.accounts import User
from journal.auth import bp, services, twofactor
from journal.auth.forms import CodeForm, PasswordCheckForm
from journal.auth.sessions import clock, current_session_id, start_session
from journal.extensions import db, limiter
from journal.forms import ActionForm
from journal.security import safe_next_url

PENDING_KEY = "_second_step"
PENDING_SECONDS = 300
PENDING_TRIES = 5
AFTER_SETUP_KEY = "after_two_factor"
WRONG_CODE = "That code does not match. Type the newest code from your app, or a recovery code."


def begin_second_step(user: User, next_url: str | None) -> None:
    """The password was right: remember (in the signed cookie) that this account is half-way signed in."""
    session[PENDING_KEY] = {"user_id": user.id, "since": int(time.time()), "tries": 0, "next": next_url}


def _pending() -> dict | None:
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict) or time.time() - pending.get("since", 0) > PENDING_SECONDS:
        session.pop(PENDING_KEY, None)
        return None
    return pending


def _pending_account_key() -> str:
    pending = session.get(PENDING_KEY)
    return f"second-step:{pending.get('user_id')}" if isinstance(pending, dict) else "second-step-none"


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_TWO_FACTOR_IP"], methods=["POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_TWO_FACTOR_ACCOUNT"], methods=["POST"],
               key_func=_pending_account_key)
def login_code():
    pending = _pending()
    if pending is None:
        flash("Please log in again: the code step lasts five minutes.", "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        user = db.session.get(User, pending["user_id"])
        kind = twofactor.check(user, form.code.data, clock()) if user is not None else None
        if kind is not None:
            start_session(user)  # the first moment this browser is signed in
            current_app.logger.info("login ok user=%s (two steps)", user.id)
            if kind == "recovery":
                left = twofactor.recovery_codes_left(user)
                flash(f"You used a recovery code; {left} left. Make new ones under Account if you are running "
                      "low.", "info")
            return redirect(safe_next_url(pending.get("next")) or url_for("core.home"))
        pending["tries"] += 1
        if pending["tries"] >= PENDING_TRIES:
            session.pop(PENDING_KEY, None)
            flash("Too many codes that did not match. Please log in again.", "error")
            return redirect(url_for("auth.login"))
        session[PENDING_KEY] = pending
        form.code.errors.append(WRONG_CODE)
    return render_template("auth/login_code.html", form=form), 400 if form.errors else 200


# --- Account: setting it up, recovery codes, turning it off ----------------------------------------------


def _qr(uri: str) -> str:
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2, dark="#000", light="#fff")


def _page(status: int = 200, **forms):
    forms.setdefault("code_form", CodeForm())
    forms.setdefault("renew_form", PasswordCheckForm(prefix="renew"))
    forms.setdefault("disable_form", PasswordCheckForm(prefix="off"))
    secret = twofactor.pending_secret(current_user) if current_user.email_verified else None
    setup = None
    if secret is not None:
        uri = twofactor.provisioning_uri(current_user, secret)
        setup = {"uri": uri, "qr": _qr(uri), "groups": twofactor.secret_groups(secret)}
    left = twofactor.recovery_codes_left(current_user) if current_user.two_factor else None
    return render_template("auth/two_factor.html", setup=setup, codes_left=left, **forms), status


@bp.get("/account/two-factor")
@login_required
def two_factor():
    return _page()


@bp.post("/account/two-factor/start")
@login_required
def two_factor_start():
    if ActionForm().validate_on_submit():
        try:
            twofactor.begin(current_user)
        except services.AccountError as exc:
            flash(str(exc), "info")
    return redirect(url_for("auth.two_factor"))


def _show_codes(codes: list[str], heading: str):
    after = safe_next_url(session.pop(AFTER_SETUP_KEY, None))
    return render_template("auth/recovery_codes.html", codes=codes, heading=heading,
                           continue_url=after or url_for("auth.account"))


@bp.post("/account/two-factor/confirm")
@login_required
@limiter.limit(lambda: current_app.config["RATELIMIT_TWO_FACTOR_ACCOUNT"],
               key_func=lambda: f"second-step:{current_user.id}")
def two_factor_confirm():
    form = CodeForm()
    if form.validate_on_submit():
        try:
            codes = twofactor.confirm(current_user, form.code.data, clock(), keep_session=current_session_id())
        except services.AccountError as exc:
            form.code.errors.append(str(exc))
        else:
            return _show_codes(codes, "Two-step sign-in is on")
    return _page(400, code_form=form)


@bp.post("/account/two-factor/recovery-codes")
@login_required
def renew_recovery_codes():
    form = PasswordCheckForm(prefix="renew")
    if form.validate_on_submit():
        try:
            codes = twofactor.renew_recovery_codes(current_user, form.password.data, clock())
        except services.AccountError as exc:
            form.password.errors.append(str(exc))
        else:
            return _show_codes(codes, "New recovery codes")
    return _page(400, renew_form=form)


@bp.post("/account/two-factor/disable")
@login_required
def two_factor_disable():
    form = PasswordCheckForm(prefix="off")
    if form.validate_on_submit():
        try:
            twofactor.disable(current_user, form.password.data)
        except services.AccountError as exc:
            form.password.errors.append(str(exc))
        else:
            flash("Two-step sign-in is off. Your password alone signs you in again.", "info")
            return redirect(url_for("auth.account"))
    return _page(400, disable_form=form)


def after_password(user: User, next_url: str | None):
    """Where a right password leads: the code step, or for staff without two-step sign-in its set-up."""
    if user.two_factor:
        begin_second_step(user, next_url)
        return redirect(url_for("auth.login_code"))
    start_session(user)
    current_app.logger.info("login ok user=%s", user.id)
    if user.needs_second_factor:
        if next_url:
            session[AFTER_SETUP_KEY] = next_url
        flash("Clinicians and moderators sign in with two steps. Set it up now: it takes a minute.", "info")
        return redirect(url_for("auth.two_factor"))
    return redirect(next_url or url_for("core.home"))
