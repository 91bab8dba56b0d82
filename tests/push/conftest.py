"""Push test fixtures: the fake push service, faster worker settings, and helpers to subscribe and deliver."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.push.fakepush import FakePushService


@pytest.fixture(scope="session")
def push_service():
    service = FakePushService().start()
    yield service
    service.stop()


@pytest.fixture
def config_overrides():
    # PUSH_ALLOW_LOCAL_SERVICES: the fake push service listens on 127.0.0.1, which served apps refuse.
    return {"PUSH_ALLOW_LOCAL_SERVICES": True,
            "PUSH_SEND_TIMEOUT": 0.5, "PUSH_POLL_SECONDS": 0.05, "VAPID_SUBJECT": "mailto:ops@peerjournal.app",
            "PUBLIC_ORIGIN": "https://journal.test.peerjournal.app"}


def subscribe(client, device, **extra):
    """Register a fake device for the client's member, through the API like push.js does."""
    response = client.api("POST", "/api/v1/push/subscriptions", json=device.subscription(**extra))
    assert response.status_code in (200, 201), response.get_json()
    return response.get_json()


def run_worker(app, now: datetime | None = None, **kwargs):
    """One `--once` pass of the worker at `now` (a fixed clock, so tests can move time)."""
    from journal.push.worker import Worker

    clock = (lambda: now) if now is not None else (lambda: datetime.now(UTC))
    return Worker(app, clock=clock, **kwargs).run(once=True)


def at(text: str) -> datetime:
    """An aware UTC datetime from '2026-03-08T12:00'."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)
