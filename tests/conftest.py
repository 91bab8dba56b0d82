"""Shared fixtures: an app per test on SQLite and on PostgreSQL, clients that speak CSRF, and builders.

Tests that need PostgreSQL, Redis or a browser skip locally with a reason when the service is missing,
and fail instead when CI=true: CI must exercise them.
"""
from __future__ import annotations

import os
import re
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, text

from journal import create_app, crypto
from journal.extensions import db

CI = os.environ.get("CI") == "true"
PASSWORD = "a calm river at dawn"


# --- The clock ---------------------------------------------------------------------------------------
# Tests never read the wall clock: every test runs on a clock the suite injects (time-machine), started at
# DEFAULT_CLOCK, a plain weekday afternoon, unless `--clock` names another instant. `make test` then runs
# the suite again at awkward instants: the first half-minute of March after a short February in UTC and the
# last half-minute of a year at UTC+14 (Makefile, test-clock). A value is 'YYYY-MM-DDTHH:MM[:SS]@Zone', or
# 'HH:MM[:SS]@Zone' for today's date in that zone. The clock ticks on from there, and the process's local
# zone becomes that zone. Only tests that meet another clock run on the wall clock: browser tests
# (Chromium keeps its own), the scale test (a real server in other processes) and the fuzzers (their
# seeded sessions outlive one test's clock).
DEFAULT_CLOCK = "2027-01-20T14:00:00@UTC"
WALL_CLOCK_MARKERS = ("browser", "scale", "fuzz")


def pytest_addoption(parser):
    parser.addoption("--clock", metavar="[DATE]TIME@ZONE", default=os.environ.get("PJ_TEST_CLOCK") or DEFAULT_CLOCK,
                     help=f"start every test's clock at this instant (default {DEFAULT_CLOCK}; tests/conftest.py)")
    parser.addoption("--fuzz-examples", metavar="N", type=int, default=int(os.environ.get("PJ_FUZZ_EXAMPLES") or 0)
                     or None, help="examples per operation and per form for the fuzzers in tests/fuzz/ "
                                   "(default: the small CI budget; or set PJ_FUZZ_EXAMPLES)")


def clock_start(value: str, *, today: date | None = None) -> datetime:
    """The instant `--clock` names: 'HH:MM[:SS]@Zone' on today's date in Zone, or 'YYYY-MM-DDTHH:MM[:SS]@Zone'."""
    moment, _, zone_name = value.partition("@")
    zone = ZoneInfo(zone_name or "UTC")
    if "T" in moment:
        return datetime.fromisoformat(moment).replace(tzinfo=zone)
    day = today or datetime.now(zone).date()
    return datetime.combine(day, time.fromisoformat(moment), tzinfo=zone)


@pytest.fixture(autouse=True)
def _clock_travel(request):
    if any(request.node.get_closest_marker(name) for name in WALL_CLOCK_MARKERS):
        yield
        return
    import time_machine

    with time_machine.travel(clock_start(request.config.getoption("--clock")), tick=True):
        yield


@contextmanager
def shared_setup_clock(config):
    """For data a module-scoped fixture builds before any test's clock starts: build it 45 seconds before
    the instant every test's clock starts at, so the sessions and check-ins made then are in every test's past (a
    session cookie signed "in the future" is refused) and recent enough that no short test refreshes the
    session (which would sign it later than the next test's start)."""
    import time_machine

    with time_machine.travel(clock_start(config.getoption("--clock")) - timedelta(seconds=45), tick=True):
        yield


def checkin_time(days_ago: int = 0, hour: int = 10, *, tz: str = "UTC") -> str:
    """An ISO instant `days_ago` local days back at `hour` in `tz`, never later than now: at 00:30 today's
    10:00 is still to come, and a check-in cannot be in the future."""
    zone = ZoneInfo(tz)
    now = datetime.now(zone)
    day = now.date() - timedelta(days=days_ago)
    instant = datetime.combine(day, time(hour), tzinfo=zone)
    return min(instant, now.replace(microsecond=0)).astimezone(UTC).isoformat()


