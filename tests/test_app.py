"""The app as a whole: health check, configuration and secrets, security headers, error pages."""
import os
import stat

import pytest

from journal import create_app
from tests.conftest import app_config


def test_healthz_reports_database_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_is_503_when_the_database_is_unreachable(tmp_path):
    # A database file inside a missing directory cannot be opened.
    app = create_app(app_config(tmp_path, f"sqlite:///{tmp_path / 'missing' / 'dir' / 'db.sqlite3'}"))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


def test_first_run_generates_instance_secrets_with_private_permissions(tmp_path, monkeypatch):
    for variable in ("SECRET_KEY", "JOURNAL_MASTER_KEYS", "JOURNAL_VAPID_PRIVATE_KEY", "DATABASE_URL"):
        monkeypatch.delenv(variable, raising=False)
    instance = tmp_path / "instance"
    monkeypatch.setenv("JOURNAL_INSTANCE_PATH", str(instance))
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'journal.sqlite3'}"
    for name in ("secret_key", "master_keys.json", "vapid.json"):
        mode = stat.S_IMODE(os.stat(instance / name).st_mode)
        assert mode == 0o600, f"{name} is {oct(mode)}"
    # A second start reuses the same secrets instead of making new ones.
    again = create_app()
    assert again.config["SECRET_KEY"] == app.config["SECRET_KEY"]
    assert again.config["MASTER_KEYS"] == app.config["MASTER_KEYS"]


def test_the_instance_folder_and_the_sqlite_journal_are_private(tmp_path, monkeypatch):
    """Under the usual umask (022) the database and its WAL files were world-readable beside 0600 secrets."""
    from sqlalchemy import text

    from journal.extensions import db

    for variable in ("SECRET_KEY", "JOURNAL_MASTER_KEYS", "JOURNAL_VAPID_PRIVATE_KEY", "DATABASE_URL"):
        monkeypatch.delenv(variable, raising=False)
    old_umask = os.umask(0o022)
    try:
        instance = tmp_path / "instance"
        monkeypatch.setenv("JOURNAL_INSTANCE_PATH", str(instance))
        app = create_app()
        with app.app_context():
            db.session.execute(text("CREATE TABLE t (x INTEGER)"))
            db.session.execute(text("INSERT INTO t VALUES (1)"))
            db.session.commit()
            modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in instance.iterdir()}
            assert {"journal.sqlite3", "journal.sqlite3-wal", "journal.sqlite3-shm"} <= set(modes)
            assert stat.S_IMODE(instance.stat().st_mode) == 0o700
            assert all(mode == 0o600 for mode in modes.values()), {n: oct(m) for n, m in modes.items()}
            db.engine.dispose()

        # Files made by an earlier version, under a looser umask, are tightened on the next start.
        for path in instance.iterdir():
            path.chmod(0o644)
        instance.chmod(0o755)
        create_app()
        assert stat.S_IMODE(instance.stat().st_mode) == 0o700
        assert stat.S_IMODE((instance / "journal.sqlite3").stat().st_mode) == 0o600
    finally:
        os.umask(old_umask)


def test_production_refuses_to_start_without_secrets(tmp_path, monkeypatch):
    for variable in ("SECRET_KEY", "JOURNAL_MASTER_KEYS", "JOURNAL_VAPID_PRIVATE_KEY"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("JOURNAL_INSTANCE_PATH", str(tmp_path / "empty-instance"))
    monkeypatch.setenv("JOURNAL_ENV", "production")
    with pytest.raises(RuntimeError, match="Refusing to start in production"):
        create_app()
    assert not (tmp_path / "empty-instance" / "secret_key").exists()


def test_production_starts_with_secrets_from_the_environment(tmp_path, monkeypatch):
    from journal import crypto

    monkeypatch.setenv("JOURNAL_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("JOURNAL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 64)
    key = crypto.Keyring.generate()
    monkeypatch.setenv("JOURNAL_MASTER_KEYS", f"{key.primary_id}:{crypto._b64e(key.keys[key.primary_id])}")
    monkeypatch.setenv("JOURNAL_VAPID_PRIVATE_KEY", crypto.generate_vapid_private_key())
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'p.sqlite3'}")
    app = create_app()
    assert app.config["SECRET_KEY"] == "s" * 64
    assert not (tmp_path / "instance" / "secret_key").exists()


@pytest.mark.parametrize("path", ["/", "/login", "/api/openapi.json", "/healthz", "/nowhere"])
def test_security_headers_on_every_response(client, path):
    response = client.get(path)
    headers = response.headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cache-Control"] == "no-store"


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/nowhere")
    assert response.status_code == 404
    assert "We couldn’t find that" in response.get_data(as_text=True)


