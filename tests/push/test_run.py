"""`make run` runs gunicorn with gunicorn.conf.py: the push worker starts beside the web workers with no second
command, and stopping the server (SIGTERM to the process group, as when `make run` is stopped) stops it too."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _wait_for(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


@pytest.mark.parametrize("enabled", [True, False])
def test_the_server_starts_and_stops_the_push_worker(tmp_path, enabled):
    env = {**os.environ, "JOURNAL_INSTANCE_PATH": str(tmp_path / "instance"), "PORT": str(_free_port()),
           "WEB_CONCURRENCY": "1", "JOURNAL_PUSH_WORKER": "1" if enabled else "0", "LOG_LEVEL": "info"}
    env.pop("DATABASE_URL", None)
    subprocess.run([str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    log = tmp_path / "server.log"
    with log.open("w") as out:
        server = subprocess.Popen([str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT,
                                  env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        ready = "push worker" if enabled else "Push worker disabled"
        assert _wait_for(lambda: ready in log.read_text() and "Booting worker" in log.read_text(), 60), \
            log.read_text()
        if enabled:
            assert _wait_for(lambda: " started" in log.read_text().split("Started push worker", 1)[-1], 60)
        workers = subprocess.run(["pgrep", "-g", str(server.pid), "-f", "push worker"], capture_output=True,
                                 text=True).stdout.split()
        assert len(workers) == (1 if enabled else 0), log.read_text()

        os.killpg(server.pid, signal.SIGTERM)  # what stopping `make run` does
        server.wait(timeout=30)
        assert _wait_for(lambda: not _group_alive(server.pid), 15), "a process of the server outlived it"
        if enabled:
            assert "stopped" in log.read_text().split("Started push worker", 1)[-1]
    finally:
        if _group_alive(server.pid):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
