"""A member's phone talking to the real server over HTTP: its own address (as the TLS proxy would forward it),
its own cookies and CSRF token, and check-ins sent the way the offline queue sends them — a new
Idempotency-Key per check-in, the same key on every retry, retried after a lost connection, a 5xx, 429 or 409."""
from __future__ import annotations

import http.client
import json
import re
import time
import uuid
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
PASSWORD = "a calm river at dawn"
RETRIED = frozenset({409, 429, 500, 502, 503, 504})  # what the offline queue keeps and sends again


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def json(self):
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")


@dataclass
class Sent:
    """One acknowledged check-in: what was sent, under which key, and what the server answered."""
    key: str
    body: dict
    entry_id: str
    attempts: int
    acknowledged_at: float


@dataclass
class Phone:
    port: int
    address: str  # the client address the proxy writes into X-Forwarded-For
    name: str
    cookies: dict = field(default_factory=dict)
    token: str | None = None
    email: str | None = None
    user_id: int | None = None
    # (monotonic time, method, path, status or exception name): every request this phone made
    log: list = field(default_factory=list)

    def send(self, method: str, path: str, *, body: bytes | None = None, headers: dict | None = None,
             timeout: float = 15) -> Answer:
        """One HTTP request on a new connection (gunicorn's sync workers close each one after answering)."""
        all_headers = {"User-Agent": f"PeerJournalPhone/{self.name}", "X-Forwarded-For": self.address,
                       **(headers or {})}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=all_headers)
            response = connection.getresponse()
            answer = Answer(response.status, response.headers, response.read())
        except (OSError, http.client.HTTPException) as exc:
            self.log.append((time.monotonic(), method, path, type(exc).__name__))
            raise
        finally:
            connection.close()
        self.log.append((time.monotonic(), method, path, answer.status))
        for header in answer.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return answer

    def form(self, path: str, fields: dict) -> Answer:
        """Open the page, then post its form with the page's CSRF token, like a browser without JavaScript."""
        from urllib.parse import urlencode

        page = self.send("GET", path)
        token = CSRF_META.search(page.text).group(1)
        return self.send("POST", path, body=urlencode({**fields, "csrf_token": token}).encode(),
                         headers={"Content-Type": "application/x-www-form-urlencoded"})

    def join(self, email: str, password: str = PASSWORD) -> None:
        """Register (which signs the phone in) and fetch a CSRF token for the API, as the app does on its first
        start."""
        registered = self.form("/register", {"email": email, "password": password, "display_name": self.name,
                                             "role": "member", "timezone": "UTC", "privacy": "y"})
        assert registered.status == 302, (registered.status, registered.text[:300])
        answer = self.send("GET", "/api/v1/csrf-token")
        assert answer.status == 200, answer.text
        self.token, self.user_id, self.email = answer.json["csrf_token"], int(answer.json["account"]), email

    def api(self, method: str, path: str, payload=None, *, key: str | None = None) -> Answer:
        headers = {"X-CSRFToken": self.token, "Accept": "application/json"}
        body = None
        if payload is not None:
            body, headers["Content-Type"] = json.dumps(payload).encode(), "application/json"
        if key:
            headers["Idempotency-Key"] = key
        return self.send(method, path, body=body, headers=headers)

    def post_until_answered(self, payload: dict, key: str, *, deadline: float) -> tuple[Answer, int]:
        """POST a check-in with this key until the server gives an answer the offline queue would keep
        (anything but a lost connection, a 5xx, 429 or 409); with the number of attempts."""
        attempts, pause = 0, 0.05
        while True:
            attempts += 1
            try:
                answer = self.api("POST", "/api/v1/checkins", payload, key=key)
            except (OSError, http.client.HTTPException):
                answer = None
            if answer is not None and answer.status not in RETRIED:
                return answer, attempts
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.name}: no answer after {attempts} attempts")
            time.sleep(pause)
            pause = min(pause * 2, 1.0)

    def check_in(self, payload: dict, *, deadline: float) -> Sent:
        """Send one check-in until the server acknowledges it (201), retrying with the same key."""
        key = str(uuid.uuid4())
        answer, attempts = self.post_until_answered(payload, key, deadline=deadline)
        if answer.status != 201:
            raise AssertionError(f"{self.name}: check-in refused with {answer.status}: {answer.text[:300]}")
        return Sent(key, payload, answer.json["id"], attempts, time.monotonic())

    def resend(self, sent: Sent, *, deadline: float) -> Answer:
        """The same request again, as when the first answer was lost on the way back to the phone."""
        return self.post_until_answered(sent.body, sent.key, deadline=deadline)[0]

    def failures(self, since: float = 0.0) -> list:
        """Requests since `since` answered with anything but success or a redirect, or not answered at all."""
        return [entry for entry in self.log if entry[0] >= since
                and not (isinstance(entry[3], int) and entry[3] < 400)]
