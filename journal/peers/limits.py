"""Rate limits for peer actions, per account and shared by the HTML and API routes; new accounts get less."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_limiter.util import get_remote_address
from flask_login import current_user

from journal.extensions import limiter, utcnow


def account_key() -> str:
    if current_user.is_authenticated:
        return f"account:{current_user.id}"
    return f"ip:{get_remote_address()}"


def _is_new_account() -> bool:
    if not current_user.is_authenticated:
        return True
    age = timedelta(days=current_app.config["PEER_NEW_ACCOUNT_DAYS"])
    return utcnow() - current_user.created_at < age


def _limit(name: str):
    def value() -> str:
        config = current_app.config
        return config.get(f"{name}_NEW", config[name]) if _is_new_account() else config[name]

    return value


def limited(scope: str, setting: str):
    """Decorator: one counter per account for `scope`, whichever route (page or API) spends it."""
    return limiter.shared_limit(_limit(setting), scope=f"peers-{scope}", key_func=account_key,
                                methods=["POST", "PUT", "PATCH"])


comments = limited("comments", "RATELIMIT_PEER_COMMENTS")
reactions = limited("reactions", "RATELIMIT_PEER_REACTIONS")
requests = limited("requests", "RATELIMIT_PEER_REQUESTS")
nudges = limited("nudges", "RATELIMIT_PEER_NUDGES")
reports = limited("reports", "RATELIMIT_PEER_REPORTS")
