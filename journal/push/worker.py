"""The push worker: enqueue due reminders, claim a batch with a lease, send it, record the outcomes; repeat.

One worker process holds one event loop and one aiohttp session for its whole life. Database work is
short transactions between sends: no lock (SQLite's write lock included) is held while waiting on the
network. `flask --app wsgi push worker` runs it; `make run` starts one beside gunicorn.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import signal
import socket
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import aiohttp
from flask import Flask

from journal.extensions import db, utcnow
from journal.push import outbox
from journal.push.sender import Sender, VapidHeaders

log = logging.getLogger(__name__)

ENQUEUE_BATCH = 1000
PRUNE_EVERY = timedelta(hours=1)


def worker_name() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(3)}"


class Worker:
    """Runs the outbox for one process. `clock` is injectable so tests can move time forward."""

    def __init__(self, app: Flask, *, name: str | None = None, clock: Callable[[], datetime] = utcnow,
                 batch_size: int | None = None, concurrency: int | None = None):
        config = app.config
        self.app = app
        self.name = name or worker_name()
        self.clock = clock
        self.batch_size = batch_size or int(config["PUSH_BATCH_SIZE"])
        self.concurrency = concurrency or int(config["PUSH_CONCURRENCY"])
        self.timeout = float(config["PUSH_SEND_TIMEOUT"])
        self.lease = timedelta(seconds=int(config["PUSH_LEASE_SECONDS"]))
        self.poll = float(config["PUSH_POLL_SECONDS"])
        self.max_attempts = int(config["PUSH_MAX_ATTEMPTS"])
        # Fail at start, not at the first push, when the VAPID subject or key is unusable.
        self.vapid = VapidHeaders(config["VAPID_PRIVATE_KEY"], config["VAPID_SUBJECT"])
        self.tally: Counter = Counter()
        self._stop = asyncio.Event()
        self._last_prune: datetime | None = None
        self._parent = int(os.environ.get("JOURNAL_PUSH_WORKER_PARENT") or 0)

    def stop(self) -> None:
        self._stop.set()

    def run(self, *, once: bool = False, handle_signals: bool = False) -> Counter:
        """Run until stopped (or, with `once`, until nothing is due); returns what happened, by status."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return asyncio.run(self._main(once=once, handle_signals=handle_signals))
        # Called from code that already runs an event loop in this thread (an embedding app, a test
        # harness): the worker gets a thread, and an event loop, of its own.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="push-worker") as pool:
            return pool.submit(asyncio.run, self._main(once=once, handle_signals=False)).result()

    async def _main(self, *, once: bool, handle_signals: bool) -> Counter:
        self._stop = asyncio.Event()
        if handle_signals:
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(signum, self._stop.set)
        connector = aiohttp.TCPConnector(limit=self.concurrency, ttl_dns_cache=300)
        async with aiohttp.ClientSession(connector=connector) as session:
            sender = Sender(session, self.vapid, concurrency=self.concurrency, timeout=self.timeout)
            log.info("push worker %s started", self.name)
            while not self._stop.is_set():
                if self._parent and os.getppid() != self._parent:
                    log.info("push worker %s: the server that started it is gone; stopping", self.name)
                    break
                try:
                    found = await self.tick(sender)
                except Exception:  # the database went away, a bad row...: log it, wait, try again
                    if once:
                        raise
                    log.exception("push worker %s: a round failed; retrying", self.name)
                    found = 0
                if found == 0:
                    if once:
                        break
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._stop.wait(), self.poll)
        log.info("push worker %s stopped: %s", self.name, dict(self.tally))
        return self.tally

    def enqueue(self, now: datetime) -> outbox.EnqueueReport:
        """Decide due reminder slots for up to ENQUEUE_BATCH members, in one short transaction."""
        with self.app.app_context():
            report = outbox.enqueue_due_nudges(now, limit=ENQUEUE_BATCH)
            db.session.commit()
            if self._last_prune is None or now - self._last_prune >= PRUNE_EVERY:
                outbox.prune(now)
                db.session.commit()
                self._last_prune = now
        return report

    async def tick(self, sender: Sender) -> int:
        """One round: enqueue a chunk of due reminders, then claim, send and record a batch.

        Enqueueing a chunk per round (not everything first) lets a big fan-out start sending at once, and
        lets several workers take turns at the database while the others are busy sending. Returns how
        much work was found (members looked at plus jobs claimed); 0 means nothing is due.
        """
        now = self.clock()
        found = self.enqueue(now).members
        with self.app.app_context():
            job_ids = outbox.claim(self.name, now, limit=self.batch_size, lease=self.lease)
            deliveries = outbox.prepare(job_ids, now)
            db.session.commit()  # one short transaction; nothing is held while we wait on the network
            if not job_ids:
                return found
        to_send = [d for d in deliveries if d.message is not None]
        started = time.monotonic()
        outcomes = await sender.send_all(d.message for d in to_send)
        log.debug("sent %d pushes in %.3fs", len(to_send), time.monotonic() - started)
        answers = {d.job_id: o for d, o in zip(to_send, outcomes, strict=True)}
        now = self.clock()
        with self.app.app_context():
            # Sent first, in a commit of its own: if recording the rest fails, their leases run out and
            # only they are tried again; nothing that went out goes out twice.
            tally = outbox.record_sent(self.name, deliveries, answers, now)
            db.session.commit()
        self.tally.update(tally)
        with self.app.app_context():
            rest = outbox.record(self.name, deliveries, answers, now, max_attempts=self.max_attempts)
            db.session.commit()
        tally.update(rest)
        self.tally.update(rest)
        if tally:
            log.info("push worker %s: %s", self.name, dict(tally))
        return found + len(job_ids)
