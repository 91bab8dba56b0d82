"""Mixed-load benchmark: 1,000 members using the app at once, against the real gunicorn server, on SQLite and on
PostgreSQL, beside the hello-world route measured in the same run.

The mix, each request from a member picked at random (their own session, CSRF token and address):
  35 %  GET /timeline          their journal: 20 decrypted check-ins in the full layout
  35 %  GET /peers/            the peer feed: what their connections shared, decrypted under each author's key
  20 %  POST /api/v1/checkins  a check-in as the app sends it (JSON, CSRF header, Idempotency-Key); half shared
  10 %  POST /api/v1/peers/entries/<id>/comments   a reply to an entry a connection shared
Members are seeded straight into the database through the app's own services (5-30 check-ins each over two
months, about half shared with peers, 6 connections on average, peer profiles on, guidelines accepted), then
each logs in through the login page. The server runs as in production behind a proxy (JOURNAL_PROXY_HOPS=1, each
member with an X-Forwarded-For of their own), with 2 sync workers, and no push worker.

Targets (2 cores, load generator included): mix >= 20 % of hello's requests/s, p95 <= 100 ms at 32 connections,
0 errors (every read 200, every write 201).

    .venv/bin/python bench/mixed.py [--rounds 5] [--duration 10] [--members 1000] [--backend sqlite|postgresql]
PostgreSQL comes from --postgres or TEST_DATABASE_URL (a private schema is created and dropped). Needs wrk.
"""
from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import VENV_BIN, free_port, run  # noqa: E402  (the load benchmark's conventions)

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "a calm river at dawn"
CONNECTIONS = 32
TARGET_RATIO, TARGET_P95_MS = 0.20, 100

# Lua for wrk: count every answer by status in each thread, and report it with the latency percentiles.
LUA_COMMON = """
local threads = {}
statuses = {}
setup = function(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end
response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
done = function(summary, latency, requests)
  local counts = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do counts[tostring(status)] = (counts[tostring(status)] or 0) + n end
  end
  local parts = {}
  for status, n in pairs(counts) do table.insert(parts, string.format('"%s": %d', status, n)) end
  io.write(string.format('JSON {"requests": %d, "duration_us": %d, "errors_socket": %d, "p50_ms": %.3f, '
    .. '"p95_ms": %.3f, "p99_ms": %.3f, "statuses": {%s}}\\n', summary.requests, summary.duration,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    table.concat(parts, ", ")))
end
"""

LUA_MIX = """
local counter = 0
request = function()
  counter = counter + 1
  local m = members[math.random(#members)]
  local headers = {["Cookie"] = m[1], ["X-Forwarded-For"] = m[2], ["User-Agent"] = m[3]}
  local r = math.random(100)
  if r <= 35 then return wrk.format("GET", "/timeline", headers) end
  if r <= 70 then return wrk.format("GET", "/peers/", headers) end
  headers["X-CSRFToken"] = m[4]
  headers["Content-Type"] = "application/json"
  if r <= 90 then
    headers["Idempotency-Key"] = string.format("%08x-%04x-4%03x-8%03x-%012x", id, counter % 65536,
                                               counter % 4096, math.random(0, 4095), counter)
    local share = (counter % 2 == 0) and "true" or "false"
    local body = string.format('{"mood": %d, "energy": %d, "note": "Mixed load, check-in %d.", '
                               .. '"audience": {"peers": %s}}', counter % 5 + 1, (counter + 2) % 5 + 1, counter, share)
    return wrk.format("POST", "/api/v1/checkins", headers, body)
  end
  if #m[5] == 0 then return wrk.format("GET", "/peers/", headers) end  -- no connection has shared yet
  local entry = m[5][math.random(#m[5])]
  return wrk.format("POST", "/api/v1/peers/entries/" .. entry .. "/comments", headers,
                    '{"body": "Sending you strength today.", "accept_guidelines": true}')
end
"""


# --- Seeding (runs in a child process with the server's environment: same database, same keys) ----------


