"""The push API under /api/v1 (documented in journal/push/apispec.py): the VAPID key, my devices, a test
notification, snoozing, and reminder settings. The service worker and push.js depend on these shapes."""
from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_login import current_user, login_required

from journal.domain import ValidationError
from journal.errors import api_error
from journal.extensions import limiter, utcnow
from journal.jsonapi import iso, json_body
from journal.push import members_only, nudges, services, subscriptions, test_send_limit
from journal.push.models import PushSubscription
from journal.security import own_or_404

bp = Blueprint("push_api", __name__)






def _origin() -> str:
    return request.host_url.rstrip("/")




def subscription_json(sub: PushSubscription, endpoint: str | None, version: int) -> dict:
    return {"id": str(sub.id), "label": sub.label, "push_service": sub.push_origin.split("://", 1)[-1],
            "endpoint": endpoint, "vapid_key_version": sub.vapid_key_version,
            "current": sub.vapid_key_version == version, "created_at": iso(sub.created_at),
            "last_success_at": iso(sub.last_success_at)}


def reminders_json(settings) -> dict:
    schedule = services.schedule_of(settings)
    backoff = services.current_backoff(settings)
    quiet = None
    if settings.quiet_start is not None and settings.quiet_end is not None:
        quiet = {"start": settings.quiet_start.strftime("%H:%M"), "end": settings.quiet_end.strftime("%H:%M")}
    paused, next_at = services.pause_and_next(settings, utcnow())
    return {
        "enabled": bool(settings.enabled),
        "times": [t.strftime("%H:%M") for t in schedule.times],
        "days": [nudges.DAY_NAMES[d] for d in sorted(schedule.days)],
        "timezone": settings.timezone,
        "quiet_hours": quiet,
        "skip_if_checked_in": bool(settings.skip_if_checked_in),
        "paused_until": iso(paused),
        "next_reminder_at": iso(next_at),
        "backoff": {"ignored_in_a_row": backoff.ignored_in_a_row, "every_other_day": backoff.every_other_day,
                    "message": nudges.backoff_message(backoff)},
    }


@bp.get("/push/vapid-public-key")
def vapid_public_key():
    key, version = subscriptions.vapid_public_key()
    return jsonify({"key": key, "version": version})


@bp.get("/push/subscriptions")
@login_required
def list_subscriptions():
    version = subscriptions.vapid_key_version()
    items = [subscription_json(sub, subscriptions.subscription_endpoint(current_user, sub), version)
             for sub in subscriptions.list_subscriptions(current_user)]
    return jsonify({"items": items})


@bp.post("/push/subscriptions")
@login_required
def subscribe():
    body, error = json_body()
    if error:
        return error
    try:
        data = subscriptions.parse_subscription(body)
        label = subscriptions.device_label(request.user_agent.string)
        sub, created = subscriptions.subscribe(current_user, data, label=label, app_origin=_origin(), now=utcnow())
    except ValidationError as exc:
        return api_error(422, "invalid", exc.message, exc.fields)
    except services.PushError as exc:
        return api_error(exc.status, exc.code, exc.message, exc.fields)
    return jsonify(subscription_json(sub, data.endpoint, subscriptions.vapid_key_version())), 201 if created else 200


@bp.delete("/push/subscriptions/<sub_id>")
@login_required
def unsubscribe(sub_id):
    subscriptions.unsubscribe(own_or_404(PushSubscription, sub_id))
    return "", 204


@bp.post("/push/test")
@login_required
@test_send_limit
def send_test():
    try:
        queued = services.enqueue_test(current_user, origin=_origin(), now=utcnow())
    except services.PushError as exc:
        return api_error(exc.status, exc.code, exc.message)
    return jsonify({"queued": queued}), 202


@bp.post("/push/snooze")
@members_only
@limiter.limit("30 per hour")
def snooze():
    body, error = json_body()
    if error:
        return error
    try:
        due = services.snooze(current_user, body.get("minutes", 60), origin=_origin(), now=utcnow())
    except ValidationError as exc:
        return api_error(422, "invalid", exc.message, exc.fields)
    return jsonify({"due_at": iso(due)}), 202


@bp.get("/reminders")
@members_only
def get_reminders():
    return jsonify(reminders_json(services.settings_for(current_user)))


@bp.put("/reminders")
@members_only
def put_reminders():
    body, error = json_body()
    if error:
        return error
    unknown = set(body) - {"enabled", "times", "days", "timezone", "quiet_hours", "skip_if_checked_in",
                           "pause_days"}
    if unknown:
        return api_error(422, "invalid", "Unknown fields.", {name: "Not a setting." for name in sorted(unknown)})
    try:
        settings = services.update_settings(current_user, services.parse_settings(body), utcnow())
    except ValidationError as exc:
        return api_error(422, "invalid", exc.message, exc.fields)
    return jsonify(reminders_json(settings))
