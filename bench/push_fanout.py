"""Push fan-out benchmark: 10,000 due reminders to a local push sink on 127.0.0.1, end to end.

Each round times the real worker code path (`journal.push.worker.Worker`): enqueue the due reminder slots
(one notification and one delivery job per member), claim with a lease, decrypt the stored subscription,
encrypt the message (RFC 8291, pywebpush + http_ece), sign or reuse the VAPID header, POST it over the shared
aiohttp session, record the outcome. The baseline, measured in the same run and interleaved with it, is a
plain sequential `pywebpush.webpush()` loop (key string, fresh claims dict, no session) to the same sink.

Each round is measured with one worker process and with `--processes` of them (default: one per core), each
with its own engine, event loop and aiohttp session, as `JOURNAL_PUSH_WORKERS=N` runs them. The sink runs in
its own process and answers 201 without decrypting (a real push service's work is not ours to count), so on
a 2-core machine the sink and the workers share the CPU. With `--database-url postgresql+psycopg://…` the
benchmark works in a private schema it creates and drops.

Target (2 cores): >= 2,000 messages/s end to end.

    .venv/bin/python bench/push_fanout.py [--messages 10000] [--rounds 5] [--baseline 1000] [--processes 2]
                                          [--database-url URL]
"""
from __future__ import annotations

import argparse
import asyncio
import base64
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

NOW = datetime(2026, 6, 1, 12, 1, tzinfo=UTC)
SUBJECT = "mailto:bench@peerjournal.app"


# --- The sink -------------------------------------------------------------------------------------------


def _sink(conn):
    from aiohttp import web

    count = 0

    async def handle(request):
        nonlocal count
        await request.read()
        count += 1
        return web.Response(status=201)

    async def total(request):
        return web.json_response({"count": count})

    async def main():
        app = web.Application()
        app.router.add_post("/push/{token}", handle)
        app.router.add_get("/count", total)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
        await site.start()
        conn.send(site._server.sockets[0].getsockname()[1])
        await asyncio.Event().wait()

    asyncio.run(main())


def start_sink():
    parent, child = multiprocessing.Pipe()
    process = multiprocessing.Process(target=_sink, args=(child,), daemon=True)
    process.start()
    return process, parent.recv()


def sink_count(port: int) -> int:
    import urllib.request

    with urllib.request.urlopen(f"http://127.0.0.1:{port}/count") as response:  # noqa: S310 - local sink
        return json.loads(response.read())["count"]


# --- The app and its data -------------------------------------------------------------------------------


