"""Page weight: what the check-in page and the month calendar cost a phone on a first load, and what a
repeat visit costs.

Serves the real app with gunicorn (as `make run` does) and drives Debian's Chromium through Playwright.
For a signed-in member on a fresh browser profile it opens each page in PAGES and adds up every response
the page received, as Chromium counted it on the wire (CDP `Network.loadingFinished.encodedDataLength`: compressed
bodies plus headers): HTML, CSS, JS, icons and the manifest. The service worker then installs in the
background; its precache requests are counted apart, from the server's access log. A second visit in the
same profile must fetch none of the app shell (CSS, JS, icons) from the network.

Measured for the default new member (a few tags) and for a busy member (20 symptoms, 20 tags, 8 medications,
and three check-ins a day for the last 31 days, so every day of the calendar's month is coloured).
Target: first load <= 60 KB transferred for each page; repeat visit: 0 app-shell requests on the network.

    .venv/bin/python bench/page_weight.py
"""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = ROOT / ".venv" / "bin"
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "a calm river at dawn"
USER_AGENT = ("Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/156.0.0.0 Mobile Safari/537.36")
BUDGET_KB = 60
PHONE = {"width": 390, "height": 844}
PAGES = ("/checkin", "/journal/calendar")
ACCESS_LINE = re.compile(r'"(?P<method>[A-Z]+) (?P<path>\S+) HTTP/[0-9.]+" (?P<status>\d{3}) (?P<bytes>\d+|-)')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seed(env: dict) -> None:
    """Two members through the app's own services: a new one, and a busy one who tracks a lot."""
    code = f"""
from datetime import UTC, datetime, timedelta
from wsgi import app
from journal.auth import services as accounts
from journal.entries import services, tracking
from journal.entries.validation import parse_checkin
from journal.extensions import db
now = datetime.now(UTC)
with app.app_context():
    db.create_all()
    for email, busy in (("new@example.org", False), ("busy@example.org", True)):
        user = accounts.register(email=email, password={PASSWORD!r}, display_name="Bench", role="member",
                                 timezone="Europe/Berlin")
        tracking.seed_catalog(user)
        if busy:
            for i in range(20):
                tracking.add_item(user, "symptoms", f"Symptom number {{i + 1}}")
                tracking.add_item(user, "tags", f"Tag {{i + 1}}")
            for i in range(8):
                tracking.add_item(user, "medications", f"Medication {{i + 1}}", "200 mg")
            for days in range(31):
                for hours in (2, 8, 14):
                    at = now - timedelta(days=days, hours=hours)
                    raw = {{"mood": 1 + (days + hours) % 5, "occurred_at": at.isoformat(), "timezone": "Europe/Berlin",
                           "note": "A few words about the day."}}
                    services.create_checkin(user, parse_checkin(raw, default_timezone="Europe/Berlin", now=now))
    db.session.commit()
"""
    subprocess.run([str(VENV_BIN / "python"), "-c", code], env=env, cwd=ROOT, check=True)


def access_log(path: Path, start: int) -> list[dict]:
    lines = path.read_text().splitlines()[start:] if path.exists() else []
    return [m.groupdict() for m in map(ACCESS_LINE.search, lines) if m]


def log_length(path: Path) -> int:
    return len(path.read_text().splitlines()) if path.exists() else 0


