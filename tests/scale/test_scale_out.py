"""Scale-out, proven on the production shape (tests/scale/stack.py: gunicorn with 2 web and 2 push workers,
PostgreSQL, Redis, a TLS proxy's X-Forwarded-For): 50 phones check in 1,000 times with no error and no double;
PostgreSQL restarts mid-run and every acknowledged check-in survives; a push service refusing half the requests
still gets each reminder exactly once; the login limits hold across workers.

Bounded: the module takes about a minute and a half on 2 cores. Run it alone with
`.venv/bin/pytest tests/scale -q` (TEST_DATABASE_URL and TEST_REDIS_URL set).
"""
from __future__ import annotations

import subprocess
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import bindparam, text

from tests.push.fakepush import FakePushService
from tests.scale import stack as stack_module
from tests.scale.phone import Phone

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.scale]

PHONES = 50


def each(phones, work):
    """Run `work(phone, index)` on every phone at once; return the results in order (the first error raises)."""
    with ThreadPoolExecutor(max_workers=len(phones)) as pool:
        return list(pool.map(work, phones, range(len(phones))))


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    push = FakePushService().start()
    try:
        running, server = stack_module.start(tmp_path_factory.mktemp("scale"), push)
        try:
            yield running
        finally:
            stack_module.stop(running, server)
    finally:
        push.stop()


@pytest.fixture(scope="module")
def phones(stack):
    """50 members, each registered and logged in through the pages from a phone of their own."""
    phones = [Phone(stack.port, stack.address(), f"Phone {n}") for n in range(PHONES)]
    run = uuid.uuid4().hex[:8]  # Redis outlives the schema: login limits per account must start afresh
    each(phones, lambda phone, n: phone.join(f"phone{n}-{run}@example.org"))
    return phones


def check_in_everywhere(phones, count: int | None, *, seconds: float, resend_every: int = 4,
                        done=lambda sent: False) -> list:
    """Every phone sends `count` check-ins (or, without a count, goes on until `done(its sent list)`); every
    `resend_every`-th is sent again with its key, as when the answer was lost on the way back, and must be
    the same entry, not a new one."""
    deadline = time.monotonic() + seconds

    def day(phone, n):
        sent = []
        while (len(sent) < count) if count is not None else not done(sent):
            i = len(sent)
            item = phone.check_in({"mood": (n + i) % 5 + 1, "energy": i % 5 + 1, "note": f"Day {i} of {n}."},
                                  deadline=deadline)
            if i % resend_every == resend_every - 1:
                again = phone.resend(item, deadline=deadline)
                assert again.status == 201 and again.headers["Idempotent-Replayed"] == "true", again.text
                assert again.json["id"] == item.entry_id
            sent.append(item)
        return sent

    return [item for sent in each(phones, day) for item in sent]


def assert_database_holds_exactly(stack, sent) -> None:
    """Every acknowledged check-in is stored once, and nothing else is."""
    stack.acknowledged.update(item.entry_id for item in sent)
    stored = [str(row[0]) for row in stack.rows("SELECT id FROM checkins")]
    assert len(stored) == len(set(stored)) == len(stack.acknowledged)
    assert set(stored) == stack.acknowledged


def test_fifty_phones_check_in_a_thousand_times_without_an_error_or_a_double(stack, phones):
    started = time.monotonic()
    sent = check_in_everywhere(phones, 20, seconds=60)

    assert len(sent) == 1000 and len({item.entry_id for item in sent}) == 1000
    assert [item for item in sent if item.attempts > 1] == [], "a request needed a retry with no fault injected"
    assert [failure for phone in phones for failure in phone.failures(since=started)] == []
    assert_database_holds_exactly(stack, sent)
    # Spread over both web workers (the access log names the worker that answered each request).
    assert len(stack.workers_that_answered("POST", "/api/v1/checkins", phones[0].address)
               | stack.workers_that_answered("POST", "/api/v1/checkins", phones[1].address)) == 2


