"""Record what the push service answered: sent first, then retries with back-off, gone devices, failures."""
from __future__ import annotations

import email.utils
import logging
import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, delete, update

from journal.extensions import db
from journal.push.models import PushJob, PushNotification, PushSubscription
from journal.push.outbox import _sql
from journal.push.outbox.claiming import Delivery
from journal.push.sender import Outcome

log = logging.getLogger(__name__)

RETRY_BASE = 30  # seconds; doubled per attempt, with jitter
RETRY_CAP = 30 * 60
RETRY_AFTER_CAP = 6 * 60 * 60
KEEP_HISTORY = timedelta(days=30)


# --- Record ------------------------------------------------------------------------------------------


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """A Retry-After header (delay-seconds or an HTTP date) as seconds from now."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - now).total_seconds(), 0.0)


@dataclass(frozen=True)
class Verdict:
    status: str  # sent | pending (retry) | gone | failed
    outcome: str
    next_attempt_at: datetime | None = None
    delete_subscription: bool = False


def judge(outcome: Outcome, *, attempts: int, max_attempts: int, expires_at: datetime, now: datetime,
          rng: random.Random | None = None) -> Verdict:
    """What a push service's answer means for the job (RFC 8030 and what real services do)."""
    status = outcome.status
    if status is not None and 200 <= status < 300:
        return Verdict("sent", f"accepted ({status})")
    if status in (404, 410):
        return Verdict("gone", f"subscription expired ({status}); device removed", delete_subscription=True)
    if status == 413 or outcome.error == "payload_too_large":
        return Verdict("failed", "payload too large: a bug in the sender, not retried")
    if outcome.error in ("invalid_message", "invalid_keys", "signing_failed", "internal"):
        # Deterministic for this message: retrying would fail the same way.
        return Verdict("failed", f"not sent: {outcome.error.replace('_', ' ')}")
    if status in (400, 401, 403):
        return Verdict("failed", f"push service refused the request ({status}): check the VAPID key and "
                                 "JOURNAL_VAPID_SUBJECT")
    retryable = status is None or status in (429, 408) or status >= 500
    if not retryable:
        return Verdict("failed", f"push service answered {status}; not retried")
    what = outcome.error or str(status)
    if attempts >= max_attempts:
        return Verdict("failed", f"gave up after {attempts} attempts (last: {what})")
    delay = retry_after_seconds(outcome.retry_after, now)
    rng = rng or random
    if delay is not None:
        delay = min(delay, RETRY_AFTER_CAP) + rng.uniform(0, min(delay * 0.1, 30))
    else:
        ceiling = min(RETRY_BASE * 2 ** (attempts - 1), RETRY_CAP)
        delay = rng.uniform(ceiling / 2, ceiling)  # "equal jitter": never sooner than half the back-off
    when = now + timedelta(seconds=delay)
    if when >= expires_at:
        return Verdict("failed", f"gave up: it would expire before the retry (last: {what})")
    return Verdict("pending", f"retrying (last: {what})", next_attempt_at=when)


def _mine(worker_id: str):
    table = PushJob.__table__
    return and_(table.c.claimed_by == worker_id, table.c.status == "leased")


def accepted(deliveries: list[Delivery], outcomes: dict[int, Outcome]) -> list[Delivery]:
    """The deliveries the push service accepted (2xx)."""
    return [d for d in deliveries if d.final is None and (outcomes[d.job_id].status or 0) // 100 == 2]


def record_sent(worker_id: str, deliveries: list[Delivery], outcomes: dict[int, Outcome], now: datetime) -> Counter:
    """Mark accepted deliveries as sent. The worker commits this before recording anything else: a
    message that went out must never be sent again because recording another one failed."""
    table = PushJob.__table__
    by_status, subs = defaultdict(list), set()
    for delivery in accepted(deliveries, outcomes):
        by_status[outcomes[delivery.job_id].status].append(delivery.job_id)
        subs.add(delivery.subscription_id)
    for http_status, ids in by_status.items():
        for start in range(0, len(ids), 500):
            db.session.execute(update(table).where(_sql.among(table.c.id, ids[start:start + 500]), _mine(worker_id))
                               .values(status="sent", outcome=f"accepted ({http_status})", last_status=http_status,
                                       sent_at=now, claimed_by=None, claimed_until=None, updated_at=now))
    subs = list(subs)
    for start in range(0, len(subs), 500):
        db.session.execute(update(PushSubscription).where(_sql.among(PushSubscription.id, subs[start:start + 500]))
                           .values(last_success_at=now).execution_options(synchronize_session=False))
    count = sum(len(ids) for ids in by_status.values())
    return Counter(sent=count) if count else Counter()


def record(worker_id: str, deliveries: list[Delivery], outcomes: dict[int, Outcome], now: datetime, *,
           max_attempts: int, rng: random.Random | None = None) -> Counter:
    """Write the outcome of every delivery that was not accepted (record_sent has the others); only jobs
    this worker still holds are touched."""
    table = PushJob.__table__
    tally: Counter = Counter()
    sent = {d.job_id for d in accepted(deliveries, outcomes)}
    for delivery in deliveries:
        if delivery.job_id in sent:
            continue
        if delivery.final is not None:
            status, text = delivery.final
            verdict = Verdict(status, text, delete_subscription=status == "gone")
        else:
            outcome = outcomes[delivery.job_id]
            verdict = judge(outcome, attempts=delivery.attempts, max_attempts=max_attempts,
                            expires_at=delivery.expires_at, now=now, rng=rng)
            if outcome.status in (400, 401, 403):
                log.error("push configuration error: the push service answered %s (job %s)", outcome.status,
                          delivery.job_id)
            elif outcome.status == 413 or outcome.error == "payload_too_large":
                log.error("push payload too large for job %s: a bug, not retried", delivery.job_id)
        tally[verdict.status] += 1
        values = {"status": verdict.status, "outcome": verdict.outcome[:200], "claimed_by": None,
                  "claimed_until": None, "updated_at": now}
        if delivery.final is None:
            values["last_status"] = outcomes[delivery.job_id].status
        if verdict.next_attempt_at is not None:
            values["next_attempt_at"] = verdict.next_attempt_at
        done = db.session.execute(update(table).where(table.c.id == delivery.job_id, _mine(worker_id))
                                  .values(**values))
        if verdict.delete_subscription and done.rowcount and delivery.subscription_id is not None:
            # Only if nobody re-subscribed this endpoint since we read it (the revision would have changed).
            db.session.execute(delete(PushSubscription).where(PushSubscription.id == delivery.subscription_id,
                                                              PushSubscription.revision == delivery.revision))
    return tally


def prune(now: datetime) -> int:
    """Forget notifications (and their deliveries) older than KEEP_HISTORY."""
    result = db.session.execute(delete(PushNotification).where(PushNotification.created_at < now - KEEP_HISTORY)
                                .execution_options(synchronize_session=False))
    return result.rowcount or 0
