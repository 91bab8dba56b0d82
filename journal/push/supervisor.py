"""The push workers beside the web server: `make run` (gunicorn.conf.py) starts `flask --app wsgi push
worker` next to the web workers, so the single-machine default needs no second command.

JOURNAL_PUSH_WORKER=0 turns it off (run workers as their own service instead); JOURNAL_PUSH_WORKERS=N
starts N of them (they share the outbox safely; sending is CPU-bound, so more than one helps only with
spare cores). The workers stop with the server: `stop` terminates them, a SIGTERM/SIGINT to the process
group reaches them directly, and each exits by itself if the server that started it disappears
(JOURNAL_PUSH_WORKER_PARENT). A crashed worker is restarted, with back-off.

It uses the standard library alone and builds no app: gunicorn's master loads it before any worker exists.
"""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time


class PushWorkers:
    """The push worker processes of one server (gunicorn's master)."""

    def __init__(self, log, *, graceful_timeout: float):
        self.log = log
        self.graceful_timeout = graceful_timeout
        self.processes: dict[int, subprocess.Popen] = {}
        self.stopping = False

    @staticmethod
    def wanted() -> int:
        """How many to start: 0 with JOURNAL_PUSH_WORKER=0, otherwise JOURNAL_PUSH_WORKERS (default 1)."""
        if os.environ.get("JOURNAL_PUSH_WORKER", "1").lower() in ("0", "false", "no", "off"):
            return 0
        return max(int(os.environ.get("JOURNAL_PUSH_WORKERS", "1")), 1)

    def start(self) -> None:
        count = self.wanted()
        if not count:
            self.log.info("Push worker disabled (JOURNAL_PUSH_WORKER=0)")
            return
        for slot in range(count):
            self._start(slot)
            threading.Thread(target=self._supervise, args=(slot,), name=f"push-supervisor-{slot}",
                             daemon=True).start()

    def _start(self, slot: int) -> None:
        env = dict(os.environ, JOURNAL_PUSH_WORKER_PARENT=str(os.getpid()))
        command = [sys.executable, "-m", "flask", "--app", "wsgi", "push", "worker"]
        process = subprocess.Popen(command, env=env)  # noqa: S603 - fixed command, no shell
        self.processes[slot] = process
        self.log.info("Started push worker (pid: %s)", process.pid)

    def _supervise(self, slot: int) -> None:
        delay = 5
        while not self.stopping:
            process, started = self.processes[slot], time.monotonic()
            process.wait()
            if time.monotonic() - started > 600:
                delay = 5  # it ran fine for a while: restart promptly
            time.sleep(delay)  # also lets a shutdown that is under way reach stop() first
            if self.stopping:
                return
            self.log.warning("Push worker (pid: %s) exited; restarting it", process.pid)
            delay = min(delay * 2, 300)
            self._start(slot)

    def stop(self) -> None:
        self.stopping = True
        running = [p for p in self.processes.values() if p.poll() is None]
        for process in running:
            process.terminate()
        for process in running:
            try:
                process.wait(timeout=self.graceful_timeout)
            except subprocess.TimeoutExpired:
                process.kill()
