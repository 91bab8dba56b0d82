"""Operator commands: `flask --app wsgi keys …` (master keyring) and `users …` (roles, expired sessions)."""
import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from journal import config, crypto
from journal.accounts import User
from journal.auth import devices, services, tokens, twofactor
from journal.extensions import db, utcnow

keys_cli = AppGroup("keys", help="Manage the master keyring that wraps members' data keys.")
users_cli = AppGroup("users", help="Manage accounts.")


def _install_keyring(keyring: crypto.Keyring) -> None:
    current_app.config["MASTER_KEYS"] = keyring.serialize()
    crypto.init_app(current_app)


@keys_cli.command("status")
def keys_status():
    """Show the keyring's key ids and how many data keys each one wraps."""
    keyring = crypto.vault().keyring
    counts = services.data_keys_by_master_key()
    for key_id in keyring.keys:
        marker = " (primary)" if key_id == keyring.primary_id else ""
        click.echo(f"{key_id}{marker}: wraps {counts.get(key_id, 0)} data keys")
    for key_id in set(counts) - set(keyring.keys):
        click.echo(f"{key_id} (MISSING from keyring): wraps {counts[key_id]} data keys")


@keys_cli.command("rotate")
def keys_rotate():
    """Add a new primary master key and re-wrap every data key under it; entries are untouched."""
    path = current_app.config.get("MASTER_KEYS_FILE")
    if not path:
        raise click.ClickException(
            "The keyring comes from JOURNAL_MASTER_KEYS: put a new key first in that variable "
            "(`id:base64key,…`), restart, then run `flask --app wsgi keys rewrap`."
        )
    keyring = crypto.vault().keyring.with_new_primary()
    config.write_keyring(path, keyring)
    _install_keyring(keyring)
    count = services.rewrap_data_keys()
    click.echo(f"New primary master key {keyring.primary_id}; re-wrapped {count} data keys.")
    click.echo("Retire old keys with `flask --app wsgi keys retire KEY_ID` once backups made with them expire.")


@keys_cli.command("rewrap")
def keys_rewrap():
    """Re-wrap every data key under the current primary master key."""
    count = services.rewrap_data_keys()
    click.echo(f"Re-wrapped {count} data keys under {crypto.vault().keyring.primary_id}.")


@keys_cli.command("retire")
@click.argument("key_id")
def keys_retire(key_id):
    """Remove a master key from the keyring file, once no data key is wrapped by it."""
    path = current_app.config.get("MASTER_KEYS_FILE")
    if not path:
        raise click.ClickException("The keyring comes from JOURNAL_MASTER_KEYS: remove the key there.")
    still_wrapped = services.data_keys_by_master_key().get(key_id, 0)
    if still_wrapped:
        raise click.ClickException(f"{still_wrapped} data keys are still wrapped by {key_id}: run rewrap.")
    try:
        keyring = crypto.vault().keyring.without(key_id)
    except crypto.KeyringError as exc:
        raise click.ClickException(str(exc)) from exc
    config.write_keyring(path, keyring)
    _install_keyring(keyring)
    click.echo(f"Retired {key_id}.")


@users_cli.command("set-role")
@click.argument("email")
@click.argument("role")
def users_set_role(email, role):
    """Give the account with EMAIL a ROLE: member, clinician, moderator or admin (sees only the programme
    report)."""
    try:
        user = services.set_role(email, role)
    except services.AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"{user.display_name} is now {'an' if role[0] in 'aeiou' else 'a'} {role}.")


@users_cli.command("purge-sessions")
def users_purge_sessions():
    """Delete sessions past their idle or absolute limit (they no longer work); run it daily from cron."""
    removed = devices.purge_expired(utcnow())
    db.session.commit()
    click.echo(f"Removed {removed} expired sessions.")


@users_cli.command("purge-tokens")
def users_purge_tokens():
    """Delete spent and expired password-reset and confirmation tokens; run it daily from cron."""
    removed = tokens.purge_expired(utcnow())
    db.session.commit()
    click.echo(f"Removed {removed} spent or expired tokens.")


@users_cli.command("reset-two-factor")
@click.argument("email")
def users_reset_two_factor(email):
    """Remove the authenticator and recovery codes of the account with EMAIL and end its sessions. Only after
    making sure, outside the app, that the account's owner is the one asking."""
    user = db.session.scalar(select(User).where(User.email == services.normalize_email(email)))
    if user is None:
        raise click.ClickException("No account has that email.")
    twofactor.reset_by_operator(user)
    db.session.commit()
    click.echo(f"Two-step sign-in is off for {user.display_name}; their sessions have ended.")
