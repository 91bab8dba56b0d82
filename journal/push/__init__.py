"""Push nudges and event notifications (subscriptions, reminder schedules, outbox, sender, worker)."""
