"""Load benchmark: the real app under gunicorn, measured with wrk on this machine.

In one run, against one server:
  hello     a bare route on the same server (the baseline: the app's own middleware, nothing else)
  timeline  the logged-in timeline page: 20 decrypted check-ins in the full layout
  create    check-in creation through the API (CSRF header, Idempotency-Key, encryption), 32 writers

Targets (2 cores, load generator included): timeline >= 20 % of hello's requests/s with p95 <= 50 ms at 16
connections; create >= 500/s with 32 connections on SQLite, 0 errors, 0 lost writes.

    make bench                      # or: .venv/bin/python bench/load.py [--rounds 5] [--duration 10]
Needs wrk (Debian: apt-get install wrk).
"""
from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = ROOT / ".venv" / "bin"
EMAIL, PASSWORD = "bench@example.org", "a calm river at dawn"
# One browser: Flask-Login's session protection ties a session to the address and User-Agent it logged in with.
USER_AGENT = "peer-journal-bench/1"

LUA_STATS = """
done = function(summary, latency, requests)
  io.write(string.format("JSON {\\"requests\\": %d, \\"duration_us\\": %d, \\"errors_status\\": %d, "
    .. "\\"errors_socket\\": %d, \\"p50_ms\\": %.3f, \\"p95_ms\\": %.3f, \\"p99_ms\\": %.3f}\\n",
    summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""

LUA_CREATE = """
counter = 0
thread_id = 0
setup = function(thread)
  thread:set("thread_id", math.random(1, 2^30))
end
request = function()
  counter = counter + 1
  local key = string.format("%08x-%04x-4%03x-8%03x-%012x", thread_id, counter % 65536, counter % 4096,
                            math.random(0, 4095), counter)
  wrk.headers["Idempotency-Key"] = key
  local body = string.format('{"mood": %d, "energy": %d, "note": "bench note %d"}', counter % 5 + 1,
                             (counter + 2) % 5 + 1, counter)
  return wrk.format("POST", "/api/v1/checkins", nil, body)
end
""" + LUA_STATS


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(cmd, env, **kwargs):
    return subprocess.run(cmd, env=env, cwd=ROOT, check=True, capture_output=True, text=True, **kwargs)


def seed(env: dict, entries: int) -> None:
    """One member with tracked items and `entries` check-ins, written through the app's own services."""
    code = f"""
import random, uuid
from datetime import timedelta
from wsgi import app
from journal.auth import services as accounts
from journal.entries import services, tracking
from journal.entries.validation import parse_checkin
from journal.extensions import db, utcnow
with app.app_context():
    user = accounts.register(email={EMAIL!r}, password={PASSWORD!r}, display_name="Bench", role="member",
                             timezone="Europe/Berlin")
    tracking.seed_catalog(user)
    symptoms = [tracking.add_item(user, "symptoms", n).id for n in ("Fatigue", "Joint pain", "Headache")]
    med = tracking.add_item(user, "medications", "Ibuprofen", "200 mg").id
    tags = [t.id for t in tracking.load_catalog(user).tags]
    now = utcnow()
    for i in range({entries}):
        raw = {{"mood": random.randint(1, 5), "energy": random.randint(1, 5), "pain": random.randint(0, 4),
               "sleep_hours": 7, "note": "A realistic note of a few sentences about the day. " * 3,
               "symptoms": [{{"id": str(s), "severity": random.randint(0, 4)}} for s in symptoms],
               "tags": [str(random.choice(tags))], "medications": [{{"id": str(med), "dose": "200 mg"}}],
               "occurred_at": (now - timedelta(hours=6 * i)).isoformat()}}
        services.create_checkin(user, parse_checkin(raw, default_timezone="Europe/Berlin", now=now))
    db.session.commit()
"""
    run([str(VENV_BIN / "python"), "-c", code], env)


