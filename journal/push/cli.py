"""Operator commands: `flask --app wsgi push worker` (deliver notifications) and `push rotate-vapid-key`."""
import json
import logging
import os
from pathlib import Path

import click
from flask import current_app

from journal import config, crypto
from journal.push import bp
from journal.push.sender import ConfigurationError
from journal.push.worker import Worker


@bp.cli.command("worker")
@click.option("--once", is_flag=True, help="Enqueue due reminders, send everything due now, then exit (cron, tests).")
@click.option("--batch-size", type=int, default=None, help="Jobs claimed per round (JOURNAL_PUSH_BATCH_SIZE).")
@click.option("--concurrency", type=int, default=None, help="Pushes in flight (JOURNAL_PUSH_CONCURRENCY).")
def worker(once, batch_size, concurrency):
    """Deliver reminders and notifications from the outbox until stopped (SIGTERM/SIGINT)."""
    if not logging.getLogger().handlers:
        logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO").upper(),
                            format="%(asctime)s [push] %(levelname)s %(message)s")
    try:
        runner = Worker(current_app._get_current_object(), batch_size=batch_size, concurrency=concurrency)
    except ConfigurationError as exc:
        raise click.ClickException(str(exc)) from exc
    tally = runner.run(once=once, handle_signals=not once)
    if once:
        click.echo(", ".join(f"{status}: {count}" for status, count in sorted(tally.items())) or "nothing due")


@bp.cli.command("rotate-vapid-key")
@click.confirmation_option(prompt="Every device will have to turn notifications on again. Rotate the VAPID key?")
def rotate_vapid_key():
    """Make a new VAPID key (version + 1). Devices subscribed with the old key must re-subscribe."""
    if os.environ.get("JOURNAL_VAPID_PRIVATE_KEY"):
        raise click.ClickException("The VAPID key comes from JOURNAL_VAPID_PRIVATE_KEY: set a new key there "
                                   "and raise JOURNAL_VAPID_KEY_VERSION, then restart.")
    path = Path(current_app.instance_path) / config.VAPID_FILE
    version = int(current_app.config["VAPID_KEY_VERSION"]) + 1
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(json.dumps({"version": version, "private_key": crypto.generate_vapid_private_key()}) + "\n")
    os.replace(tmp, path)
    click.echo(f"VAPID key version {version} written to {path}. Restart the app and the worker; devices "
               "re-subscribe when the member next opens the app.")
