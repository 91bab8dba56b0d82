"""The installable app: manifest, service worker route, offline shells, the CSRF-token endpoint."""
from __future__ import annotations

import json
import re
import struct
import zlib
from pathlib import Path

import pytest
from markupsafe import escape

from journal.pwa import views

STATIC = Path(views.__file__).resolve().parent.parent / "static"
SECURITY_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options")


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG, after checking its signature, chunk CRCs and pixel data length."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, chunks, idat = 8, [], b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        assert zlib.crc32(kind + body) & 0xFFFFFFFF == crc, f"bad CRC in {kind!r}"
        chunks.append(kind)
        if kind == b"IDAT":
            idat += body
        pos += 12 + length
    assert chunks[0] == b"IHDR" and chunks[-1] == b"IEND"
    width, height, depth, color = struct.unpack(">IIBB", data[16:26])
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[color]
    assert depth == 8
    assert len(zlib.decompress(idat)) == height * (1 + width * channels), "pixel data does not match the size"
    return width, height


def css_variable(name: str) -> str:
    css = (STATIC / "css" / "app.css").read_text()
    return re.search(rf"--{name}:\s*(#[0-9a-fA-F]{{6}})", css).group(1).lower()


# --- Manifest ----------------------------------------------------------------------------------------


def test_manifest_makes_the_app_installable(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.get_data())
    for key in ("id", "name", "short_name", "description", "start_url", "scope", "display", "theme_color",
                "background_color", "icons", "shortcuts"):
        assert manifest.get(key), key
    assert manifest["start_url"] == "/checkin"
    assert manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == css_variable("accent")
    assert manifest["background_color"] == css_variable("bg")
    assert len(manifest["short_name"]) <= 12
    shortcut = manifest["shortcuts"][0]
    assert shortcut["name"] == "Check in" and shortcut["url"] == "/checkin"


def test_manifest_icons_are_real_pngs_of_the_stated_sizes(client):
    manifest = json.loads(client.get("/manifest.webmanifest").get_data())
    icons = manifest["icons"] + [icon for s in manifest["shortcuts"] for icon in s.get("icons", [])]
    seen = set()
    for icon in icons:
        response = client.get(icon["src"], buffered=True)
        assert response.status_code == 200, icon["src"]
        assert response.mimetype == icon["type"] == "image/png"
        width, height = png_size(response.get_data())
        assert f"{width}x{height}" == icon["sizes"]
        seen.add((icon["sizes"], icon.get("purpose", "any")))
        assert len(response.get_data()) < 16 * 1024, "icons stay small"
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= seen


