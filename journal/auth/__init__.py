"""Accounts: register, log in and out, passwords, sessions, account deletion."""
from flask import Blueprint

bp = Blueprint("auth", __name__)

from journal.auth import recovery_views, sessions, twofactor_views, verification_views, views  # noqa: E402,F401  (routes and session hooks register on import)