def seed(members: int, out: Path, rng_seed: int = 7) -> None:
    """Members with catalogs, check-ins (about half shared), peer profiles and connections; writes for each
    member the entries they may reply to."""
    import random
    import uuid
    from datetime import timedelta

    from sqlalchemy import insert, select, update

    from journal.accounts import User
    from journal.auth import services as accounts
    from journal.entries import services, tracking
    from journal.entries.models import Checkin
    from journal.entries.validation import parse_checkin
    from journal.extensions import db, utcnow
    from journal.peers.models import PeerConnection, PeerProfile
    sys.path.insert(0, str(ROOT))
    from wsgi import app

    # Cheap password hashes for the seeded accounts only: logging 1,000 members in is set-up, not the mix.
    app.config["PASSWORD_HASH_METHOD"] = "scrypt:1024:8:1"
    rng, now = random.Random(rng_seed), utcnow()
    with app.app_context():
        users = []
        for i in range(members):
            user = accounts.register(email=f"member{i}@bench.example.org", password=PASSWORD,
                                     display_name=f"Member {i}", role="member", timezone="UTC")
            tracking.seed_catalog(user)
            users.append(user)
            tags = [t.id for t in tracking.load_catalog(user).tags]
            for _ in range(rng.randint(5, 30)):
                raw = {"mood": rng.randint(1, 5), "energy": rng.randint(1, 5), "pain": rng.randint(0, 4),
                       "sleep_hours": rng.choice([5, 6, 7, 8]), "tags": [str(rng.choice(tags))],
                       "note": "A few sentences about the day, as members write them. " * rng.randint(1, 4),
                       "audience": {"peers": rng.random() < 0.5},
                       "occurred_at": (now - timedelta(minutes=rng.randint(60, 60 * 24 * 60))).isoformat()}
                services.create_checkin(user, parse_checkin(raw, default_timezone="UTC", now=now))
            if i % 50 == 49:
                db.session.commit()
        db.session.commit()
        ids = [user.id for user in users]
        month_ago = now - timedelta(days=30)  # not "new accounts" (their stricter peer limits)
        db.session.execute(update(User).where(User.id.in_(ids)).values(created_at=month_ago))
        db.session.execute(insert(PeerProfile), [
            {"id": uuid.uuid4(), "user_id": uid, "enabled": True, "open_to_matches": True, "support": "both",
             "timezone": "UTC", "utc_offset_minutes": 0, "avatar_colour": "teal", "nudges_enabled": True,
             "guidelines_accepted_at": month_ago, "created_at": month_ago, "updated_at": month_ago} for uid in ids])
        pairs = set()
        while len(pairs) < members * 3:  # 6 connections per member on average
            a, b = rng.sample(ids, 2)
            pairs.add((min(a, b), max(a, b)))
        db.session.execute(insert(PeerConnection), [
            {"user_low": a, "user_high": b, "requester_id": a, "status": "accepted", "created_at": month_ago,
             "accepted_at": month_ago} for a, b in sorted(pairs)])
        db.session.commit()
        shared = {}
        for owner, entry in db.session.execute(select(Checkin.owner_id, Checkin.id).where(Checkin.share_peers)):
            shared.setdefault(owner, []).append(str(entry))
        peers = {uid: [] for uid in ids}
        for a, b in pairs:
            peers[a].append(b)
            peers[b].append(a)
        targets = {}
        for user in users:
            mine = [entry for peer in peers[user.id] for entry in shared.get(peer, [])]
            targets[user.email] = rng.sample(mine, min(len(mine), 10))
    out.write_text(json.dumps(targets))


# --- Logging in, measuring ----------------------------------------------------------------------------


