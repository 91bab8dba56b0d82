"""gunicorn settings for `make run`: sync workers (best on 2 cores, see reference/perf-notes.md), and the push
workers beside them (journal/push/supervisor.py)."""
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

# The push workers beside the web workers (journal/push/supervisor.py): started when the server is ready,
# stopped with it. JOURNAL_PUSH_WORKER=0 turns them off; JOURNAL_PUSH_WORKERS=N starts N.
_push_workers = []


def when_ready(server):
    from journal.push.supervisor import PushWorkers

    workers = PushWorkers(server.log, graceful_timeout=graceful_timeout)
    workers.start()
    _push_workers.append(workers)


def on_exit(server):
    for workers in _push_workers:
        workers.stop()
