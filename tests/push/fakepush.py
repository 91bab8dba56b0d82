"""A local fake push service on 127.0.0.1 (aiohttp in a thread) that behaves like a strict real one.

Every message is checked like a push service would (VAPID JWT with the right `aud`, TTL, Urgency, Topic,
Content-Encoding, size) and decrypted with http_ece using the device keys the test generated. Each
device can be scripted to answer 201, 404, 410, 413, 429 (+Retry-After), 500, 503, 400/401/403 or hang.
"""
from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import secrets
import threading
from collections import deque
from dataclasses import dataclass, field

import http_ece
from aiohttp import web
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from tests.push import vapid


def b64e(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@dataclass
class Received:
    token: str
    body: bytes
    plaintext: bytes
    headers: dict
    claims: dict
    answered: int | str

    @property
    def json(self) -> dict:
        return json.loads(self.plaintext)


@dataclass
class Device:
    service: FakePushService
    token: str
    private_key: ec.EllipticCurvePrivateKey = field(repr=False)
    auth: bytes = field(repr=False)
    script: deque = field(default_factory=deque)  # answers to give, in order; then 201
    host: str = "127.0.0.1"  # "localhost" gives a device a push-service origin of its own

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.service.port}/push/{self.token}"

    @property
    def p256dh(self) -> str:
        return b64e(self.private_key.public_key().public_bytes(serialization.Encoding.X962,
                                                               serialization.PublicFormat.UncompressedPoint))

    def subscription(self, **extra) -> dict:
        return {"endpoint": self.endpoint, "expirationTime": None,
                "keys": {"p256dh": self.p256dh, "auth": b64e(self.auth)}, **extra}

    def answer(self, *answers) -> Device:
        """Script the next answers: an int status, (429, "120") for Retry-After, or "hang"."""
        self.script.extend(answers)
        return self

    @property
    def received(self) -> list[Received]:
        return [r for r in self.service.received if r.token == self.token]

    @property
    def delivered(self) -> list[Received]:
        return [r for r in self.received if r.answered == 201]


class FakePushService:
    HANG_SECONDS = 5

    def __init__(self):
        self.devices: dict[str, Device] = {}
        self.received: list[Received] = []
        self.errors: list[str] = []
        self.lock = threading.Lock()
        self.port = None
        self._verified: dict[str, dict] = {}
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True, name="fake-push-service")

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakePushService:
        self._thread.start()
        assert self._ready.wait(10), "the fake push service did not start"
        return self

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def _serve(self):
        asyncio.set_event_loop(self._loop)
        app = web.Application(client_max_size=8192)
        app.router.add_post("/push/{token}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
        self._loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()
        self._loop.run_until_complete(self._runner.cleanup())
        pending = asyncio.all_tasks(self._loop)  # handlers still "hanging"
        for task in pending:
            task.cancel()
        self._loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        self._loop.close()

    def new_device(self, private_key: ec.EllipticCurvePrivateKey | None = None, auth: bytes | None = None,
                   host: str = "127.0.0.1") -> Device:
        device = Device(self, secrets.token_urlsafe(16), private_key or ec.generate_private_key(ec.SECP256R1()),
                        auth or os.urandom(16), host=host)
        with self.lock:
            self.devices[device.token] = device
        return device

    def reset(self) -> None:
        with self.lock:
            self.received.clear()
            self.errors.clear()

    def _fail(self, message: str, status: int = 400) -> web.Response:
        with self.lock:
            self.errors.append(message)
        return web.Response(status=status, text=message)

    def _check_vapid(self, authorization: str) -> dict:
        cached = self._verified.get(authorization)
        if cached is None:
            cached = vapid.verify_header(authorization, audience=self.origin)
            self._verified[authorization] = cached
        return cached

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        device = self.devices.get(request.match_info["token"])
        if device is None:
            return web.Response(status=404)
        headers = {k.lower(): v for k, v in request.headers.items()}
        try:
            claims = self._check_vapid(headers.get("authorization", ""))
        except (vapid.VapidError, ValueError) as exc:
            return self._fail(f"VAPID: {exc}", 401 if "authorization" not in headers else 403)
        if not re.fullmatch(r"\d+", headers.get("ttl", "")):
            return self._fail("TTL header missing or invalid (RFC 8030 §5.2)")
        if headers.get("urgency", "normal") not in ("very-low", "low", "normal", "high"):
            return self._fail("bad Urgency")
        if "topic" in headers and not re.fullmatch(r"[A-Za-z0-9_-]{1,32}", headers["topic"]):
            return self._fail("bad Topic")
        if headers.get("content-encoding") != "aes128gcm":
            return self._fail("Content-Encoding must be aes128gcm")
        body = await request.read()
        if len(body) > 4096:
            return self._fail("more than 4096 bytes", 413)
        try:
            plaintext = http_ece.decrypt(body, private_key=device.private_key, auth_secret=device.auth,
                                         version="aes128gcm")
        except Exception as exc:  # any decryption failure is a test failure, reported through errors
            return self._fail(f"could not decrypt: {exc!r}")
        with self.lock:
            answer = device.script.popleft() if device.script else 201
        if answer == "hang":
            with self.lock:
                self.received.append(Received(device.token, body, plaintext, headers, claims, "hang"))
            await asyncio.sleep(self.HANG_SECONDS)
            return web.Response(status=201)
        retry_after = None
        if isinstance(answer, tuple):
            answer, retry_after = answer
        with self.lock:
            self.received.append(Received(device.token, body, plaintext, headers, claims, answer))
        response_headers = {"Retry-After": retry_after} if retry_after else {}
        if answer == 201:
            response_headers["Location"] = f"{self.origin}/message/{secrets.token_hex(8)}"
            response_headers["TTL"] = headers["ttl"]
        return web.Response(status=answer, headers=response_headers)