def test_unknown_api_route_is_json_404(client):
    response = client.get("/api/v1/nowhere")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_unexpected_errors_are_a_friendly_500_without_details(app, client):
    @app.get("/boom-for-test")
    def boom():
        raise RuntimeError("secret health detail")

    response = client.get("/boom-for-test")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Something went wrong" in body and "secret health detail" not in body


def test_crisis_help_is_one_tap_from_every_page(client):
    for path in ("/", "/login", "/register"):
        assert 'href="/help"' in client.get(path).get_data(as_text=True)
    page = client.get("/help").get_data(as_text=True)
    assert "988" in page and "116 123" in page


def _bottom_nav(html: str) -> str:
    return html[html.index('<nav class="bottom-nav"'):html.index("</nav>", html.index('<nav class="bottom-nav"'))]


def test_the_bottom_navigation_fits_each_role_and_page(app, members):
    # The navigation is rendered once per (role, page) and reused: what one account sees must not leak to
    # another role, and the current page must follow the request.
    member, clinician, moderator = members.make(), members.make(role="clinician"), members.make(role="moderator")
    timeline = _bottom_nav(member.get("/timeline").get_data(as_text=True))
    assert 'href="/timeline" aria-current="page"' in timeline and 'href="/peers/' in timeline
    checkin = _bottom_nav(member.get("/checkin").get_data(as_text=True))
    assert 'href="/checkin" aria-current="page"' in checkin and 'href="/timeline" aria-current' not in checkin
    patients = _bottom_nav(clinician.get("/clinician/", follow_redirects=True).get_data(as_text=True))
    assert "Patients" in patients and "Check in" not in patients and "Peers" not in patients
    moderation = _bottom_nav(moderator.get("/timeline").get_data(as_text=True))
    assert "Moderation" in moderation and "Peers" not in moderation


def test_pages_name_the_signed_in_account_for_the_offline_queue(members, client):
    member = members.make()
    account_id = member.get("/api/v1/csrf-token").get_json()["account"]
    assert f'<meta name="pj-account" content="{account_id}">' in member.get("/timeline").get_data(as_text=True)
    assert '<meta name="pj-account" content="">' in client.get("/login").get_data(as_text=True)


@pytest.mark.parametrize("method, path, allowed", [
    ("DELETE", "/login", {"GET", "HEAD", "OPTIONS", "POST"}),
    ("PUT", "/api/v1/checkins", {"GET", "HEAD", "OPTIONS", "POST"}),
])
def test_405_names_the_methods_that_are_allowed(client, method, path, allowed):
    response = client.http.open(path, method=method)
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) == allowed


@pytest.mark.parametrize("method, path", [("POST", "/api/v1/checkins"), ("PUT", "/api/v1/reminders"),
                                          ("POST", "/api/v1/push/subscriptions")])
def test_api_writes_without_a_session_are_401_as_documented(client, method, path):
    response = client.api(method, path, json={"mood": 3}, csrf=False)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_untouched_fields_are_not_marked_invalid_and_carry_no_none_attributes(client, members):
    """WTForms printed None as "None": aria-invalid="None" made screen readers call every field invalid."""
    member = members.make()
    pages = {"/login": client, "/register": client, "/account": member, "/reminders": member, "/checkin": member,
             "/peers/profile": member, "/account/delete": member}
    for path, who in pages.items():
        html = who.get(path).get_data(as_text=True)
        assert "aria-invalid" not in html, path
        assert '="None"' not in html, path
    refused = client.post("/login", {"email": "nobody@example.org", "password": "wrong password here"})
    assert refused.get_data(as_text=True).count('aria-invalid="true"') == 1  # only the field with the error


def test_an_unreachable_database_is_a_503_to_retry_not_a_500(tmp_path):
    """A PostgreSQL restart or failover: nothing was saved, and the same request works again shortly."""
    from sqlalchemy import text

    from journal.extensions import db

    app = create_app(app_config(tmp_path, f"sqlite:///{tmp_path / 'missing' / 'dir' / 'db.sqlite3'}"))

    def reads():
        db.session.execute(text("SELECT 1"))
        return {}

    app.add_url_rule("/api/v1/test-reads-the-database", "api_reads", reads)
    app.add_url_rule("/test-reads-the-database", "page_reads", reads)
    client = app.test_client()
    api = client.get("/api/v1/test-reads-the-database")
    assert api.status_code == 503 and api.headers["Retry-After"] == "5"
    assert api.get_json()["error"]["code"] == "unavailable"
    page = client.get("/test-reads-the-database")
    assert page.status_code == 503 and "briefly out of reach" in page.get_data(as_text=True)