def log_in(base: str, email: str, address: str, user_agent: str) -> tuple[str, str]:
    """Log one member in through the login page, from their address; return the Cookie header and CSRF token."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", user_agent), ("X-Forwarded-For", address)]
    page = opener.open(f"{base}/login").read().decode()
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"email": email, "password": PASSWORD, "csrf_token": token}).encode()
    opener.open(f"{base}/login", data=data).read()
    answer = json.loads(opener.open(f"{base}/api/v1/csrf-token").read())
    return "; ".join(f"{c.name}={c.value}" for c in jar), answer["csrf_token"]


def log_in_everyone(base: str, targets: dict) -> list[tuple]:
    """Every member logged in from an address and browser of their own:
    (cookie, address, user agent, CSRF token, entries they may reply to)."""
    def one(item):
        n, (email, entries) = item
        address, agent = f"10.{n // 250}.{n % 250}.7", f"PeerJournalBench/{n}"
        cookie, token = log_in(base, email, address, agent)
        return cookie, address, agent, token, entries

    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(one, enumerate(targets.items())))


def route_costs(port: int, members: list[tuple], count: int = 200) -> dict:
    """Each kind of request on its own, one at a time from random members (so never queued): the median
    milliseconds, which tell what the mix is made of."""
    import http.client
    import random
    import uuid

    rng = random.Random(3)
    repliers = [m for m in members if m[4]]

    def request(kind, member):
        cookie, address, agent, token, entries = member
        headers = {"Cookie": cookie, "X-Forwarded-For": address, "User-Agent": agent}
        if kind in ("check-in", "reply"):
            headers.update({"X-CSRFToken": token, "Content-Type": "application/json"})
        if kind == "check-in":
            headers["Idempotency-Key"] = str(uuid.uuid4())
            return "POST", "/api/v1/checkins", '{"mood": 3, "audience": {"peers": true}}', headers, 201
        if kind == "reply":
            return ("POST", f"/api/v1/peers/entries/{rng.choice(entries)}/comments",
                    '{"body": "Sending you strength today.", "accept_guidelines": true}', headers, 201)
        return "GET", {"hello": "/bench/hello", "timeline": "/timeline", "feed": "/peers/"}[kind], None, headers, 200

    costs = {}
    for kind in ("hello", "timeline", "feed", "check-in", "reply"):
        timings = []
        for _ in range(count):
            method, path, body, headers, expected = request(kind, rng.choice(repliers if kind == "reply" else members))
            connection = http.client.HTTPConnection("127.0.0.1", port)
            started = time.perf_counter()
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            timings.append((time.perf_counter() - started) * 1000)
            connection.close()
            if response.status != expected:
                raise RuntimeError(f"{kind}: {method} {path} answered {response.status}")
        costs[kind] = round(statistics.median(timings), 2)
    return costs


def lua_members(members: list[tuple]) -> str:
    """The members as a Lua table, for wrk."""
    rows = []
    for cookie, address, agent, token, entries in members:
        fields = [json.dumps(v) for v in (cookie, address, agent, token)]
        rows.append("{" + ", ".join(fields) + ", {" + ", ".join(json.dumps(e) for e in entries) + "}}")
    return "members = {\n" + ",\n".join(rows) + "\n}\n"


def wrk(base: str, path: str, duration: int, script: str) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        out = subprocess.run(["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{duration}s", "-s", handle.name, base + path],
                             check=True, capture_output=True, text=True).stdout
    finally:
        os.unlink(handle.name)
    stats = json.loads(out.split("JSON ", 1)[1].splitlines()[0])
    stats["rps"] = stats["requests"] / (stats["duration_us"] / 1e6)
    stats["errors"] = stats["errors_socket"] + sum(n for s, n in stats["statuses"].items() if s not in ("200", "201"))
    return stats


def measure(backend: str, database_url: str, args) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="pj-mixed-"))
    port = free_port()
    env = {**os.environ, "JOURNAL_INSTANCE_PATH": str(workdir), "DATABASE_URL": database_url,
           "JOURNAL_BENCH_ROUTES": "1", "PORT": str(port), "WEB_CONCURRENCY": str(args.workers),
           "JOURNAL_PUSH_WORKER": "0", "JOURNAL_PROXY_HOPS": "1", "PATH": f"{VENV_BIN}:{os.environ['PATH']}",
           # 1,000 members reply in these minutes as much as in a day: lift the per-account reply limit.
           "RATELIMIT_PEER_COMMENTS": "1000 per minute"}
    for name in ("RATELIMIT_STORAGE_URI", "REDIS_URL"):
        env.pop(name, None)
    run([str(VENV_BIN / "flask"), "--app", "wsgi", "db", "upgrade"], env)
    started = time.monotonic()
    seeding = subprocess.run([str(VENV_BIN / "python"), __file__, "--seed-into", str(workdir / "targets.json"),
                              "--members", str(args.members)], env=env, cwd=ROOT, capture_output=True, text=True)
    if seeding.returncode:
        raise RuntimeError(f"seeding failed:\n{seeding.stderr[-3000:]}")
    print(f"{backend}: seeded {args.members} members in {time.monotonic() - started:.0f}s", flush=True)
    server = subprocess.Popen([str(VENV_BIN / "gunicorn"), "--config", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT,
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz").read()
                break
            except OSError:
                time.sleep(0.1)
        members = log_in_everyone(base, json.loads((workdir / "targets.json").read_text()))
        mix = lua_members(members) + LUA_MIX + LUA_COMMON
        wrk(base, "/bench/hello", 2, LUA_COMMON)  # warm-up
        wrk(base, "/", 3, mix)
        costs = route_costs(port, members)
        runs = {"hello": [], "mix": []}
        for _ in range(args.rounds):  # interleaved: the machine drifts from minute to minute
            runs["hello"].append(wrk(base, "/bench/hello", args.duration, LUA_COMMON))
            runs["mix"].append(wrk(base, "/", args.duration, mix))
    finally:
        server.terminate()
        server.wait(timeout=20)
        shutil.rmtree(workdir, ignore_errors=True)
    hello = statistics.median(r["rps"] for r in runs["hello"])
    mixed = statistics.median(r["rps"] for r in runs["mix"])
    statuses = {}
    for r in runs["mix"]:
        for status, n in r["statuses"].items():
            statuses[status] = statuses.get(status, 0) + n
    return {"backend": backend, "hello_rps": round(hello), "mix_rps": round(mixed),
            "ratio": round(mixed / hello, 3),
            "round_ratios": [round(m["rps"] / h["rps"], 3) for h, m in zip(runs["hello"], runs["mix"], strict=True)],
            "hello_p95_ms": round(statistics.median(r["p95_ms"] for r in runs["hello"]), 1),
            "mix_p95_ms": round(statistics.median(r["p95_ms"] for r in runs["mix"]), 1),
            "mix_p99_ms": round(statistics.median(r["p99_ms"] for r in runs["mix"]), 1),
            "mix_requests": sum(r["requests"] for r in runs["mix"]), "mix_statuses": statuses,
            "errors": sum(r["errors"] for r in runs["mix"]) + sum(r["errors"] for r in runs["hello"]),
            "route_ms": costs,
            "all_runs": runs}


def postgres_schema(url: str, create: bool) -> str:
    from sqlalchemy import create_engine, text

    schema = f"pj_bench_mixed_{os.getpid()}"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"' if create else f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5, help="interleaved hello/mix rounds (medians reported)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], action="append")
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL"))
    parser.add_argument("--seed-into", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed_into:
        seed(args.members, Path(args.seed_into))
        return 0
    if not shutil.which("wrk"):
        print("wrk is needed: apt-get install wrk", file=sys.stderr)
        return 2
    reports = []
    for backend in args.backend or ["sqlite", "postgresql"]:
        if backend == "sqlite":
            with tempfile.TemporaryDirectory() as tmp:
                reports.append(measure(backend, f"sqlite:///{tmp}/journal.sqlite3", args))
        elif not args.postgres:
            print("postgresql: skipped (set TEST_DATABASE_URL or --postgres)")
        else:
            url = postgres_schema(args.postgres, create=True)
            try:
                reports.append(measure(backend, url, args))
            finally:
                postgres_schema(args.postgres, create=False)
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(exist_ok=True)
    (out_dir / f"mixed-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(json.dumps(reports, indent=2))
    print(f"{args.members} members, {args.workers} workers, {args.rounds} rounds x {args.duration}s, "
          f"{CONNECTIONS} connections, wrk -t2 (same 2 cores)")
    ok = True
    for r in reports:
        print(f"{r['backend']:<11} hello {r['hello_rps']:>5} req/s p95 {r['hello_p95_ms']} ms | mix {r['mix_rps']:>4} "
              f"req/s = {r['ratio']:.1%} of hello (rounds {min(r['round_ratios']):.1%}-{max(r['round_ratios']):.1%}), "
              f"p95 {r['mix_p95_ms']} ms, p99 {r['mix_p99_ms']} ms, {r['errors']} errors in {r['mix_requests']} "
              f"requests {r['mix_statuses']} (target >= 20 %, p95 <= 100 ms, 0 errors)")
        print(f"{'':<11} one request at a time, median ms: " + ", ".join(f"{k} {v}" for k, v in r["route_ms"].items()))
        ok = ok and r["ratio"] >= TARGET_RATIO and r["mix_p95_ms"] <= TARGET_P95_MS and r["errors"] == 0
    return 0 if ok and reports else 1


if __name__ == "__main__":
    sys.exit(main())
