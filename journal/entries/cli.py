"""`flask --app wsgi entries purge-idempotency-keys`: forget Idempotency-Keys past their lifetime."""
import click
from flask import current_app

from journal.entries import bp, services
from journal.extensions import db, utcnow


@bp.cli.command("purge-idempotency-keys")
def purge_idempotency_keys():
    """Delete Idempotency-Keys older than IDEMPOTENCY_KEY_TTL (7 days); run it daily from cron."""
    removed = services.purge_idempotency_keys(utcnow() - current_app.config["IDEMPOTENCY_KEY_TTL"])
    db.session.commit()
    click.echo(f"Forgot {removed} Idempotency-Keys.")
