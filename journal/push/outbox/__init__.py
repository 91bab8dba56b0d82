"""The durable notification outbox: enqueue due reminders once per slot, claim deliveries with a lease,
and record what the push service answered.

Several workers may run at once. On PostgreSQL they lock the rows they take with `FOR UPDATE SKIP LOCKED`
and never wait for each other; on SQLite every worker transaction is `BEGIN IMMEDIATE` (see
journal/database.py), so claims are serialised and the conditional `UPDATE … RETURNING` does the rest.
A lease (`claimed_until`) that runs out, because its worker crashed, makes the job claimable again.
The UNIQUE (user_id, slot) on notifications is the backstop that keeps a reminder slot from ever being
enqueued twice.

Three steps, a module each: `enqueueing` (due reminders become notifications and jobs, once per slot),
`claiming` (lease a batch of jobs and prepare each message) and `recording` (what the push service said;
retries and back-off; pruning). `_sql` holds what they share.
"""
from journal.push.outbox.claiming import Delivery, claim, prepare
from journal.push.outbox.enqueueing import EnqueueReport, enqueue_due_nudges
from journal.push.outbox.recording import (
    KEEP_HISTORY,
    RETRY_AFTER_CAP,
    RETRY_BASE,
    RETRY_CAP,
    Verdict,
    accepted,
    judge,
    prune,
    record,
    record_sent,
    retry_after_seconds,
)

__all__ = ["KEEP_HISTORY", "RETRY_AFTER_CAP", "RETRY_BASE", "RETRY_CAP", "Delivery", "EnqueueReport", "Verdict",
           "accepted", "claim", "enqueue_due_nudges", "judge", "prepare", "prune", "record", "record_sent",
           "retry_after_seconds"]
