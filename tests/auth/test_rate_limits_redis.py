"""With several workers, rate limits must be shared: Redis storage makes two app instances (two gunicorn
workers, or two machines) count together, where in-memory storage would let each allow the full limit."""
import os
import uuid

import pytest

from journal import create_app
from tests.conftest import Client, app_config, require_service


@pytest.fixture
def redis_url():
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        require_service("Redis", "TEST_REDIS_URL is not set")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        require_service("Redis", f"cannot connect: {exc.__class__.__name__}")
    return url


def test_two_workers_share_login_limits_through_redis(tmp_path, redis_url):
    database = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    shared = {"RATELIMIT_STORAGE_URI": redis_url, "RATELIMIT_KEY_PREFIX": f"pj-test-{uuid.uuid4()}",
              "RATELIMIT_LOGIN_ACCOUNT": "3 per minute"}
    first = create_app(app_config(tmp_path / "a", database, **shared))
    second_config = app_config(tmp_path / "b", database, **shared)
    second_config.update(SECRET_KEY=first.config["SECRET_KEY"], MASTER_KEYS=first.config["MASTER_KEYS"])
    second = create_app(second_config)
    from journal.extensions import db

    with first.app_context():
        db.create_all()
    workers = [Client(first), Client(second)]
    statuses = [workers[i % 2].login("target@example.org", f"guess number {i}!").status_code for i in range(3)]
    assert statuses == [400, 400, 400]
    # A worker started now (in-memory storage would start counting from zero) still refuses the account.
    third_config = app_config(tmp_path / "c", database, **shared)
    third_config.update(SECRET_KEY=first.config["SECRET_KEY"], MASTER_KEYS=first.config["MASTER_KEYS"])
    third = create_app(third_config)
    assert Client(third).login("target@example.org", "one more guess").status_code == 429
    assert Client(second).login("someone-else@example.org", "a first guess").status_code == 400
    for app in (first, second, third):
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
