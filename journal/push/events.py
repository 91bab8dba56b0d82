"""Notifying a member: other features send `journal.signals.member_notified` (user_id, event, path), and
this module, connected by the push feature's init_app, queues the notification.

Callers pass only an event name and a same-origin URL, never content: the push payload is generic
("Someone replied to your check-in"), because push services (Google, Mozilla, Apple) see it.
"""
from __future__ import annotations

from flask import has_request_context, request

from journal.extensions import utcnow

# Event names other features may send; the push feature maps each to a generic title and body.
EVENTS = {
    "comment": "Someone replied to your check-in",
    "reaction": "Someone sent you support",
    "connection_request": "Someone would like to connect",
    "connection_accepted": "You have a new peer connection",
    "thinking_of_you": "Someone is thinking of you",
    "clinician_joined": "A clinician accepted your invitation",
    # questionnaires: one the member scheduled is due (never which one, never a score)
    "questionnaire_due": "A questionnaire you asked for is ready",
}


def notify(user_id: int, event: str, url: str) -> None:
    """Queue a generic push notification about `event` for the member's devices.

    Runs inside the caller's transaction (the caller commits): the notification and one delivery job per
    device are added to the outbox, and the push worker sends them. Reminder pauses do not hold events
    back (they come from people); quiet hours do: an event then waits until they end.
    """
    if event not in EVENTS:
        raise ValueError(f"unknown event {event!r}")
    if not url.startswith("/") or url.startswith("//") or "\\" in url or len(url) > 255:
        raise ValueError("notification URLs must be same-origin paths")
    from journal.push import services  # here, not at the top: services imports EVENTS from this module

    origin = request.host_url.rstrip("/") if has_request_context() else None
    services.enqueue_event(user_id, event, url, origin=origin, now=utcnow())


def on_member_notified(app, user_id: int, event: str, path: str) -> None:
    """Receiver of journal.signals.member_notified."""
    notify(user_id, event, path)
