"""Where a page's time goes inside the app: WSGI calls straight into it, no server, no sockets.

bench/load.py measures what a phone would see; this isolates the app's own share, for the README's
breakdown and for deciding what to optimize next. Seeds the same member as load.py (200 check-ins), logs in
through the real login form, then times, per request:
  hello     the bare baseline route (the app's middleware only)
  help      a signed-in page with the full layout (session, user, CSRF token, navigation)
  timeline  the signed-in timeline: 20 decrypted check-ins

    .venv/bin/python bench/inprocess.py [--requests 3000] [--profile]
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import load  # noqa: E402  (the load benchmark's seeding and account)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=3000, help="requests per timing run")
    parser.add_argument("--rounds", type=int, default=3, help="timing runs per page (median reported)")
    parser.add_argument("--profile", action="store_true", help="print the timeline's top functions")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="pj-inprocess-"))
    env = {**os.environ, "JOURNAL_INSTANCE_PATH": str(workdir),
           "DATABASE_URL": f"sqlite:///{workdir / 'journal.sqlite3'}", "JOURNAL_BENCH_ROUTES": "1",
           "JOURNAL_PUSH_WORKER": "0", "PATH": f"{load.VENV_BIN}:{os.environ['PATH']}"}
    load.run([str(load.VENV_BIN / "flask"), "--app", "wsgi", "db", "upgrade"], env)
    load.seed(env, entries=200)
    os.environ.update(env)

    from werkzeug.test import EnvironBuilder

    from wsgi import app

    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = load.USER_AGENT
    token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/login").text).group(1)
    client.post("/login", data={"email": load.EMAIL, "password": load.PASSWORD, "csrf_token": token})
    assert client.get("/timeline").text.count('class="entry"') == 20, "the timeline should show 20 check-ins"
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])  # as settled after the first page

    def environ(path: str, signed_in: bool) -> dict:
        headers = {"User-Agent": load.USER_AGENT}
        if signed_in:
            headers["Cookie"] = f"{cookie.key}={cookie.value}"
        return EnvironBuilder(path=path, headers=headers, base_url="http://127.0.0.1:5000",
                              environ_base={"REMOTE_ADDR": "127.0.0.1"}).get_environ()

    def call(env: dict) -> None:
        body = app(dict(env), lambda status, headers, exc_info=None: None)
        b"".join(body)
        body.close()

    pages = {"hello": environ("/bench/hello", False), "help": environ("/help", True),
             "timeline": environ("/timeline", True)}
    timings = {name: [] for name in pages}
    for _ in range(args.rounds):
        for name, env in pages.items():
            for _ in range(200):  # warm up
                call(env)
            started = time.perf_counter()
            for _ in range(args.requests):
                call(env)
            timings[name].append((time.perf_counter() - started) / args.requests * 1000)
    hello = statistics.median(timings["hello"])
    for name, runs in timings.items():
        median = statistics.median(runs)
        print(f"{name:9s} {median:6.3f} ms per request   ({median / hello:4.1f} x hello)")
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.requests):
            call(pages["timeline"])
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    return 0


if __name__ == "__main__":
    sys.exit(main())
