"""Operator command: `flask --app wsgi questionnaires remind` (cron, e.g. hourly) queues due reminders."""
import click

from journal.extensions import utcnow
from journal.questionnaires import bp, services


@bp.cli.command("remind")
def remind():
    """Queue a generic reminder for each member who asked for one and has a questionnaire due."""
    click.echo(f"{services.send_due_reminders(utcnow())} reminder(s) queued")
