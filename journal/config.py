"""Configuration: documented defaults, environment overrides, and instance secrets made on first run.

Every setting a deployment may change is read from the environment here (the README has the table).
Locally, missing secrets are generated once into `instance/` with 0600 permissions; in production
(`JOURNAL_ENV=production`) the app refuses to start without them.
"""
from __future__ import annotations

import copy
import json
import os
from datetime import timedelta
from pathlib import Path

from flask import Flask

from journal import crypto

SECRET_FILE = "secret_key"  # noqa: S105 - a file name, not a secret
KEYRING_FILE = "master_keys.json"
VAPID_FILE = "vapid.json"

DEFAULTS = {
    "JOURNAL_ENV": "development",
    "SQLALCHEMY_ENGINE_OPTIONS": {},
    # Sessions: members stay signed in on their own phone for a while; clinicians and moderators
    # are signed out sooner (auto-logoff). Absolute lifetimes cap both.
    "SESSION_COOKIE_NAME": "pj_session",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "PERMANENT_SESSION_LIFETIME": timedelta(days=14),
    # The cookie is re-sent when the session changes (login, and the once-a-minute "seen" stamp that
    # slides the idle limit), not on every response.
    "SESSION_REFRESH_EACH_REQUEST": False,
    "SESSION_IDLE_LIMITS": {"member": timedelta(days=14), "staff": timedelta(minutes=30)},
    "SESSION_ABSOLUTE_LIMITS": {"member": timedelta(days=30), "staff": timedelta(hours=12)},
    "REMEMBER_COOKIE_DURATION": timedelta(seconds=0),
    # CSRF tokens live as long as the session: offline check-ins may replay hours later.
    "WTF_CSRF_TIME_LIMIT": None,
    "PASSWORD_HASH_METHOD": "scrypt",
    "RATELIMIT_STORAGE_URI": "memory://",
    # Explicit, because the limiter is one object shared by every app made in a process: without this, an
    # app created with RATELIMIT_ENABLED=False (a browser test's server) would switch it off for later ones.
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_HEADERS_ENABLED": True,
    "RATELIMIT_LOGIN_IP": "20 per minute;100 per hour",
    "RATELIMIT_LOGIN_ACCOUNT": "10 per minute;50 per hour",
    "RATELIMIT_REGISTER": "10 per hour",
    # "Forgot my password" (asking for a link, and setting the password with it): per IP, and per address
    # whoever asks. The answer never says whether the address has an account.
    "RATELIMIT_RESET_IP": "10 per hour",
    "RATELIMIT_RESET_ADDRESS": "3 per hour",
    # Registering an address that has an account mails its owner: at most this often per address.
    "RATELIMIT_REGISTER_ADDRESS": "3 per hour",
    # The second step of signing in (a code from the authenticator app), per IP and per account. Each
    # password sign-in also allows only a few wrong codes before the password is asked again.
    "RATELIMIT_TWO_FACTOR_IP": "20 per minute;100 per hour",
    "RATELIMIT_TWO_FACTOR_ACCOUNT": "5 per minute;20 per hour",
    # Asking for a new email-confirmation link, per account.
    "RATELIMIT_VERIFY_RESEND": "5 per hour",
    # Redeeming clinician invitation codes (per IP, and per clinician account whatever the IP).
    "RATELIMIT_REDEEM_IP": "20 per hour",
    "RATELIMIT_REDEEM_ACCOUNT": "10 per hour",
    "MAX_CONTENT_LENGTH": 256 * 1024,
    # Outgoing mail (journal/mail.py). No SMTP host: each message is written to instance/mail/ instead.
    "MAIL_SMTP_HOST": None,
    "MAIL_SMTP_PORT": None,  # 587, or 465 with MAIL_SMTP_SSL
    "MAIL_SMTP_USERNAME": None,
    "MAIL_SMTP_PASSWORD": None,
    "MAIL_SMTP_STARTTLS": True,
    "MAIL_SMTP_SSL": False,
    "MAIL_SMTP_TIMEOUT": 15.0,
    "MAIL_FROM": "Peer Journal <no-reply@peerjournal.app>",
    "IDEMPOTENCY_KEY_TTL": timedelta(days=7),
    "VAPID_SUBJECT": "mailto:support@peerjournal.app",
    "PUBLIC_ORIGIN": None,
    "BENCH_ROUTES": False,
    # The features the app is built with (journal/__init__.py). The journal stands alone: core, auth,
    # entries and pwa are needed; every other feature can be left out.
    "FEATURES": ("core", "auth", "entries", "pwa", "push", "peers", "clinicians", "questionnaires", "safetyplan",
                 "milestones", "healthlinks", "programme"),
    # Behind a reverse proxy (TLS termination): how many proxies append X-Forwarded-For/-Proto. 0 trusts no
    # such header (a client could forge them); N trusts the last N values, which the N proxies wrote.
    "PROXY_HOPS": 0,
    # Told to members on /privacy: how long this deployment keeps database backups, and whom to write to.
    "BACKUP_RETENTION_DAYS": 30,
    "PRIVACY_CONTACT": None,
    # Push delivery (journal/push): the worker's batch, concurrency and timeouts, and which push services
    # subscriptions may point at (host suffixes; "*" allows any https host).
    "PUSH_BATCH_SIZE": 500,
    "PUSH_CONCURRENCY": 100,
    "PUSH_SEND_TIMEOUT": 10.0,
    "PUSH_LEASE_SECONDS": 120,
    "PUSH_POLL_SECONDS": 5.0,
    "PUSH_MAX_ATTEMPTS": 5,
    "PUSH_SERVICE_HOSTS": ["fcm.googleapis.com", "push.services.mozilla.com", "push.apple.com",
                           "notify.windows.com"],
    # Tests only: lets subscriptions point at a fake push service on 127.0.0.1 (any port, http). Never the
    # default of a served app, development included; production refuses to start with it.
    "PUSH_ALLOW_LOCAL_SERVICES": False,
    # Shown on /help, one tap from every page. Deployments add their own with JOURNAL_CRISIS_LINES (JSON).
    "CRISIS_LINES": [
        {"region": "Everywhere", "name": "Emergency services", "phone": "112",
         "text": "112 works from mobiles in the EU and many other countries; 911 in North America, 999 in the UK."},
        {"region": "United States", "name": "988 Suicide & Crisis Lifeline", "phone": "988",
         "text": "Call or text 988, any time."},
        {"region": "UK and Ireland", "name": "Samaritans", "phone": "116 123", "text": "Free, 24 hours a day."},
        {"region": "Anywhere", "name": "Find a helpline", "url": "https://findahelpline.com",
         "text": "Free, confidential support lines in your country."},
    ],
    # Crisis language in notes and comments shows the writer a gentle banner with the lines above.
    # None: the built-in English list in journal/crisis.py; JOURNAL_CRISIS_PHRASES replaces it (JSON list).
    "CRISIS_PHRASES": None,
    # Peer support rate limits, per account; accounts younger than PEER_NEW_ACCOUNT_DAYS get the *_NEW ones.
    "PEER_NEW_ACCOUNT_DAYS": 7,
    "RATELIMIT_PEER_COMMENTS": "10 per minute;200 per day",
    "RATELIMIT_PEER_COMMENTS_NEW": "3 per minute;30 per day",
    "RATELIMIT_PEER_REACTIONS": "60 per minute;1000 per day",
    "RATELIMIT_PEER_REACTIONS_NEW": "20 per minute;200 per day",
    "RATELIMIT_PEER_REQUESTS": "20 per hour;60 per day",
    "RATELIMIT_PEER_REQUESTS_NEW": "5 per hour;10 per day",
    "RATELIMIT_PEER_NUDGES": "20 per day",
    "RATELIMIT_PEER_NUDGES_NEW": "5 per day",
    "RATELIMIT_PEER_REPORTS": "20 per hour",
    # SMART Health Links (journal/healthlinks): wrong passcodes before a link locks; requests per address to
    # the public manifest and file endpoints; an optional viewer the link is shown behind
    # ("https://viewer.example/" gives https://viewer.example/#shlink:/…, which a phone camera opens).
    "HEALTHLINK_PASSCODE_ATTEMPTS": 5,
    "RATELIMIT_HEALTHLINK_IP": "30 per minute;300 per hour",
    "HEALTHLINK_VIEWER_URL": "",
}

