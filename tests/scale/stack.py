"""The production shape on one machine: gunicorn with 2 web workers and 2 push workers (gunicorn.conf.py starts
and supervises them), a private PostgreSQL schema migrated with `flask --app wsgi db upgrade`, Redis for the
rate limits, secrets from the environment, behind a (pretend) TLS proxy: JOURNAL_PROXY_HOPS=1, and every
phone sends the X-Forwarded-For the proxy would write."""
from __future__ import annotations

import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

from journal import crypto
from tests.conftest import CI, drop_postgres_schema, postgres_schema_url, require_service

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
WEB_WORKERS, PUSH_WORKERS = 2, 2
POLL_SECONDS = 0.2
# gunicorn's access log with the answering worker's pid: shows that requests were spread over the workers.
ACCESS_FORMAT = "%(p)s %(m)s %(U)s %(s)s %({x-forwarded-for}i)s"


def redis_url() -> str:
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        require_service("Redis", "TEST_REDIS_URL is not set")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        require_service("Redis", f"cannot connect: {exc.__class__.__name__}")
    return url


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(predicate, seconds: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}:\n{log.read_text()[-4000:]}")
        time.sleep(0.1)


def _answers(url: str) -> bool:
    try:
        return urllib.request.urlopen(url, timeout=2).status == 200  # noqa: S310 - our own server
    except OSError:
        return False


@dataclass
class Stack:
    port: int
    database_url: str
    push: object
    log: Path
    access_log: Path
    engine: object = None
    # every check-in any phone saw acknowledged (201), across tests: the database must hold exactly these
    acknowledged: set = field(default_factory=set)
    _addresses: set = field(default_factory=set)

    def address(self) -> str:
        """A client address nobody used in this run (nor, very likely, in another run sharing this Redis)."""
        while True:
            candidate = f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"
            if candidate not in self._addresses:
                self._addresses.add(candidate)
                return candidate

    def scalar(self, sql: str, **params):
        with self.engine.connect() as connection:
            return connection.execute(text(sql), params).scalar()

    def rows(self, sql: str, **params) -> list:
        with self.engine.connect() as connection:
            return connection.execute(text(sql), params).all()

    def workers_that_answered(self, method: str, path: str, address: str) -> set[str]:
        """The pids of the web workers that answered these requests, from gunicorn's access log."""
        pids = set()
        for line in self.access_log.read_text().splitlines():
            parts = line.split()
            if len(parts) == 5 and parts[1] == method and parts[2] == path and parts[4] == address:
                pids.add(parts[0])
        return pids


def start(tmp: Path, push) -> tuple[Stack, subprocess.Popen]:
    """Migrate a new schema and start the server; the caller stops it with `stop`."""
    redis = redis_url()
    database_url = postgres_schema_url(f"pj_scale_{os.getpid()}")
    port = _free_port()
    log, access_log = tmp / "server.log", tmp / "access.log"
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("JOURNAL_", "RATELIMIT_", "GUNICORN_")) and key not in ("DATABASE_URL", "REDIS_URL")}
    env.update({
        "DATABASE_URL": database_url, "RATELIMIT_STORAGE_URI": redis, "JOURNAL_PROXY_HOPS": "1",
        "SECRET_KEY": crypto.generate_secret_key(), "JOURNAL_MASTER_KEYS": crypto.Keyring.generate().serialize(),
        "JOURNAL_VAPID_PRIVATE_KEY": crypto.generate_vapid_private_key(),
        "JOURNAL_VAPID_SUBJECT": "mailto:ops@peerjournal.app", "JOURNAL_INSTANCE_PATH": str(tmp / "instance"),
        "HOST": "127.0.0.1", "PORT": str(port), "WEB_CONCURRENCY": str(WEB_WORKERS),
        "JOURNAL_PUSH_WORKERS": str(PUSH_WORKERS), "JOURNAL_PUSH_POLL_SECONDS": str(POLL_SECONDS),
        "JOURNAL_PUSH_SEND_TIMEOUT": "3",
        # The fake push service listens on 127.0.0.1: a test allowance, never a served default.
        "JOURNAL_PUSH_ALLOW_LOCAL_SERVICES": "1",
        "GUNICORN_ACCESS_LOG": str(access_log), "GUNICORN_CMD_ARGS": f"--access-logformat '{ACCESS_FORMAT}'",
        "LOG_LEVEL": "info",
    })
    subprocess.run([str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    with log.open("w") as out:
        server = subprocess.Popen([str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT,
                                  env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    stack = Stack(port, database_url, push, log, access_log,
                  engine=create_engine(database_url, pool_pre_ping=True, pool_size=2))
    try:
        _wait_for(lambda: _answers(f"http://127.0.0.1:{port}/healthz"), 60, "the server", log)
        _wait_for(lambda: len(re.findall(r"push worker \S+ started", log.read_text())) == PUSH_WORKERS, 60,
                  "the push workers", log)
    except BaseException:
        stop(stack, server)
        raise
    return stack, server


def stop(stack: Stack, server: subprocess.Popen) -> None:
    """SIGTERM to the process group, as when the service is stopped; then drop the schema."""
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
    stack.engine.dispose()
    drop_postgres_schema(stack.database_url)


# --- Restarting PostgreSQL ---------------------------------------------------------------------------------

RESTART_OPT_IN = "PJ_TEST_RESTART_POSTGRES"


def postgres_restart_command() -> tuple[list[str] | None, str]:
    """The command that restarts the local cluster holding the test database (found by its port), or None
    and why this run may not use it. CI runs as root and must restart; elsewhere it only runs when asked,
    since it interrupts every other client of that cluster."""
    if not os.environ.get("TEST_DATABASE_URL"):
        return None, "TEST_DATABASE_URL is not set"
    url = make_url(os.environ["TEST_DATABASE_URL"])
    if url.host not in ("127.0.0.1", "localhost", "::1"):
        return None, f"the test database is not on this machine ({url.host})"
    if not shutil.which("pg_ctlcluster") or not shutil.which("pg_lsclusters"):
        return None, "pg_ctlcluster is not installed (Debian's postgresql-common)"
    if os.geteuid() != 0:
        return None, "restarting PostgreSQL needs root"
    if not CI and os.environ.get(RESTART_OPT_IN) != "1":
        return None, (f"it would interrupt every other client of that PostgreSQL; set {RESTART_OPT_IN}=1 "
                      "to run it here (CI=true always does)")
    listing = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True).stdout
    for version, cluster, port, *_ in (line.split() for line in listing.splitlines()):
        if int(port) == (url.port or 5432):
            return ["pg_ctlcluster", "--skip-systemctl-redirect", version, cluster, "restart"], ""
    return None, f"no local cluster listens on port {url.port or 5432}: {listing!r}"