def b64e(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def device_keys(count: int) -> list[tuple[str, str]]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    keys = []
    for _ in range(count):
        public = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        keys.append((b64e(public), b64e(os.urandom(16))))
    return keys


def bench_config(database_url: str, instance: Path) -> dict:
    from journal import crypto

    return {
        "TESTING": False, "JOURNAL_ENV": "development", "INSTANCE_PATH": str(instance),
        "SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench", "MASTER_KEYS": crypto.Keyring.generate()
        .serialize(), "VAPID_PRIVATE_KEY": crypto.generate_vapid_private_key(), "VAPID_SUBJECT": SUBJECT,
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1", "RATELIMIT_STORAGE_URI": "memory://",
        "PUSH_ALLOW_LOCAL_SERVICES": True,  # the sink listens on 127.0.0.1
    }


def make_app(config: dict):
    from journal import create_app

    return create_app(dict(config))


def postgres_schema(url: str) -> tuple[str, str]:
    """A private, empty schema for this run, so the benchmark never touches anyone else's tables."""
    from sqlalchemy import create_engine, text

    schema = f"pj_push_bench_{os.getpid()}"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    engine.dispose()
    return schema, f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"


def drop_postgres_schema(url: str, schema: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


def populate(app, port: int, members: int) -> None:
    """Members with one device each (encrypted subscription), a reminder at 12:00 UTC that is due."""
    from sqlalchemy import insert, text

    from journal import crypto
    from journal.accounts import DataKeyRecord, User
    from journal.extensions import db
    from journal.push.models import PushSubscription, ReminderSettings
    from journal.push.subscriptions import SECRET_COLUMN

    with app.app_context():
        db.create_all()
        vault = crypto.vault()
        keys = device_keys(members)
        created = NOW - timedelta(days=1)
        db.session.execute(insert(User), [
            {"id": n + 1, "email": f"m{n}@bench.example", "password_hash": "x", "display_name": f"M{n}",
             "role": "member", "timezone": "UTC", "created_at": created}
            for n in range(members)])
        wrapped = [vault.new_data_key(n + 1) for n in range(members)]
        db.session.execute(insert(DataKeyRecord), [
            {"id": n + 1, "user_id": n + 1, "master_key_id": w.master_key_id, "wrapped": w.wrapped,
             "created_at": created} for n, w in enumerate(wrapped)])
        subscriptions = []
        for n, (p256dh, auth) in enumerate(keys):
            key = vault.unwrap(n + 1, n + 1, wrapped[n])
            sub_id = uuid.uuid4()
            endpoint = f"http://127.0.0.1:{port}/push/{uuid.uuid4().hex}"
            secret = key.encrypt_json({"endpoint": endpoint, "p256dh": p256dh, "auth": auth},
                                      table=SECRET_COLUMN, row_id=sub_id)
            subscriptions.append({"id": sub_id, "owner_id": n + 1, "endpoint_hash": crypto.hash_token(endpoint),
                                  "secret": secret, "push_origin": f"http://127.0.0.1:{port}",
                                  "app_origin": "http://127.0.0.1:5000", "label": "Bench", "vapid_key_version": 1,
                                  "revision": 1, "created_at": created, "updated_at": created})
        db.session.execute(insert(PushSubscription), subscriptions)
        db.session.execute(insert(ReminderSettings), [
            {"user_id": n + 1, "enabled": True, "times": "12:00", "days": 127, "timezone": "UTC",
             "skip_if_checked_in": True, "ignored_in_a_row": 0, "every_other_day": False, "updated_at": created}
            for n in range(members)])
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("SELECT setval(pg_get_serial_sequence('users', 'id'), :n)"), {"n": members})
        db.session.commit()


def reset(app) -> None:
    """Forget the previous round's outbox and make every member's reminder due again."""
    from sqlalchemy import delete, update

    from journal.extensions import db
    from journal.push.models import PushJob, PushNotification, ReminderSettings

    with app.app_context():
        db.session.execute(delete(PushJob))
        db.session.execute(delete(PushNotification))
        db.session.execute(update(ReminderSettings).values(next_due_at=NOW - timedelta(minutes=1), ignored_in_a_row=0,
                                                           last_nudge_at=None))
        db.session.commit()


def _outbox_done(app, members: int) -> bool:
    from sqlalchemy import func, select

    from journal.extensions import db
    from journal.push.models import PushJob

    with app.app_context():
        done = db.session.scalar(select(func.count(PushJob.id)).where(PushJob.status == "sent"))
        db.session.rollback()
    return done >= members


def _drain(config: dict, members: int, concurrency: int, batch: int, go, results) -> None:
    """One worker process: the production Worker, run until every reminder of the round is sent."""
    from journal.push.worker import Worker

    app = make_app(config)
    worker = Worker(app, clock=lambda: NOW, batch_size=batch, concurrency=concurrency)
    go.wait()
    cpu = time.process_time()
    while True:
        worker.run(once=True)  # enqueue what is due, then send until nothing is claimable
        if _outbox_done(app, members):
            break
    results.put({"tally": dict(worker.tally), "cpu": time.process_time() - cpu, "finished": time.monotonic()})


def fanout_round(app, config: dict, port: int, members: int, concurrency: int, batch: int, processes: int) -> dict:
    """End to end with `processes` worker processes (each its own engine, event loop and aiohttp session)."""
    context = multiprocessing.get_context("spawn")
    reset(app)
    before = sink_count(port)
    go, results = context.Event(), context.Queue()
    workers = [context.Process(target=_drain, args=(config, members, concurrency, batch, go, results))
               for _ in range(processes)]
    for process in workers:
        process.start()
    time.sleep(3)  # let the processes import and build the app before the clock starts
    started = time.monotonic()
    go.set()
    reports = [results.get(timeout=600) for _ in workers]
    for process in workers:
        process.join()
    elapsed = max(r["finished"] for r in reports) - started
    received = sink_count(port) - before
    sent = sum(r["tally"].get("sent", 0) for r in reports)
    assert sent == members == received, (sent, received, reports)
    return {"processes": processes, "messages": members, "seconds": elapsed, "per_second": members / elapsed,
            "sent_by_process": [r["tally"].get("sent", 0) for r in reports],
            "worker_cpu_ms_per_message": sum(r["cpu"] for r in reports) * 1000 / members}


def baseline_round(app, port: int, count: int) -> dict:
    import pywebpush

    private_key = app.config["VAPID_PRIVATE_KEY"]
    keys = device_keys(count)
    payload = json.dumps({"web_push": 8030, "notification": {"title": "A moment for you", "body": "How are you?",
                                                             "navigate": "http://127.0.0.1:5000/checkin"}})
    before = sink_count(port)
    started = time.perf_counter()
    for p256dh, auth in keys:
        pywebpush.webpush({"endpoint": f"http://127.0.0.1:{port}/push/{uuid.uuid4().hex}",
                           "keys": {"p256dh": p256dh, "auth": auth}}, payload, vapid_private_key=private_key,
                          vapid_claims={"sub": SUBJECT}, ttl=3600, timeout=10)
    elapsed = time.perf_counter() - started
    assert sink_count(port) - before == count
    return {"messages": count, "seconds": elapsed, "per_second": count / elapsed}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--baseline", type=int, default=1000, help="messages per baseline round")
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 2,
                        help="worker processes for the multi-worker figure (one worker is always measured too)")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    args = parser.parse_args()

    sink, port = start_sink()
    schema = None
    with tempfile.TemporaryDirectory(prefix="pj-push-bench-") as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        if url.startswith("postgresql"):
            schema, url = postgres_schema(url)
        config = bench_config(url, Path(tmp) / "instance")
        app = make_app(config)
        print(f"populating {args.messages} members on {url.split(':')[0].split('+')[0]} …", flush=True)
        populate(app, port, args.messages)
        baseline, single, multi = [], [], []
        for round_number in range(1, args.rounds + 1):  # interleaved: the machine drifts minute to minute
            baseline.append(baseline_round(app, port, args.baseline))
            single.append(fanout_round(app, config, port, args.messages, args.concurrency, args.batch, 1))
            if args.processes > 1:
                multi.append(fanout_round(app, config, port, args.messages, args.concurrency, args.batch,
                                          args.processes))
            print(f"round {round_number}: webpush() loop {baseline[-1]['per_second']:,.0f} msg/s; fan-out, 1 worker "
                  f"{single[-1]['per_second']:,.0f} msg/s ({single[-1]['seconds']:.2f} s)"
                  + (f"; {args.processes} workers {multi[-1]['per_second']:,.0f} msg/s ({multi[-1]['seconds']:.2f} s, "
                     f"sent {multi[-1]['sent_by_process']})" if multi else ""), flush=True)
        with app.app_context():
            from journal.extensions import db

            db.session.remove()
            db.engine.dispose()
        if schema:
            drop_postgres_schema(args.database_url, schema)
    sink.terminate()

    def median(rows):
        return statistics.median(r["per_second"] for r in rows) if rows else None

    base, one, many = median(baseline), median(single), median(multi)
    best = max(one, many or 0)
    summary = {
        "benchmark": "push_fanout", "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(), "database": url.split(":")[0].split("+")[0], "messages": args.messages,
        "concurrency": args.concurrency, "batch": args.batch, "processes": args.processes,
        "baseline_median_per_second": round(base), "one_worker_median_per_second": round(one),
        "workers_median_per_second": round(many) if many else None,
        "ratio_one_worker": round(one / base, 2), "ratio_workers": round(many / base, 2) if many else None,
        "worker_cpu_ms_per_message": round(statistics.median(r["worker_cpu_ms_per_message"] for r in single), 3),
        "target_per_second": 2000, "meets_target": best >= 2000,
        "rounds": {"baseline": baseline, "one_worker": single, "workers": multi},
    }
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    path = results / f"push-fanout-{datetime.now(UTC):%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(summary, indent=2) + "\n")
    print(f"\nmedians over {args.rounds} rounds, {args.messages} due reminders end to end:")
    print(f"  sequential pywebpush.webpush() loop: {base:,.0f} msg/s")
    print(f"  fan-out, 1 worker process:           {one:,.0f} msg/s ({one / base:.1f}x), "
          f"{summary['worker_cpu_ms_per_message']} ms CPU per message")
    if many:
        print(f"  fan-out, {args.processes} worker processes:          {many:,.0f} msg/s ({many / base:.1f}x)")
    print(f"  target >= 2,000 msg/s on {os.cpu_count()} cores: {'met' if best >= 2000 else 'NOT met'}")
    print(f"results: {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
