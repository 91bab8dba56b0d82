"""A member's devices: push subscriptions, validated, stored encrypted, listed and removed.

The endpoint URL and keys identify one browser profile to its push service, so they are encrypted under
the member's data key; only a SHA-256 of the endpoint (to recognise a re-subscription) and the push
service's origin stay readable.
"""
from __future__ import annotations

import base64
import logging
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import func, select

from journal import crypto, database
from journal.accounts import User
from journal.domain import ValidationError
from journal.extensions import db
from journal.keys import key_for
from journal.push.models import PushSubscription
from journal.push.sender import origin_of
from journal.push.services import PushError, reschedule, settings_for

log = logging.getLogger(__name__)

SECRET_COLUMN = f"{PushSubscription.TABLE}.secret"  # an AAD label, not a secret
ENDPOINT_MAX = 2048
MAX_DEVICES = 20
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


# --- VAPID -------------------------------------------------------------------------------------------


def vapid_key_version() -> int:
    """The version of the server's VAPID key: subscriptions made with another one must be made again."""
    return int(current_app.config["VAPID_KEY_VERSION"])


def vapid_public_key() -> tuple[str, int]:
    """The public key browsers pass as `applicationServerKey`, and its version."""
    return crypto.vapid_public_key(current_app.config["VAPID_PRIVATE_KEY"]), vapid_key_version()


# --- Subscriptions -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubscriptionInput:
    endpoint: str
    p256dh: str
    auth: str
    vapid_key_version: int
    push_origin: str
    old_endpoint: str | None = None


def _b64url_bytes(value) -> bytes | None:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z0-9_-]+={0,2}", value):
        return None
    value = value.rstrip("=")
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except ValueError:
        return None


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _allowed_service(host: str) -> bool:
    hosts = current_app.config["PUSH_SERVICE_HOSTS"]
    if "*" in hosts:
        return True
    return any(host == allowed or host.endswith("." + allowed) for allowed in hosts)


def allow_local_endpoints() -> bool:
    """Push services on this machine (http://127.0.0.1:<port>, any port) are allowed only where a setting
    says so: the tests' fake push service. Otherwise a member could make the worker POST to the server's
    own ports (SSRF), development mode included."""
    return bool(current_app.config["PUSH_ALLOW_LOCAL_SERVICES"])


def endpoint_problem(endpoint, allow_local: bool) -> str | None:
    """Why `endpoint` is not the URL of a push service this server sends to, or None."""
    if not isinstance(endpoint, str) or not endpoint or len(endpoint) > ENDPOINT_MAX:
        return "The subscription's endpoint URL is required."
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError:
        return "That is not a valid URL."
    host = parts.hostname or ""
    if allow_local and host in LOCAL_HOSTS and parts.scheme in ("http", "https"):
        return None
    if parts.scheme != "https" or not host or parts.username or parts.password:
        return "Push endpoints must be https URLs."
    if host in LOCAL_HOSTS or not _allowed_service(host):
        return "That push service is not one this server sends to."
    if port not in (None, 443):
        return "Push services answer on the standard https port."
    return None


def parse_subscription(body: Mapping) -> SubscriptionInput:
    """Validate a PushSubscription's JSON (as `subscription.toJSON()` gives it) plus the key version."""
    fields = {}
    endpoint = body.get("endpoint")
    problem = endpoint_problem(endpoint, allow_local_endpoints())
    if problem:
        fields["endpoint"] = problem
    keys = body.get("keys")
    keys = keys if isinstance(keys, Mapping) else {}
    p256dh, auth = _b64url_bytes(keys.get("p256dh")), _b64url_bytes(keys.get("auth"))
    if p256dh is None or len(p256dh) != 65 or p256dh[0] != 0x04:
        fields["keys.p256dh"] = "An uncompressed P-256 public key (65 bytes, base64url)."
    if auth is None or len(auth) != 16:
        fields["keys.auth"] = "A 16-byte authentication secret (base64url)."
    current = vapid_key_version()
    version = body.get("vapid_key_version", current)
    if isinstance(version, bool) or not isinstance(version, int):
        fields["vapid_key_version"] = "The version number from /api/v1/push/vapid-public-key."
    elif version != current:
        fields["vapid_key_version"] = (f"This subscription uses an old server key (version {version}); "
                                       f"subscribe again with version {current}.")
    old_endpoint = body.get("old_endpoint")
    if old_endpoint is not None and not isinstance(old_endpoint, str):
        fields["old_endpoint"] = "The previous endpoint URL, or null."
    if fields:
        raise ValidationError(fields, "That push subscription is not valid.")
    return SubscriptionInput(endpoint, _b64url(p256dh), _b64url(auth), version, origin_of(endpoint), old_endpoint)