# Environment variable -> (config key, converter)
ENVIRONMENT = {
    "JOURNAL_ENV": ("JOURNAL_ENV", str),
    "DATABASE_URL": ("SQLALCHEMY_DATABASE_URI", str),
    "SECRET_KEY": ("SECRET_KEY", str),
    "JOURNAL_MASTER_KEYS": ("MASTER_KEYS", str),
    "JOURNAL_VAPID_PRIVATE_KEY": ("VAPID_PRIVATE_KEY", str),
    "JOURNAL_VAPID_KEY_VERSION": ("VAPID_KEY_VERSION", int),
    "JOURNAL_VAPID_SUBJECT": ("VAPID_SUBJECT", str),
    "RATELIMIT_STORAGE_URI": ("RATELIMIT_STORAGE_URI", str),
    "JOURNAL_PUBLIC_ORIGIN": ("PUBLIC_ORIGIN", str),
    "JOURNAL_HEALTHLINK_VIEWER_URL": ("HEALTHLINK_VIEWER_URL", str),
    "JOURNAL_SMTP_HOST": ("MAIL_SMTP_HOST", str),
    "JOURNAL_SMTP_PORT": ("MAIL_SMTP_PORT", int),
    "JOURNAL_SMTP_USERNAME": ("MAIL_SMTP_USERNAME", str),
    "JOURNAL_SMTP_PASSWORD": ("MAIL_SMTP_PASSWORD", str),
    "JOURNAL_SMTP_STARTTLS": ("MAIL_SMTP_STARTTLS", lambda v: v == "1"),
    "JOURNAL_SMTP_SSL": ("MAIL_SMTP_SSL", lambda v: v == "1"),
    "JOURNAL_MAIL_FROM": ("MAIL_FROM", str),
    "JOURNAL_BENCH_ROUTES": ("BENCH_ROUTES", lambda v: v == "1"),
    "JOURNAL_PROXY_HOPS": ("PROXY_HOPS", int),
    "JOURNAL_BACKUP_RETENTION_DAYS": ("BACKUP_RETENTION_DAYS", int),
    "JOURNAL_PRIVACY_CONTACT": ("PRIVACY_CONTACT", str),
    "JOURNAL_PUSH_BATCH_SIZE": ("PUSH_BATCH_SIZE", int),
    "JOURNAL_PUSH_CONCURRENCY": ("PUSH_CONCURRENCY", int),
    "JOURNAL_PUSH_SEND_TIMEOUT": ("PUSH_SEND_TIMEOUT", float),
    "JOURNAL_PUSH_POLL_SECONDS": ("PUSH_POLL_SECONDS", float),
    "JOURNAL_PUSH_ALLOW_LOCAL_SERVICES": ("PUSH_ALLOW_LOCAL_SERVICES", lambda v: v == "1"),
    "JOURNAL_PUSH_SERVICE_HOSTS": ("PUSH_SERVICE_HOSTS", lambda v: [h.strip() for h in v.split(",") if h.strip()]),
    "JOURNAL_CRISIS_LINES": ("CRISIS_LINES", json.loads),
    "JOURNAL_CRISIS_PHRASES": ("CRISIS_PHRASES", json.loads),
    "JOURNAL_PEER_NEW_ACCOUNT_DAYS": ("PEER_NEW_ACCOUNT_DAYS", int),
    "RATELIMIT_RESET_IP": ("RATELIMIT_RESET_IP", str),
    "RATELIMIT_RESET_ADDRESS": ("RATELIMIT_RESET_ADDRESS", str),
    "RATELIMIT_PEER_COMMENTS": ("RATELIMIT_PEER_COMMENTS", str),
    "RATELIMIT_PEER_REACTIONS": ("RATELIMIT_PEER_REACTIONS", str),
    "RATELIMIT_PEER_REQUESTS": ("RATELIMIT_PEER_REQUESTS", str),
    "RATELIMIT_PEER_NUDGES": ("RATELIMIT_PEER_NUDGES", str),
}