def test_postgres_restarting_mid_run_loses_no_acknowledged_check_in(stack, phones):
    command, reason = stack_module.postgres_restart_command()
    if command is None:
        if stack_module.CI:
            pytest.fail(f"CI=true must restart PostgreSQL: {reason}")
        pytest.skip(f"not restarting PostgreSQL: {reason}")
    window = {}

    def restart_when_busy():
        give_up = time.monotonic() + 60
        while stack.scalar("SELECT count(*) FROM checkins") < len(stack.acknowledged) + 100:
            if time.monotonic() > give_up:
                raise AssertionError("the phones never got going")
            time.sleep(0.02)
        window["start"] = time.monotonic()
        done = subprocess.run(command, capture_output=True, text=True, timeout=90)
        window["end"], window["result"] = time.monotonic(), done

    def three_after_the_restart(sent) -> bool:  # every phone checks in before, during and after it
        return "end" in window and sum(item.acknowledged_at > window["end"] for item in sent) >= 3

    with ThreadPoolExecutor(max_workers=1) as pool:
        restarting = pool.submit(restart_when_busy)
        sent = check_in_everywhere(phones, None, seconds=90, done=three_after_the_restart)
        restarting.result(timeout=120)
    assert window["result"].returncode == 0, window["result"].stderr

    before = [item for item in sent if item.acknowledged_at < window["start"]]
    after = [item for item in sent if item.acknowledged_at > window["end"]]
    assert before and len(after) >= 3 * len(phones), "the restart happened mid-run, and check-ins went on after it"
    # Errors only while the database was away (and the few seconds a worker needs to notice); each was
    # retried with its key until acknowledged, and none made a second entry.
    late = [f for phone in phones for f in phone.failures(since=window["end"] + 10)]
    assert late == [], late
    assert_database_holds_exactly(stack, sent)
    failures = Counter(f[3] for phone in phones for f in phone.failures(since=window["start"]))
    print(f"\nPostgreSQL restart took {window['end'] - window['start']:.1f}s; answers retried: {dict(failures)}; "
          f"{len(before)} check-ins acknowledged before it, {len(sent) - len(before) - len(after)} during, "
          f"{len(after)} after")


def test_a_push_service_refusing_half_the_requests_still_gets_each_reminder_exactly_once(stack, phones):
    devices = []
    for n, phone in enumerate(phones):
        device = stack.push.new_device()
        # Each device's first push is refused: a 500 (backed off, 15-30 s) or a 429 with Retry-After: 1.
        device.answer(500 if n % 2 == 0 else (429, "1"))
        answer = phone.api("POST", "/api/v1/push/subscriptions", device.subscription())
        assert answer.status == 201, answer.text
        devices.append(device)
    # A reminder a minute ago, as each member sets it up; then the schedule is moved so it is due now (the
    # API schedules the next one, tomorrow) — the server's clock is never touched.
    minute = (datetime.now(UTC) - timedelta(minutes=1)).strftime("%H:%M")
    for phone in phones:
        answer = phone.api("PUT", "/api/v1/reminders", {"enabled": True, "times": [minute], "timezone": "UTC",
                                                        "quiet_hours": None, "skip_if_checked_in": False})
        assert answer.status == 200, answer.text
    ids = [phone.user_id for phone in phones]
    with stack.engine.begin() as connection:
        connection.execute(text("UPDATE reminder_settings SET next_due_at = :due WHERE user_id IN :ids")
                           .bindparams(bindparam("ids", expanding=True)),
                           {"due": datetime.now(UTC).replace(tzinfo=None) - timedelta(minutes=1), "ids": ids})

    deadline = time.monotonic() + 75
    while any(not device.delivered for device in devices) and time.monotonic() < deadline:
        time.sleep(0.2)
    settled = "SELECT count(*) FROM push_jobs WHERE status = 'sent'"
    while stack.scalar(settled) < len(devices) and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(10 * stack_module.POLL_SECONDS + 1)  # rounds enough for any stray second delivery to show

    assert stack.push.errors == []
    assert sorted(len(device.delivered) for device in devices) == [1] * len(devices)
    assert sorted(len(device.received) for device in devices) == [2] * len(devices)
    answered = Counter(received.answered for received in stack.push.received)
    assert answered == {201: 50, 500: 25, 429: 25}, answered  # half of all requests refused
    jobs = stack.rows("SELECT status, attempts, count(*) FROM push_jobs GROUP BY status, attempts")
    assert [tuple(row) for row in jobs] == [("sent", 2, 50)]
    assert stack.scalar("SELECT count(*) FROM push_notifications WHERE kind = 'nudge'") == 50


def test_login_limits_hold_across_web_workers(stack):
    def attempt(phone, email):
        return phone.form("/login", {"email": email, "password": "a wrong guess, again"}).status

    # One address guessing 40 accounts at once (20 per minute allowed per address, in Redis).
    run = uuid.uuid4().hex[:8]
    attacker = stack.address()
    guessers = [Phone(stack.port, attacker, f"Guesser {n}") for n in range(40)]
    statuses = each(guessers, lambda phone, n: attempt(phone, f"nobody{n}-{run}@example.org"))
    assert Counter(statuses) == {400: 20, 429: 20}
    assert len(stack.workers_that_answered("POST", "/login", attacker)) == 2, "both workers counted"
    # Another address is not held back by it.
    assert attempt(Phone(stack.port, stack.address(), "Bystander"), f"nobody-{run}@example.org") == 400

    # One account guessed from 15 addresses at once (10 per minute allowed per account).
    target = f"target-{run}@example.org"
    registered = Phone(stack.port, stack.address(), "Target").form("/register", {
        "email": target, "password": "a calm river at dawn", "display_name": "Target", "role": "member",
        "privacy": "y"})
    assert registered.status == 302
    spread = [Phone(stack.port, stack.address(), f"Botnet {n}") for n in range(15)]
    statuses = each(spread, lambda phone, n: attempt(phone, target))
    assert Counter(statuses) == {400: 10, 429: 5}
