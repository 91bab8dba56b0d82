"""32 members writing at once on SQLite: nothing lost, no "database is locked"."""
import threading

import pytest
from sqlalchemy import func, select

from journal.entries.models import Checkin
from journal.extensions import db
from tests.conftest import Client

WRITERS = 32
EACH = 8


@pytest.fixture
def config_overrides():
    return {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": WRITERS + 4, "max_overflow": 0}}


def test_concurrent_writers_lose_nothing(sqlite_app, caplog):
    clients = []
    for i in range(WRITERS):
        client = Client(sqlite_app)
        client.register(f"writer{i}@example.org")
        client.login(f"writer{i}@example.org")
        client.token = client.csrf_token()
        clients.append(client)

    statuses, start = [], threading.Barrier(WRITERS)

    def write(client, n):
        start.wait()
        for j in range(EACH):
            # Every request reads (user, idempotency key, catalog) before it writes: the case that fails
            # at once with "database is locked" under a deferred BEGIN.
            response = client.http.post("/api/v1/checkins", json={"mood": (j % 5) + 1, "note": f"w{n}-{j}"},
                                        headers={"X-CSRFToken": client.token, "Idempotency-Key": _key(n, j)})
            statuses.append(response.status_code)

    threads = [threading.Thread(target=write, args=(c, n)) for n, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses.count(201) == WRITERS * EACH, sorted(set(statuses))
    assert "database is locked" not in caplog.text
    with sqlite_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Checkin)) == WRITERS * EACH
        per_owner = db.session.execute(select(Checkin.owner_id, func.count()).group_by(Checkin.owner_id)).all()
        assert sorted(n for _, n in per_owner) == [EACH] * WRITERS


def _key(n, j):
    import uuid

    return str(uuid.UUID(int=n * 1000 + j + 1))
