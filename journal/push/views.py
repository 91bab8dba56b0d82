"""The Reminders page: settings (no JavaScript needed), pause, devices, and a test notification."""
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from journal.domain import ValidationError
from journal.extensions import utcnow
from journal.forms import ActionForm, ask_first, confirmed
from journal.push import bp, members_only, nudges, services, subscriptions, test_send_limit
from journal.push.forms import PauseForm, RemindersForm
from journal.push.models import PushSubscription
from journal.security import own_or_404
from journal.timekeeping import local_datetime


def _form_from(settings) -> RemindersForm:
    times = list(nudges.parse_times(settings.times or "")) + [None, None, None]
    return RemindersForm(enabled=settings.enabled, time1=times[0], time2=times[1], time3=times[2],
                         days=[nudges.DAY_NAMES[d] for d in sorted(nudges.mask_days(settings.days))],
                         timezone=settings.timezone, quiet_start=settings.quiet_start,
                         quiet_end=settings.quiet_end, skip_if_checked_in=settings.skip_if_checked_in)


def _page(form: RemindersForm | None = None):
    settings = services.settings_for(current_user)
    key, version = subscriptions.vapid_public_key()
    subs = subscriptions.list_subscriptions(current_user)
    paused, next_at = services.pause_and_next(settings, utcnow())
    backoff = services.current_backoff(settings) if current_user.is_member else nudges.Backoff()
    form = form or _form_from(settings)
    clashes = [services.quiet_hours_message(settings, clock) for clock in
               nudges.quiet_clashes(services.schedule_of(settings))]
    return render_template(
        "push/reminders.html", form=form, pause_form=PauseForm(), action_form=ActionForm(), settings=settings,
        quiet_clashes=clashes,
        devices=subs, vapid_key=key, vapid_version=version, paused=paused,
        paused_day=paused and local_datetime(paused, settings.timezone),
        next_local=next_at and local_datetime(next_at, settings.timezone), tz=settings.timezone,
        backoff_message=nudges.backoff_message(backoff),
    ), 400 if form.errors else 200


@bp.get("/reminders")
@login_required
def reminders():
    return _page()


@bp.post("/reminders")
@members_only
def save():
    form = RemindersForm()
    if form.validate_on_submit():
        body = {
            "enabled": form.enabled.data,
            "times": [t.strftime("%H:%M") for t in (form.time1.data, form.time2.data, form.time3.data) if t],
            "days": list(form.days.data or []),
            "timezone": form.timezone.data,
            "quiet_hours": ({"start": form.quiet_start.data.strftime("%H:%M"),
                             "end": form.quiet_end.data.strftime("%H:%M")} if form.quiet_start.data else None),
            "skip_if_checked_in": form.skip_if_checked_in.data,
        }
        try:
            services.update_settings(current_user, services.parse_settings(body), utcnow())
        except ValidationError as exc:
            for name, message in exc.fields.items():
                field = _field_for(form, name, message)
                field.errors = [*field.errors, message]
        else:
            flash("Reminder settings saved.", "success")
            return redirect(url_for("push.reminders"))
    return _page(form)


def _field_for(form: RemindersForm, name: str, message: str):
    """The form field a settings error belongs on: a time the message names (quiet-hours clashes), a
    quiet-hours end, or the field of that name; the first time otherwise."""
    times = (form.time1, form.time2, form.time3)
    if name.startswith("times"):
        return next((f for f in times if f.data and f.data.strftime("%H:%M") in message), form.time1)
    if name.startswith("quiet_hours"):
        return form.quiet_end if name.endswith(".end") else form.quiet_start
    return getattr(form, name, None) or form.time1


@bp.post("/reminders/pause")
@members_only
def pause():
    form = PauseForm()
    if form.validate_on_submit():
        services.update_settings(current_user, {"pause_days": form.days.data}, utcnow())
        flash("Reminders are paused. Take care of yourself.", "success")
    return redirect(url_for("push.reminders"))


@bp.post("/reminders/resume")
@members_only
def resume():
    if ActionForm().validate_on_submit():
        services.update_settings(current_user, {"pause_days": 0}, utcnow())
        flash("Reminders are back on.", "success")
    return redirect(url_for("push.reminders"))


@bp.post("/reminders/test")
@login_required
@test_send_limit
def send_test():
    if ActionForm().validate_on_submit():
        try:
            count = services.enqueue_test(current_user, origin=request.host_url.rstrip("/"), now=utcnow())
        except services.PushError as exc:
            flash(exc.message, "info")
        else:
            flash(f"A test notification is on its way to {count} device{'s' if count != 1 else ''}.", "success")
    return redirect(url_for("push.reminders"))


@bp.post("/reminders/devices/<sub_id>/delete")
@login_required
def remove_device(sub_id):
    sub = own_or_404(PushSubscription, sub_id)
    if ActionForm().validate_on_submit():
        if not confirmed():
            return ask_first(title="Remove this device?", button="Remove device", keep="Keep it",
                             back=url_for("push.reminders"),
                             question="It will no longer get reminders or notifications. You can turn them "
                                      "on again from that device.")
        subscriptions.unsubscribe(sub)
        flash("That device will no longer get notifications.", "success")
    return redirect(url_for("push.reminders"))