def require_service(name: str, reason: str):
    """Skip locally with a printed reason; fail in CI, where every service must be present."""
    if CI:
        pytest.fail(f"{name} is required when CI=true: {reason}")
    pytest.skip(f"{name} unavailable ({reason})")


def postgres_base_url() -> tuple[str | None, str]:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return None, "TEST_DATABASE_URL is not set"
    try:
        engine = create_engine(url)
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # any connection failure means "not available here"
        return None, f"cannot connect: {exc.__class__.__name__}"
    return url, ""


def postgres_schema_url(schema: str) -> str:
    """A URL for a private schema of the test database, created empty if missing."""
    base, reason = postgres_base_url()
    if base is None:
        require_service("PostgreSQL", reason)
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    engine.dispose()
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options=-csearch_path%3D{schema}"


def drop_postgres_schema(url: str) -> None:
    schema = url.rsplit("%3D", 1)[1]
    base, _ = postgres_base_url()
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


def app_config(tmp_path, database_url: str, **overrides) -> dict:
    config = {
        "TESTING": True,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test secret key, not for production",
        "MASTER_KEYS": crypto.Keyring.generate().serialize(),
        "VAPID_PRIVATE_KEY": crypto.generate_vapid_private_key(),
        # Cheap hashing in tests only: production keeps werkzeug's scrypt default (n=2**15).
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
        "RATELIMIT_STORAGE_URI": "memory://",
        # Flask-Limiter's shared extension remembers `enabled` from the last app it saw: say it every time.
        "RATELIMIT_ENABLED": True,
        # Many members sign up from one test IP; rate-limit tests set their own, lower limits.
        "RATELIMIT_REGISTER": "1000 per hour",
        "RATELIMIT_LOGIN_IP": "1000 per minute",
        "RATELIMIT_RESET_IP": "1000 per hour",
        "RATELIMIT_TWO_FACTOR_IP": "1000 per minute",
        "SERVER_NAME": None,
    }
    config.update(overrides)
    return config


@pytest.fixture(scope="session")
def postgres_tables(tmp_path_factory):
    """The test schema on PostgreSQL, with the current tables (created once per run)."""
    # One schema per test run, so that several runs on one machine never truncate each other's tables.
    url = postgres_schema_url(f"pj_tests_{os.getpid()}")
    app = create_app(app_config(tmp_path_factory.mktemp("pg"), url))
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.engine.dispose()
    yield url
    drop_postgres_schema(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'journal.sqlite3'}"
    return request.getfixturevalue("postgres_tables")


@pytest.fixture
def config_overrides():
    """Override in a test module to change the app's configuration."""
    return {}


@contextmanager
def empty_app(tmp, database_url: str, **overrides):
    """An app on an empty database (SQLite tables created, PostgreSQL tables truncated); closed afterwards."""
    app = create_app(app_config(tmp, database_url, **overrides))
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            db.create_all()
        else:
            tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(tmp_path, database_url, config_overrides):
    with empty_app(tmp_path, database_url, **config_overrides) as app:
        yield app


@contextmanager
def sqlite_app_in(tmp, **overrides):
    """An app on a fresh SQLite file in `tmp`, its tables created; its connections closed afterwards."""
    app = create_app(app_config(tmp, f"sqlite:///{tmp / 'journal.sqlite3'}", **overrides))
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def sqlite_app(tmp_path, config_overrides):
    """An app on SQLite only, for tests about SQLite's own behaviour (files, WAL, locking)."""
    with sqlite_app_in(tmp_path, **config_overrides) as app:
        yield app


# --- Clients ---------------------------------------------------------------------------------------

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


