"""Behind a TLS proxy: JOURNAL_PROXY_HOPS=N trusts the X-Forwarded-For/-Proto values the last N proxies wrote,
so rate limits count each client's own address and https is recognised; 0 (the default) trusts none of them,
since without a proxy any client could write those headers."""
import pytest

from tests.conftest import CSRF_META, sqlite_app_in


def _login(http, address: str, forwarded_for: str, email: str) -> int:
    headers = {"X-Forwarded-For": forwarded_for}
    environ = {"REMOTE_ADDR": address}
    page = http.get("/login", headers=headers, environ_base=environ).get_data(as_text=True)
    token = CSRF_META.search(page).group(1)
    return http.post("/login", data={"email": email, "password": "not the password at all", "csrf_token": token},
                     headers=headers, environ_base=environ).status_code


@pytest.mark.parametrize("hops", [0, 1])
def test_login_limits_count_the_address_the_proxy_saw_only_when_told_to_trust_it(tmp_path, hops):
    with sqlite_app_in(tmp_path, PROXY_HOPS=hops, RATELIMIT_LOGIN_IP="2 per minute",
                       RATELIMIT_LOGIN_ACCOUNT="100 per minute") as app:
        http = app.test_client()
        proxy = f"10.9.{hops}.1"  # the proxy's own address: every request reaches the app from it
        first = [_login(http, proxy, "203.0.113.7", f"first{i}@example.org") for i in range(3)]
        assert first == [400, 400, 429]
        # Another phone behind the same proxy: its own allowance only when the proxy's header is trusted.
        assert _login(http, proxy, "198.51.100.9", "second@example.org") == (400 if hops else 429)
        # A client cannot escape its limit by writing an address of its own in front of the proxy's.
        assert _login(http, proxy, "192.0.2.55, 203.0.113.7", "third@example.org") == 429


@pytest.mark.parametrize("hops, hsts", [(0, False), (1, True)])
def test_https_at_the_proxy_is_recognised_only_when_trusted(tmp_path, hops, hsts):
    with sqlite_app_in(tmp_path, PROXY_HOPS=hops) as app:
        response = app.test_client().get("/help", headers={"X-Forwarded-Proto": "https"})
        assert response.status_code == 200
        assert ("Strict-Transport-Security" in response.headers) is hsts


def test_no_proxy_is_trusted_by_default(tmp_path, monkeypatch):
    from journal import create_app

    monkeypatch.delenv("JOURNAL_PROXY_HOPS", raising=False)
    monkeypatch.setenv("JOURNAL_INSTANCE_PATH", str(tmp_path / "instance"))
    assert create_app().config["PROXY_HOPS"] == 0
    monkeypatch.setenv("JOURNAL_PROXY_HOPS", "2")
    app = create_app()
    assert app.config["PROXY_HOPS"] == 2
    assert type(app.wsgi_app).__name__ == "ProxyFix"
