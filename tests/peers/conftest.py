"""Peer test helpers: opt members in, connect them, and read their public ids, all through the API;
count the queries a page runs."""
from __future__ import annotations

import pytest


def opt_in(client, *, conditions=("lupus",), topics=("fatigue",), languages=("en",), support="both",
           timezone="UTC", **extra) -> str:
    """Turn peer support on for this member; returns their public member id."""
    body = {"enabled": True, "conditions": list(conditions), "topics": list(topics), "languages": list(languages),
            "support": support, "timezone": timezone, **extra}
    response = client.api("PUT", "/api/v1/peers/profile", json=body)
    assert response.status_code == 200, response.get_json()
    client.member_id = response.get_json()["member"]["id"]
    return client.member_id


def connect(a, b) -> None:
    """a asks b to connect and b accepts."""
    response = a.api("POST", "/api/v1/peers/connections", json={"member_id": b.member_id})
    assert response.status_code == 201, response.get_json()
    response = b.api("POST", f"/api/v1/peers/connections/{a.member_id}/accept")
    assert response.status_code == 200, response.get_json()


def accept_guidelines(client) -> None:
    assert client.api("POST", "/api/v1/peers/guidelines").status_code == 204


def share(client, **fields) -> str:
    """A check-in shared with peers; returns its id."""
    from tests.conftest import make_checkin

    audience = {"peers": True, "clinicians": False, "hide_note_from_peers": False, **fields.pop("audience", {})}
    return make_checkin(client, audience=audience, **fields)["id"]


def statements_of(app, client, url) -> list[str]:
    """The SQL statements one page load runs (it must answer 200)."""
    from sqlalchemy import event

    from journal.extensions import db

    statements = []
    with app.app_context():
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get(url).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
    return statements


@pytest.fixture
def peers(members):
    """Two opted-in, connected members who accepted the guidelines: (author, peer)."""
    author = members.make(display_name="Robin Author")
    peer = members.make(display_name="Sam Peer")
    opt_in(author)
    opt_in(peer)
    connect(author, peer)
    accept_guidelines(author)
    accept_guidelines(peer)
    return author, peer