class Client:
    """A test client that goes through the real forms: it fetches and sends CSRF tokens like a browser."""

    def __init__(self, app, openapi_checker=None):
        self.app = app
        self.http = app.test_client()
        self.checker = openapi_checker
        self._token: tuple[str | None, str] | None = None  # (the session cookie it was fetched under, token)

    def csrf_token(self) -> str:
        """The page's CSRF token, fetched (from a page's meta tag, as a browser has it) only when this client
        has none for its current session: a new session (log in, log out, a password change) needs a new one."""
        cookie = self.http.get_cookie(self.app.config["SESSION_COOKIE_NAME"])
        session = cookie.value if cookie is not None else None
        if self._token is None or self._token[0] != session:
            page = self.http.get("/help")
            match = CSRF_META.search(page.get_data(as_text=True))
            assert match, "every page carries the CSRF token in a meta tag"
            cookie = self.http.get_cookie(self.app.config["SESSION_COOKIE_NAME"])
            self._token = (cookie.value if cookie is not None else None, match.group(1))
        return self._token[1]

    # Buffered, as a browser reads a whole answer: the response is closed at once, which is when the app
    # sends the mail a request queued (journal/mail.py).
    def get(self, url, **kwargs):
        return self.http.get(url, **{"buffered": True, **kwargs})

    def post(self, url, data=None, *, csrf=True, **kwargs):
        data = dict(data or {})
        if csrf:
            data.setdefault("csrf_token", self.csrf_token())
        return self.http.post(url, data=data, **{"buffered": True, **kwargs})

    def api(self, method: str, url: str, json=None, *, headers=None, csrf=True, check=True, **kwargs):
        headers = dict(headers or {})
        if csrf and method.upper() not in ("GET", "HEAD"):
            headers.setdefault("X-CSRFToken", self.csrf_token())
        response = self.http.open(url, method=method.upper(), json=json, headers=headers,
                                  **{"buffered": True, **kwargs})
        if check and self.checker is not None:
            self.checker.check(method, urlsplit(url).path, response)
        return response

    def register(self, email, password=PASSWORD, display_name="River", role="member", timezone="UTC",
                 privacy=True):
        """The registration form, with the privacy box ticked (as it must be) unless `privacy=False`."""
        data = {"email": email, "password": password, "display_name": display_name, "role": role,
                "timezone": timezone}
        if privacy:
            data["privacy"] = "y"
        return self.post("/register", data)

    def open_link(self, url):
        """Open a link from a mail as a browser does: the first hop takes the token off the URL."""
        parts = urlsplit(url)
        first = self.get(f"{parts.path}?{parts.query}")
        assert first.status_code == 302 and first.headers["Location"] == parts.path, first.headers.get("Location")
        return self.get(parts.path)

    def set_up_two_factor(self):
        """Turn on two-step sign-in through the Account pages, keeping the authenticator's secret (as pyotp)
        to make codes with, and the recovery codes shown once."""
        import pyotp

        assert self.post("/account/two-factor/start").status_code == 302
        page = self.get("/account/two-factor").get_data(as_text=True)
        secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")
        self.totp, self.totp_step = pyotp.TOTP(secret), None
        response = self.post("/account/two-factor/confirm", {"code": self.next_code()})
        assert response.status_code == 200, response.get_data(as_text=True)
        self.recovery_codes = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", response.get_data(as_text=True))
        assert len(self.recovery_codes) == 10
        return response

    def next_code(self) -> str:
        """A code the server has not seen yet: this 30-second step's, or the next one's (each works once)."""
        import time as clock

        now = int(clock.time()) // 30
        step = now if self.totp_step is None or self.totp_step < now else self.totp_step + 1
        assert step <= now + 1, "more than two codes in one 30-second step"
        self.totp_step = step
        return self.totp.at(step * 30)

    def login_with_code(self, email, password=PASSWORD, code=None):
        """Both steps: the password, then a code from the authenticator (or the one given)."""
        first = self.login(email, password)
        assert first.status_code == 302 and first.headers["Location"] == "/login/code", first.headers.get("Location")
        return self.post("/login/code", {"code": code or self.next_code()})

    def confirm_email(self, email=None):
        """Follow the newest confirmation link mailed to this member and confirm with one tap."""
        from tests.mailbox import link_in, received

        messages = [m for m in received(self.app, email or self.email) if "/account/verify" in m.get_content()]
        assert messages, "no confirmation mail"
        page = self.open_link(link_in(messages[-1], "/account/verify"))
        assert page.status_code == 200, page.get_data(as_text=True)
        response = self.post("/account/verify")
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    def login(self, email, password=PASSWORD):
        return self.post("/login", {"email": email, "password": password})

    def logout(self):
        return self.post("/logout")


