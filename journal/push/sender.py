"""Sending Web Push messages: pywebpush's `WebPusher.send_async` over one long-lived aiohttp session.

What pywebpush leaves to its callers is done here: a VAPID `Authorization` header signed once per push
service origin and reused while valid (a fresh claims dict every time, so nothing pywebpush mutates is
ever reused), explicit TTL/Urgency/Topic headers on every message, the RFC 8291 plaintext cap, bounded
concurrency and explicit timeouts. Encryption (RFC 8291, aes128gcm) is pywebpush's, through http_ece.
"""
from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

import aiohttp
import http_ece
from py_vapid import Vapid
from pywebpush import WebPusher, WebPushException

log = logging.getLogger(__name__)

# RFC 8291 §4: one record, 4096 bytes at most, minus the 86-byte header, 16-byte tag and delimiter.
MAX_PLAINTEXT = 3993
URGENCIES = frozenset({"very-low", "low", "normal", "high"})
TOPIC = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
VAPID_LIFETIME = 12 * 60 * 60  # RFC 8292 allows 24 h; 12 h is what push services expect in practice
VAPID_RENEW_BEFORE = 60 * 60  # sign a new header an hour before the cached one expires
# Apple answers 403 BadJwtToken to subjects like these (web-push-libs/web-push#947).
PLACEHOLDER_SUBJECT = re.compile(r"(@|//)(localhost|[^/]*\.(local|invalid|test|example|localhost))(/|$)"
                                 r"|example\.(com|org|net)(/|$)", re.IGNORECASE)


class ConfigurationError(ValueError):
    """Push cannot work with this configuration (a placeholder VAPID subject, a bad key)."""


def check_subject(subject: str) -> str:
    """A real `mailto:` or `https:` contact, as RFC 8292 asks and Apple enforces."""
    subject = (subject or "").strip()
    if not (re.fullmatch(r"mailto:[^@\s]+@[^@\s]+\.[^@\s]+", subject) or re.fullmatch(r"https://[^\s/]+\.[^\s]+",
                                                                                       subject)):
        raise ConfigurationError("JOURNAL_VAPID_SUBJECT must be a mailto: or https: contact for this server.")
    if PLACEHOLDER_SUBJECT.search(subject):
        raise ConfigurationError(f"JOURNAL_VAPID_SUBJECT {subject!r} looks like a placeholder; Apple rejects it.")
    return subject


def origin_of(url: str) -> str:
    """scheme://host[:port], default port left out: the RFC 6454 origin that VAPID's `aud` must be."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    default = {"https": 443, "http": 80}.get(parts.scheme)
    port = parts.port
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != default else "")


class VapidHeaders:
    """`Authorization: vapid t=…, k=…` per push-service origin, signed once and cached while valid."""

    def __init__(self, private_key: str, subject: str, *, clock: Callable[[], float] = time.time,
                 lifetime: int = VAPID_LIFETIME):
        self.subject = check_subject(subject)
        try:
            self._vapid = Vapid.from_string(private_key=private_key)
        except Exception as exc:  # py_vapid raises several types for an unreadable key
            raise ConfigurationError("The VAPID private key could not be read.") from exc
        self._clock = clock
        self._lifetime = min(int(lifetime), 24 * 60 * 60)
        self._cache: dict[str, tuple[str, int]] = {}

    def authorization(self, origin: str) -> str:
        now = int(self._clock())
        cached = self._cache.get(origin)
        if cached is not None and cached[1] - now > VAPID_RENEW_BEFORE:
            return cached[0]
        expires = now + self._lifetime
        # A new dict every time: py_vapid copies it, and nothing else ever sees it.
        claims = {"aud": origin, "exp": expires, "sub": self.subject}
        header = self._vapid.sign(claims)["Authorization"]
        self._cache[origin] = (header, expires)
        return header


@dataclass(frozen=True)
class Message:
    endpoint: str
    p256dh: str
    auth: str
    payload: bytes
    ttl: int
    urgency: str = "normal"
    topic: str | None = None


@dataclass(frozen=True)
class Outcome:
    """What the push service answered (`status`), or why nothing was sent or heard (`error`)."""

    status: int | None
    retry_after: str | None = None
    # timeout | connection | payload_too_large | invalid_message | invalid_keys | signing_failed | internal
    error: str | None = None


def check_message(message: Message) -> None:
    """Refuse what no push service may accept; raises ValueError."""
    if len(message.payload) > MAX_PLAINTEXT:
        raise ValueError(f"payload of {len(message.payload)} bytes exceeds {MAX_PLAINTEXT} (RFC 8291 §4)")
    if not isinstance(message.ttl, int) or message.ttl < 0:
        raise ValueError("TTL must be a whole number of seconds")
    if message.urgency not in URGENCIES:
        raise ValueError(f"Urgency must be one of {sorted(URGENCIES)}")
    if message.topic is not None and not TOPIC.fullmatch(message.topic):
        raise ValueError("Topic must be 1-32 characters of the base64url alphabet")


class Sender:
    """Sends messages concurrently (bounded) over one shared aiohttp session."""

    def __init__(self, session: aiohttp.ClientSession, vapid: VapidHeaders, *, concurrency: int = 100,
                 timeout: float = 10.0):
        self.session = session
        self.vapid = vapid
        self._slots = asyncio.Semaphore(concurrency)
        self._timeout = aiohttp.ClientTimeout(total=timeout, connect=min(timeout, 5.0))

    async def send(self, message: Message) -> Outcome:
        if len(message.payload) > MAX_PLAINTEXT:
            return Outcome(None, error="payload_too_large")
        try:
            check_message(message)
        except ValueError:
            return Outcome(None, error="invalid_message")
        try:
            authorization = self.vapid.authorization(origin_of(message.endpoint))
        except Exception:  # py_vapid and cryptography raise many types; one device must not stop the round
            log.exception("VAPID signing failed for one push service origin")
            return Outcome(None, error="signing_failed")
        headers = {"Authorization": authorization, "TTL": str(message.ttl), "Urgency": message.urgency}
        if message.topic:
            headers["Topic"] = message.topic
        subscription = {"endpoint": message.endpoint, "keys": {"p256dh": message.p256dh, "auth": message.auth}}
        async with self._slots:
            try:
                pusher = WebPusher(subscription, aiohttp_session=self.session)
                response = await pusher.send_async(message.payload, headers, ttl=message.ttl,
                                                   content_encoding="aes128gcm", timeout=self._timeout)
            except (WebPushException, http_ece.ECEException, ValueError, TypeError):
                return Outcome(None, error="invalid_keys")
            except TimeoutError:
                return Outcome(None, error="timeout")
            except aiohttp.ClientError:
                return Outcome(None, error="connection")
        return Outcome(response.status, response.headers.get("Retry-After"))

    async def send_all(self, messages: Iterable[Message]) -> list[Outcome]:
        """One outcome per message, in order. A message that raises fails alone: the others have gone out
        and must be recorded as sent, or a retried round would deliver them again."""
        results = await asyncio.gather(*(self.send(m) for m in messages), return_exceptions=True)
        outcomes = []
        for result in results:
            if isinstance(result, BaseException):
                if not isinstance(result, Exception):  # cancellation, KeyboardInterrupt: not ours to swallow
                    raise result
                log.error("sending one push message failed", exc_info=result)
                result = Outcome(None, error="internal")
            outcomes.append(result)
        return outcomes
