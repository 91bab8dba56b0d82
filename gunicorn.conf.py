"""gunicorn settings for `make run`: sync workers (best on 2 cores, see reference/perf-notes.md), and the push
worker beside them (see the end of this file)."""
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"
timeout = 30
graceful_timeout = 10
keepalive = 5
control_socket_disable = True
# No access log by default: URLs carry no health data, but there is no need to keep them either.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")

# --- Push worker: `make run` starts `flask --app wsgi push worker` beside the web workers, so the
# single-machine default needs no second command. JOURNAL_PUSH_WORKER=0 turns it off (run workers as their
# own service instead); JOURNAL_PUSH_WORKERS=N starts N of them (they share the outbox safely; sending is
# CPU-bound, so more than one helps only with spare cores). The workers stop with the server: on_exit
# terminates them, a SIGTERM/SIGINT to the process group reaches them directly, and each exits by itself if
# the server that started it disappears (JOURNAL_PUSH_WORKER_PARENT). A crashed worker is restarted.
_push = {"processes": {}, "stopping": False}


def _start_push_worker(server, slot):
    import subprocess
    import sys

    env = dict(os.environ, JOURNAL_PUSH_WORKER_PARENT=str(os.getpid()))
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "push", "worker"]
    process = subprocess.Popen(command, env=env)  # noqa: S603 - fixed command, no shell
    _push["processes"][slot] = process
    server.log.info("Started push worker (pid: %s)", process.pid)


def _supervise_push_worker(server, slot):
    import time

    delay = 5
    while not _push["stopping"]:
        process, started = _push["processes"][slot], time.monotonic()
        process.wait()
        if time.monotonic() - started > 600:
            delay = 5  # it ran fine for a while: restart promptly
        time.sleep(delay)  # also lets a shutdown that is under way reach on_exit first
        if _push["stopping"]:
            return
        server.log.warning("Push worker (pid: %s) exited; restarting it", process.pid)
        delay = min(delay * 2, 300)
        _start_push_worker(server, slot)


def when_ready(server):
    if os.environ.get("JOURNAL_PUSH_WORKER", "1").lower() in ("0", "false", "no", "off"):
        server.log.info("Push worker disabled (JOURNAL_PUSH_WORKER=0)")
        return
    import threading

    for slot in range(max(int(os.environ.get("JOURNAL_PUSH_WORKERS", "1")), 1)):
        _start_push_worker(server, slot)
        threading.Thread(target=_supervise_push_worker, args=(server, slot), name=f"push-supervisor-{slot}",
                         daemon=True).start()


def on_exit(server):
    import subprocess

    _push["stopping"] = True
    running = [p for p in _push["processes"].values() if p.poll() is None]
    for process in running:
        process.terminate()
    for process in running:
        try:
            process.wait(timeout=graceful_timeout)
        except subprocess.TimeoutExpired:
            process.kill()