@pytest.fixture
def openapi_checker(app):
    from tests.openapi_check import OpenAPIChecker

    with app.app_context():
        from journal.openapi import document

        return OpenAPIChecker(document())


@pytest.fixture
def client(app, openapi_checker):
    return Client(app, openapi_checker)


@pytest.fixture
def new_client(app, openapi_checker):
    """A factory for more clients (other members, other devices) on the same app."""
    return lambda: Client(app, openapi_checker)


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1 (aiosmtpd); point the app at it with `smtp_config(smtp_server)`."""
    from tests.mailbox import SMTPServer

    server = SMTPServer()
    server.start()
    yield server
    server.stop()


def smtp_config(server, **extra) -> dict:
    return {"MAIL_SMTP_HOST": "127.0.0.1", "MAIL_SMTP_PORT": server.port, "MAIL_SMTP_STARTTLS": False, **extra}


# --- Builders --------------------------------------------------------------------------------------

class Members:
    """Creates accounts through the registration form (which signs them in) and confirms their email with
    the link mailed to them, as a person would."""

    def __init__(self, app, new_client):
        self.app = app
        self.new_client = new_client
        self.count = 0

    def make(self, *, role="member", timezone="UTC", display_name=None, email=None, verified=True,
             two_factor=None) -> Client:
        """A signed-in account. Clinicians, moderators and admins (members made so with the CLI) also set up
        two-step sign-in, which they need before they see anyone's data (`two_factor=False` to skip it)."""
        self.count += 1
        email = email or f"person{self.count}@example.org"
        client = self.new_client()
        response = client.register(email, display_name=display_name or f"Person {self.count}",
                                   role="member" if role in ("moderator", "admin") else role, timezone=timezone)
        assert response.status_code == 302, response.get_data(as_text=True)
        client.email = email
        with self.app.app_context():
            from sqlalchemy import select

            from journal.accounts import User

            client.user_id = db.session.scalar(select(User.id).where(User.email == email))
        if verified:
            client.confirm_email()
        if role in ("moderator", "admin"):
            result = self.app.test_cli_runner().invoke(args=["users", "set-role", email, role])
            assert result.exit_code == 0, result.output
        if two_factor if two_factor is not None else (verified and role != "member"):
            client.set_up_two_factor()
        return client


@pytest.fixture
def members(app, new_client):
    return Members(app, new_client)


@pytest.fixture
def member(members):
    return members.make()


def make_checkin(client: Client, **fields) -> dict:
    """Create a check-in through the API and return its JSON."""
    body = {"mood": 3, **fields}
    response = client.api("POST", "/api/v1/checkins", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def add_item(client: Client, kind: str, name: str, **extra) -> str:
    response = client.api("POST", f"/api/v1/{kind}", json={"name": name, **extra})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


# --- Races --------------------------------------------------------------------------------------------

# Two requests at the same moment can both find nothing and both insert on PostgreSQL; SQLite's writers
# take the lock in turn (BEGIN IMMEDIATE), so these tests run on PostgreSQL only.
racing_backend = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


@contextmanager
def when_first_selected(app, table: str, act):
    """Within the block, run `act(parameters)` once, right after the first SELECT on `table`: another
    request commits its insert between this request's lookup and its own insert, the window a real race
    uses. Yields the list of statements that fired it (empty if none did)."""
    from sqlalchemy import event

    fired = []

    def after(conn, cursor, statement, parameters, context, executemany):
        if not fired and statement.lstrip().upper().startswith("SELECT") and f"FROM {table}" in statement:
            fired.append(statement)
            act(parameters)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "after_cursor_execute", after)
    try:
        yield fired
    finally:
        event.remove(engine, "after_cursor_execute", after)
