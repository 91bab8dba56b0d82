"""Accounts: register, log in and out, passwords, sessions, mailed links, two-step sign-in, deletion.

Public surface for other features: `sign_out_everywhere` (peers ends a suspended account's sessions),
`require_verified` (reaching other people needs a confirmed address) and the session key a clinician's
pending invitation travels under. Everything else in the package is private to it.
"""
from flask import Blueprint, Flask

bp = Blueprint("auth", __name__)

from journal.auth import recovery_views, sessions, twofactor_views, verification_views, views  # noqa: E402,F401  (routes, session hooks)
from journal.auth.services import sign_out_everywhere  # noqa: E402
from journal.auth.sessions import PENDING_INVITATION  # noqa: E402
from journal.auth.verification import EmailNotVerified, require_verified  # noqa: E402

__all__ = ["PENDING_INVITATION", "EmailNotVerified", "bp", "init_app", "require_verified", "sign_out_everywhere"]


def init_app(app: Flask) -> None:
    from journal.auth import api
    from journal.auth.cli import keys_cli, users_cli

    app.register_blueprint(bp)
    app.register_blueprint(api.bp, url_prefix="/api/v1")
    app.cli.add_command(keys_cli)
    app.cli.add_command(users_cli)
