"""Account pages: register, log in, log out, settings, password, signed-in devices, delete."""
from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from journal import mail, signals
from journal.accounts import PRIVACY_VERSION
from journal.auth import bp, devices, mails, services, verification
from journal.auth.forms import ChangePasswordForm, DeleteAccountForm, LoginForm, RegisterForm, TimezoneForm
from journal.auth.sessions import (
    PENDING_INVITATION,
    clock,
    current_session_id,
    end_session,
    renew_session,
    start_session,
)
from journal.auth.twofactor_views import after_password
from journal.extensions import limiter
from journal.forms import ActionForm
from journal.security import parse_id, safe_next_url

LOGIN_FAILED = "That email and password do not match an account."


def _login_account_key() -> str:
    return "login-account:" + services.normalize_email(request.form.get("email", ""))[:254]


def _register_address_key() -> str:
    return "register-address:" + services.normalize_email(request.form.get("email", ""))[:254]


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_REGISTER"], methods=["POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_REGISTER_ADDRESS"], methods=["POST"],
               key_func=_register_address_key)
def register():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    invited = bool(session.get(PENDING_INVITATION))
    form = RegisterForm(role="clinician" if invited else "member")
    if form.validate_on_submit():
        email = services.normalize_email(form.email.data)
        user = services.register(email=email, password=form.password.data, display_name=form.display_name.data,
                                 role=form.role.data, timezone=form.timezone.data or "UTC",
                                 privacy_version=PRIVACY_VERSION, now=clock())
        if user is not None:
            signals.member_registered.send(current_app._get_current_object(), user=user)
            mail.queue(mails.confirm_address(email, verification.issue(user, clock())))
            start_session(user)  # signed in at once: the first check-in is the next page
        else:
            # Taken: the answer below is the same; the address's owner learns of the attempt by mail.
            mail.queue(mails.already_registered(email))
        flash(f"Welcome to Peer Journal. We sent a message to {email}: please open it.", "info")
        return redirect(url_for("entries.new") if form.role.data == "member" else url_for("core.home"))
    return render_template("auth/register.html", form=form, invitation=invited), 400 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN_IP"], methods=["POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN_ACCOUNT"], methods=["POST"],
               key_func=_login_account_key)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            return after_password(user, safe_next_url(request.args.get("next")))
        current_app.logger.info("login failed")
        form.password.errors.append(LOGIN_FAILED)
    return render_template("auth/login.html", form=form, invitation=bool(session.get(PENDING_INVITATION))), \
        400 if form.errors else 200


@bp.post("/logout")
def logout():
    form = ActionForm()
    if form.validate_on_submit():
        end_session()
        flash("You are logged out.", "info")
        return _forget_device(redirect(url_for("auth.login")))
    return redirect(url_for("auth.login"))


def _forget_device(response):
    """This browser forgets the member: offline queue, caches, service worker (see SECURITY.md)."""
    response.headers["Clear-Site-Data"] = '"storage"'
    return response


def _account_page(**forms):
    forms.setdefault("password_form", ChangePasswordForm(prefix="pw"))
    forms.setdefault("timezone_form", TimezoneForm(prefix="tz", timezone=current_user.timezone))
    forms.setdefault("everywhere_form", ActionForm())
    status = 400 if any(f.errors for f in forms.values()) else 200
    signed_in = devices.device_list(current_user, current_id=current_session_id(), now=clock())
    return render_template("auth/account.html", devices=signed_in, **forms), status


@bp.get("/account")
@login_required
def account():
    return _account_page()


@bp.post("/account/password")
@login_required
def change_password():
    form = ChangePasswordForm(prefix="pw")
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.new_password.data)
        except services.AccountError as exc:
            form.current_password.errors.append(str(exc))
        else:
            start_session(current_user)  # a new session here; change_password ended every other one
            flash("Password changed. Your other devices have been signed out.", "success")
            return redirect(url_for("auth.account"))
    return _account_page(password_form=form)


@bp.post("/account/timezone")
@login_required
def change_timezone():
    form = TimezoneForm(prefix="tz")
    if form.validate_on_submit():
        current_user.timezone = form.timezone.data
        flash("Time zone saved.", "success")
        return redirect(url_for("auth.account"))
    return _account_page(timezone_form=form)


@bp.post("/account/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    if ActionForm().validate_on_submit():
        services.sign_out_everywhere(current_user, keep=current_session_id())
        renew_session()  # and a copy of this device's cookie stops working too
        flash("Signed out on every other device.", "success")
    return redirect(url_for("auth.account"))


@bp.post("/account/sessions/<session_id>/sign-out")
@login_required
def sign_out_device(session_id):
    session_id = parse_id(session_id)
    if not ActionForm().validate_on_submit():
        return redirect(url_for("auth.account"))
    if session_id == current_session_id():
        end_session()
        flash("You are logged out.", "info")
        return _forget_device(redirect(url_for("auth.login")))
    try:
        browser = devices.end_device(current_user, session_id)
    except devices.NoSuchSession:
        abort(404)
    flash(f"Signed out {browser}.", "success")
    return redirect(url_for("auth.account"))


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            services.delete_account(current_user, form.password.data)
        except services.AccountError as exc:
            form.password.errors.append(str(exc))
        else:
            end_session()
            flash("Your account and journal have been erased.", "info")
            return _forget_device(redirect(url_for("core.home")))
    return render_template("auth/delete.html", form=form), 400 if form.errors else 200