def load(app: Flask, test_config: dict | None) -> None:
    """Fill app.config from defaults, then the environment (or the test's mapping), then secrets."""
    app.config.from_mapping(copy.deepcopy(DEFAULTS))
    if test_config is None:
        for variable, (key, convert) in ENVIRONMENT.items():
            if os.environ.get(variable):
                app.config[key] = convert(os.environ[variable])
        if os.environ.get("REDIS_URL") and not os.environ.get("RATELIMIT_STORAGE_URI"):
            app.config["RATELIMIT_STORAGE_URI"] = os.environ["REDIS_URL"]
    else:
        app.config.update(test_config)

    instance = Path(app.instance_path)
    private_directory(instance)
    app.config.setdefault("SQLALCHEMY_DATABASE_URI", f"sqlite:///{instance / 'journal.sqlite3'}")
    _load_secrets(app, instance)


def private_directory(path: Path) -> None:
    """Make `path` (the instance folder: secrets, the SQLite journal, outgoing mail) 0700, creating it if
    missing and tightening one made earlier under a looser umask."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    private_mode(path, 0o700)


def private_mode(path: Path, mode: int) -> None:
    """Take away group and other permissions from a file or folder this process owns."""
    try:
        current = path.stat()
    except FileNotFoundError:
        return
    if current.st_mode & 0o077 and current.st_uid == os.geteuid():
        os.chmod(path, mode)


def _load_secrets(app: Flask, instance: Path) -> None:
    production = app.config["JOURNAL_ENV"] == "production"
    missing = [
        name
        for name, key, path in (
            ("SECRET_KEY", "SECRET_KEY", SECRET_FILE),
            ("JOURNAL_MASTER_KEYS", "MASTER_KEYS", KEYRING_FILE),
            ("JOURNAL_VAPID_PRIVATE_KEY", "VAPID_PRIVATE_KEY", VAPID_FILE),
        )
        if not app.config.get(key) and not (instance / path).exists()
    ]
    if production and app.config["PUSH_ALLOW_LOCAL_SERVICES"]:
        raise RuntimeError("JOURNAL_PUSH_ALLOW_LOCAL_SERVICES is for tests: a production server must not "
                           "send to push services on its own machine.")
    if production and app.config.get("MAIL_SMTP_HOST") and not app.config.get("PUBLIC_ORIGIN"):
        raise RuntimeError("Set JOURNAL_PUBLIC_ORIGIN (https://…) to send mail: links in password-reset and "
                           "confirmation mails must not take their host from a request's Host header.")
    if production and missing:
        raise RuntimeError(
            "Refusing to start in production without secrets: set "
            + ", ".join(missing)
            + " (or provide them as files in the instance folder)."
        )

    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _read_or_create(instance / SECRET_FILE, crypto.generate_secret_key)
    if not app.config.get("MASTER_KEYS"):
        app.config["MASTER_KEYS"] = _read_or_create(
            instance / KEYRING_FILE, lambda: crypto.Keyring.generate().serialize()
        )
        app.config["MASTER_KEYS_FILE"] = str(instance / KEYRING_FILE)
    if not app.config.get("VAPID_PRIVATE_KEY"):
        vapid = json.loads(
            _read_or_create(
                instance / VAPID_FILE,
                lambda: json.dumps({"version": 1, "private_key": crypto.generate_vapid_private_key()}),
            )
        )
        app.config["VAPID_PRIVATE_KEY"] = vapid["private_key"]
        app.config.setdefault("VAPID_KEY_VERSION", vapid["version"])
    app.config.setdefault("VAPID_KEY_VERSION", 1)


def _read_or_create(path: Path, make) -> str:
    """Read a secret file, or create it with 0600 permissions; concurrent starters agree on one."""
    if path.exists():
        return path.read_text().strip()
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(make() + "\n")
    try:
        os.link(tmp, path)  # atomic: the file appears complete, or another process's wins
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return path.read_text().strip()


def write_keyring(path: str, keyring: crypto.Keyring) -> None:
    """Replace the keyring file atomically, keeping 0600 permissions."""
    tmp = f"{path}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(keyring.serialize() + "\n")
    os.replace(tmp, path)