def measure(browser, base: str, email: str, log: Path, path: str) -> dict:
    context = browser.new_context(base_url=base, user_agent=USER_AGENT, viewport=PHONE, is_mobile=True,
                                  has_touch=True)
    # Sign in outside the page (no page load, nothing cached): the session cookie lands in the profile.
    login = context.request.get("/login").text()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login).group(1)
    context.request.post("/login", form={"email": email, "password": PASSWORD, "csrf_token": token},
                         max_redirects=0)

    page = context.new_page()
    cdp = context.new_cdp_session(page)
    requests: dict[str, dict] = {}
    def received(event):
        response = event["response"]
        headers = {k.lower(): v for k, v in response["headers"].items()}
        requests.setdefault(event["requestId"], {}).update(
            url=response["url"], type=event["type"], status=response["status"],
            from_sw=response.get("fromServiceWorker", False), encoding=headers.get("content-encoding", ""))

    cdp.on("Network.responseReceived", received)
    cdp.on("Network.loadingFinished", lambda e: requests.setdefault(e["requestId"], {}).update(
        transferred=e["encodedDataLength"]))
    cdp.send("Network.enable")

    before = log_length(log)
    page.goto(path, wait_until="load")
    assert page.url.endswith(path), f"not signed in: {page.url}"
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=20_000)
    # Chromium fetches the manifest and its best icon when it checks whether the app can be installed
    # (as a phone does to offer "Install"); headless only does so when asked.
    cdp.send("Page.getInstallabilityErrors")
    page.wait_for_timeout(500)
    first = [r for r in requests.values() if "url" in r]
    first_total = sum(r.get("transferred", 0) for r in first)
    server_first = access_log(log, before)
    page_paths = {r["url"].removeprefix(base) for r in first}
    worker = [r for r in server_first if r["path"] not in page_paths]

    # Repeat visit: a new tab in the same profile, as when the app is opened again from the home screen.
    requests.clear()
    before = log_length(log)
    again = context.new_page()
    cdp2 = context.new_cdp_session(again)
    cdp2.on("Network.responseReceived", lambda e: requests.setdefault(e["requestId"], {}).update(
        url=e["response"]["url"], from_sw=e["response"].get("fromServiceWorker", False),
        status=e["response"]["status"]))
    cdp2.send("Network.enable")
    again.goto(path, wait_until="load")
    again.wait_for_timeout(500)
    repeat_server = access_log(log, before)
    shell_on_network = [r for r in repeat_server if r["path"].startswith("/static/")]
    context.close()
    return {
        "first_load_bytes": first_total,
        "first_load": sorted(({"path": r["url"].removeprefix(base), "type": r.get("type"), "status": r.get("status"),
                               "encoding": r.get("encoding") or "identity", "bytes": r.get("transferred", 0)}
                              for r in first), key=lambda r: -r["bytes"]),
        "worker_precache_bytes": sum(int(r["bytes"]) for r in worker if r["bytes"] != "-"),
        "worker_precache": worker,
        "repeat_server_requests": repeat_server,
        "repeat_shell_on_network": len(shell_on_network),
        "repeat_from_service_worker": sum(1 for r in requests.values() if r.get("from_sw")),
    }


def main() -> int:
    if not os.path.exists(CHROMIUM):
        print(f"{CHROMIUM} is missing (apt-get install chromium)", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    workdir = Path(tempfile.mkdtemp(prefix="pj-weight-"))
    port = free_port()
    log = workdir / "access.log"
    env = {**os.environ, "JOURNAL_INSTANCE_PATH": str(workdir),
           "DATABASE_URL": f"sqlite:///{workdir / 'journal.sqlite3'}", "PORT": str(port), "WEB_CONCURRENCY": "2",
           "JOURNAL_PUSH_WORKER": "0", "GUNICORN_ACCESS_LOG": str(log), "PATH": f"{VENV_BIN}:{os.environ['PATH']}"}
    seed(env)
    server = subprocess.Popen([str(VENV_BIN / "gunicorn"), "--config", "gunicorn.conf.py", "wsgi:app"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    report = {}
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz").read()  # noqa: S310 (our own http://127.0.0.1)
                break
            except OSError:
                time.sleep(0.1)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True,
                args=["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                      "--disable-sync", "--no-first-run"])
            for name, email in (("new member", "new@example.org"), ("busy member", "busy@example.org")):
                for path in PAGES:
                    report[f"{name} {path}"] = measure(browser, base, email, log, path)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)

    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(exist_ok=True)
    (out_dir / f"page-weight-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(json.dumps(report, indent=2))
    ok = True
    for name, result in report.items():
        kb = result["first_load_bytes"] / 1024
        print(f"{name}: first load {kb:.1f} KB transferred "
              f"(target <= {BUDGET_KB} KB) in {len(result['first_load'])} responses:")
        for r in result["first_load"]:
            print(f"    {r['bytes'] / 1024:6.1f} KB  {r['type'] or '':11} {r['encoding']:8} {r['path'][:70]}")
        print(f"  then the service worker precaches in the background: "
              f"{result['worker_precache_bytes'] / 1024:.1f} KB of bodies in {len(result['worker_precache'])} requests")
        print(f"  repeat visit: {len(result['repeat_server_requests'])} request(s) reached the server "
              f"({', '.join(r['path'] for r in result['repeat_server_requests'])}); "
              f"app shell from the network: {result['repeat_shell_on_network']}; "
              f"served by the service worker: {result['repeat_from_service_worker']}")
        ok = ok and kb <= BUDGET_KB and result["repeat_shell_on_network"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
