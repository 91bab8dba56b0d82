"""Push nudges and event notifications (subscriptions, reminder schedules, outbox, sender, worker)."""
from flask import Blueprint

bp = Blueprint("push", __name__, cli_group="push")

from journal.push import cli, views  # noqa: E402,F401  (routes and commands register on import)