def log_in(base: str) -> tuple[str, str]:
    """Log in like a browser; return the Cookie header and the CSRF token."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]
    page = opener.open(f"{base}/login").read().decode()
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"email": EMAIL, "password": PASSWORD, "csrf_token": token}).encode()
    opener.open(f"{base}/login", data=data).read()
    timeline = opener.open(f"{base}/timeline").read().decode()
    assert timeline.count('class="entry"') == 20, "the timeline should show 20 check-ins"
    token = re.search(r'name="csrf-token" content="([^"]+)"', timeline).group(1)
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    return cookie, token


def wrk(base: str, path: str, connections: int, duration: int, headers: dict, script: str) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    args = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "-s", handle.name, "-H", f"User-Agent: {USER_AGENT}"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    out = subprocess.run(args + [base + path], check=True, capture_output=True, text=True).stdout
    os.unlink(handle.name)
    stats = json.loads(out.split("JSON ", 1)[1].splitlines()[0])
    stats["rps"] = stats["requests"] / (stats["duration_us"] / 1e6)
    return stats


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5, help="interleaved A/B rounds (median reported)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
    parser.add_argument("--create-duration", type=int, default=10)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is needed: apt-get install wrk", file=sys.stderr)
        return 2

    workdir = Path(tempfile.mkdtemp(prefix="pj-bench-"))
    db_path = workdir / "journal.sqlite3"
    port = free_port()
    env = {**os.environ, "JOURNAL_INSTANCE_PATH": str(workdir), "DATABASE_URL": f"sqlite:///{db_path}",
           "JOURNAL_BENCH_ROUTES": "1", "PORT": str(port), "WEB_CONCURRENCY": str(args.workers),
           "JOURNAL_PUSH_WORKER": "0", "PATH": f"{VENV_BIN}:{os.environ['PATH']}"}
    run([str(VENV_BIN / "flask"), "--app", "wsgi", "db", "upgrade"], env)
    seed(env, entries=200)
    server = subprocess.Popen([str(VENV_BIN / "gunicorn"), "--config", "gunicorn.conf.py", "wsgi:app"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz").read()
                break
            except OSError:
                time.sleep(0.1)
        cookie, token = log_in(base)
        auth = {"Cookie": cookie}
        wrk(base, "/bench/hello", 16, 2, {}, LUA_STATS)  # warm-up
        wrk(base, "/timeline", 16, 2, auth, LUA_STATS)

        results = {"hello": [], "timeline": []}
        for _ in range(args.rounds):  # interleave A and B: the machine drifts minute to minute
            # The baseline is a bare route: no session, no user, no database.
            results["hello"].append(wrk(base, "/bench/hello", 16, args.duration, {}, LUA_STATS))
            results["timeline"].append(wrk(base, "/timeline", 16, args.duration, auth, LUA_STATS))

        before = sqlite3.connect(db_path).execute("SELECT count(*) FROM checkins").fetchone()[0]
        create = wrk(base, "", 32, args.create_duration,
                     {**auth, "X-CSRFToken": token, "Content-Type": "application/json"}, LUA_CREATE)
        after = sqlite3.connect(db_path).execute("SELECT count(*) FROM checkins").fetchone()[0]
    finally:
        server.terminate()
        server.wait(timeout=20)

    hello_rps = statistics.median(r["rps"] for r in results["hello"])
    timeline_rps = statistics.median(r["rps"] for r in results["timeline"])
    timeline_p95 = statistics.median(r["p95_ms"] for r in results["timeline"])
    created = after - before
    errors = create["errors_status"] + create["errors_socket"]
    report = {
        "workers": args.workers, "rounds": args.rounds, "duration_s": args.duration,
        "hello_rps": round(hello_rps),
        "hello_p95_ms": round(statistics.median(r["p95_ms"] for r in results["hello"]), 2),
        "timeline_rps": round(timeline_rps), "timeline_p95_ms": round(timeline_p95, 2),
        "timeline_vs_hello": round(timeline_rps / hello_rps, 3),
        "create_rps": round(create["rps"]), "create_p95_ms": round(create["p95_ms"], 2),
        "create_requests": create["requests"], "create_errors": errors,
        # Every answered, successful request must have left its row. Rows beyond those were requests still
        # in flight when wrk stopped (the server finished them): not losses, reported apart.
        "rows_created": created, "lost_writes": max(0, create["requests"] - errors - created),
        "in_flight_at_stop": max(0, created - (create["requests"] - errors)),
        "all_runs": results,
    }
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(exist_ok=True)
    (out_dir / f"load-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(json.dumps(report, indent=2))
    print(f"workers={args.workers} rounds={args.rounds} x {args.duration}s, wrk -t2 (same 2 cores)")
    print(f"hello      {report['hello_rps']:>6} req/s   p95 {report['hello_p95_ms']} ms   (16 connections)")
    print(f"timeline   {report['timeline_rps']:>6} req/s   p95 {report['timeline_p95_ms']} ms   "
          f"= {report['timeline_vs_hello']:.1%} of hello (target >= 20 %, p95 <= 50 ms)")
    print(f"create     {report['create_rps']:>6} req/s   p95 {report['create_p95_ms']} ms   (32 connections; "
          f"{report['create_requests']} requests, {errors} errors, {created} rows, "
          f"{report['lost_writes']} lost, {report['in_flight_at_stop']} in flight at the stop; "
          f"target >= 500/s, 0 errors, 0 lost)")
    shutil.rmtree(workdir, ignore_errors=True)
    ok = report["timeline_vs_hello"] >= 0.2 and timeline_p95 <= 50 and report["create_rps"] >= 500 \
        and errors == 0 and report["lost_writes"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