def test_pages_link_the_manifest_and_icons(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    for rel in ("icon", "apple-touch-icon"):
        href = re.search(rf'<link rel="{rel}" href="([^"]+)"', html).group(1)
        width, height = png_size(client.get(href, buffered=True).get_data())
        assert width == height and width in (32, 180)


# --- Service worker ----------------------------------------------------------------------------------


def sw_config(source: str) -> dict:
    return json.loads(re.search(r"^self\.PJ_SW = (\{.*\});$", source, re.M).group(1))


def test_service_worker_is_served_from_the_root_for_the_whole_app(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert response.headers["Cache-Control"] == "no-cache"
    for header in SECURITY_HEADERS:
        assert response.headers.get(header), header
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    source = response.get_data(as_text=True)
    for handler in ("install", "activate", "fetch", "push", "notificationclick", "pushsubscriptionchange", "sync"):
        assert f'addEventListener("{handler}"' in source, handler
    # An unchanged worker answers 304, so the browser's update checks cost next to nothing.
    again = client.get("/sw.js", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_service_worker_precaches_only_public_files_that_exist(client, member):
    config = sw_config(client.get("/sw.js").get_data(as_text=True))
    assert re.fullmatch(r"[0-9a-f]{16}", config["version"])
    assert {"/offline", "/checkin/offline"} <= set(config["precache"])
    assert not any(url.startswith("/api/") for url in config["precache"])
    for url in config["precache"]:
        response = member.get(url, buffered=True)
        assert response.status_code == 200, url
        assert "no-store" not in response.headers.get("Cache-Control", ""), url
    # The same worker for everyone: nothing in it depends on who asks.
    assert member.get("/sw.js").get_data() == client.get("/sw.js").get_data()


def test_service_worker_version_follows_the_static_files(app, client, tmp_path):
    """A deploy's new files bring a new version; in debug mode an edit in place is enough."""
    import shutil

    def deploy(name: str) -> Path:
        # Files in a folder of their own, as after a restart: nothing worked out for the old ones applies.
        folder = tmp_path / name
        shutil.copytree(app.static_folder, folder)
        app.static_folder = str(folder)
        return folder

    before = sw_config(client.get("/sw.js").get_data(as_text=True))
    first = deploy("first")
    assert sw_config(client.get("/sw.js").get_data(as_text=True))["version"] == before["version"]
    with (first / "css" / "app.css").open("a") as css:
        css.write("\n/* a deploy */\n")
    second = deploy("second")
    after = sw_config(client.get("/sw.js").get_data(as_text=True))
    assert after["version"] != before["version"]
    css_url = next(u for u in after["precache"] if u.startswith("/static/css/app.css"))
    assert css_url not in before["precache"]

    app.debug = True  # `flask run --debug`: every edit shows at once
    with (second / "css" / "app.css").open("a") as css:
        css.write("\n/* an edit */\n")
    edited = sw_config(client.get("/sw.js").get_data(as_text=True))
    assert edited["version"] != after["version"]
    assert next(u for u in edited["precache"] if u.startswith("/static/css/app.css")) != css_url


def test_service_worker_hashes_the_static_files_once_per_process(client, monkeypatch):
    # Browsers ask for /sw.js on navigations; outside debug mode only a deploy (a restart) changes the files.
    from journal.pwa import assets

    first = client.get("/sw.js")

    def hashing_again(path):
        raise AssertionError(f"hashed {path} again")

    monkeypatch.setattr(assets, "file_digest", hashing_again)
    again = client.get("/sw.js")
    assert again.status_code == 200
    assert again.get_data() == first.get_data()


# --- Offline pages ----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/offline", "/checkin/offline"])
def test_offline_shells_are_public_and_hold_nothing_personal(url, client, members):
    member = members.make(display_name="Quiet Heron")
    from tests.conftest import add_item

    add_item(member, "symptoms", "Migraine aura")
    anonymous = client.get(url)
    signed_in = member.get(url)
    assert anonymous.status_code == signed_in.status_code == 200
    assert anonymous.headers["Cache-Control"] == "no-cache"
    html = signed_in.get_data(as_text=True)
    assert html == anonymous.get_data(as_text=True), "the shell is the same for everyone"
    assert "csrf" not in html.lower().replace('data-csrf="/api/v1/csrf-token"', "")
    assert "Quiet Heron" not in html and "Migraine" not in html and member.email not in html
    assert '<meta name="pj-account" content="">' in html
    assert "Set-Cookie" not in anonymous.headers


def test_offline_page_keeps_the_crisis_lines(client, app):
    html = client.get("/offline").get_data(as_text=True)
    for line in app.config["CRISIS_LINES"]:
        assert str(escape(line["name"])) in html
    assert 'href="/checkin"' in html


def test_checkin_shell_has_the_check_in_form_minus_the_members_catalog(client, members):
    member = members.make()
    from tests.conftest import add_item

    add_item(member, "tags", "Rainy day")
    add_item(member, "medications", "Naproxen")
    names = re.compile(r'<(?:input|textarea|select|button)[^>]*\bname="([^"]+)"')
    real = set(names.findall(member.get("/checkin").get_data(as_text=True)))
    shell = set(names.findall(client.get("/checkin/offline").get_data(as_text=True)))
    catalog = {n for n in real if n.startswith(("sev-", "dose-")) or n in ("tag", "med", "meds_as_planned")}
    assert catalog, "the member's own check-in form lists their catalog"
    assert shell == real - catalog - {"csrf_token"}
    page = client.get("/checkin/offline").get_data(as_text=True)
    assert 'action="/checkin"' in page and 'action="/checkin/quick"' in page


# --- CSRF token ------------------------------------------------------------------------------------


def test_csrf_token_needs_a_login(client):
    response = client.api("GET", "/api/v1/csrf-token")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_a_fresh_csrf_token_lets_a_queued_check_in_replay_exactly_once(member, new_client):
    response = member.api("GET", "/api/v1/csrf-token")
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    body = response.get_json()
    assert body["account"] == str(member.user_id)
    headers = {"X-CSRFToken": body["csrf_token"], "Idempotency-Key": "0f8b5a54-1a1c-4d5e-9a39-2f2f8e0c1a77"}
    checkin = {"mood": 2, "note": "saved offline", "occurred_at": "2026-01-05T08:00:00Z", "timezone": "UTC"}
    first = member.api("POST", "/api/v1/checkins", json=checkin, headers=headers, csrf=False)
    replay = member.api("POST", "/api/v1/checkins", json=checkin, headers=headers, csrf=False)
    assert first.status_code == replay.status_code == 201
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert first.get_json()["id"] == replay.get_json()["id"]
    listed = member.api("GET", "/api/v1/checkins").get_json()["items"]
    assert [item["note"] for item in listed] == ["saved offline"]
    # Another session's token is no good here.
    other = new_client()
    stolen = other.api("POST", "/api/v1/checkins", json=checkin, csrf=False,
                       headers={**headers, "Idempotency-Key": "5b1f0a3e-53a4-4f0e-8c52-c1f1b07a3e11"})
    assert stolen.status_code in (400, 401)


def test_logging_out_tells_the_browser_to_forget_this_device(member):
    response = member.logout()
    assert response.status_code == 302
    assert response.headers["Clear-Site-Data"] == '"storage"'
    assert member.api("GET", "/api/v1/csrf-token").status_code == 401


def test_check_ins_saved_through_the_api_still_offer_crisis_support(member):
    # With JavaScript the app saves check-ins through the API; the writer must still see the help banner.
    from journal import crisis
    from tests.conftest import make_checkin

    banner = str(escape(crisis.SUPPORT_MESSAGE))
    make_checkin(member, note="Rough week, but the walk helped.")
    assert banner not in member.get("/timeline").get_data(as_text=True)
    make_checkin(member, note="Some days I want to die.")
    assert banner in member.get("/timeline").get_data(as_text=True)
    assert banner not in member.get("/timeline").get_data(as_text=True), "shown once, to the writer"