def device_label(user_agent: str | None) -> str:
    """'Firefox on Android' from a User-Agent: enough to tell one's devices apart."""
    ua = user_agent or ""
    browser = next((name for token, name in (("Edg/", "Edge"), ("SamsungBrowser", "Samsung Internet"),
                                             ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
                                             ("Safari/", "Safari")) if token in ua), "Browser")
    system = next((name for token, name in (("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"),
                                            ("Mac OS X", "macOS"), ("Windows", "Windows"), ("CrOS", "ChromeOS"),
                                            ("Linux", "Linux")) if token in ua), None)
    return f"{browser} on {system}" if system else browser


def _seal(user: User, sub_id: uuid.UUID, data: SubscriptionInput) -> bytes:
    secret = {"endpoint": data.endpoint, "p256dh": data.p256dh, "auth": data.auth}
    return key_for(user).encrypt_json(secret, table=SECRET_COLUMN, row_id=sub_id)


def open_secret(key: crypto.DataKey, sub_id: uuid.UUID, secret: bytes) -> dict:
    """The endpoint and keys of a subscription (raises crypto.DecryptionError if it was altered)."""
    return key.decrypt_json(secret, table=SECRET_COLUMN, row_id=sub_id)


@database.retrying_conflicts
def subscribe(user: User, data: SubscriptionInput, *, label: str, app_origin: str | None,
              now: datetime) -> tuple[PushSubscription, bool]:
    """Store a device, or update it when the endpoint is known (then it belongs to `user` from now on:
    a browser profile receives the notifications of whoever subscribed last). Returns (row, created)."""
    endpoint_hash = crypto.hash_token(data.endpoint)
    sub = db.session.scalar(select(PushSubscription).where(PushSubscription.endpoint_hash == endpoint_hash))
    created = sub is None
    if created:
        count = db.session.scalar(select(func.count(PushSubscription.id)).where(PushSubscription.owner_id == user.id))
        if count >= MAX_DEVICES:
            raise PushError(409, "too_many_devices",
                            f"You have {MAX_DEVICES} devices already; remove one you no longer use.")
        sub = PushSubscription(id=uuid.uuid4(), owner_id=user.id, endpoint_hash=endpoint_hash, revision=1,
                               created_at=now)
        db.session.add(sub)
    else:
        sub.owner_id = user.id
        sub.revision = PushSubscription.revision + 1  # counted in SQL: two re-subscriptions at once get two
    sub.secret = _seal(user, sub.id, data)
    sub.push_origin = data.push_origin
    sub.app_origin = app_origin
    sub.label = label[:80]
    sub.vapid_key_version = data.vapid_key_version
    sub.updated_at = now
    if data.old_endpoint and data.old_endpoint != data.endpoint:
        old = db.session.scalar(select(PushSubscription).where(
            PushSubscription.endpoint_hash == crypto.hash_token(data.old_endpoint),
            PushSubscription.owner_id == user.id))
        if old is not None:
            db.session.delete(old)
    db.session.flush()
    if user.is_member:
        settings = settings_for(user, create=True, now=now)
        reschedule(settings, now)
    return sub, created


def list_subscriptions(user: User) -> list[PushSubscription]:
    return list(db.session.scalars(select(PushSubscription).where(PushSubscription.owner_id == user.id)
                                   .order_by(PushSubscription.created_at, PushSubscription.id)))


def subscription_endpoint(user: User, sub: PushSubscription) -> str | None:
    """The endpoint of one of the member's devices, or None if it cannot be decrypted."""
    try:
        return open_secret(key_for(user), sub.id, sub.secret)["endpoint"]
    except crypto.DecryptionError:
        log.warning("push subscription %s could not be decrypted", sub.id)
        return None


def unsubscribe(sub: PushSubscription) -> None:
    db.session.delete(sub)
    db.session.flush()
