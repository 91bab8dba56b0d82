"""Content-hashed static URLs, their year-long caching, and gzip only where no secret can leak."""
from __future__ import annotations

import gzip
import re
from pathlib import Path

from journal.pwa import assets

HASHED = re.compile(r'(?:href|src)="(/static/[^"?]+)\?v=([0-9a-f]{12})"')


def test_base_layout_links_every_static_file_by_content_hash(client, app):
    html = client.get("/login").get_data(as_text=True)
    linked = dict(HASHED.findall(html))
    assert {"/static/css/app.css", "/static/js/app.js", "/static/js/offline.js", "/static/js/install.js"} <= set(linked)
    for url, digest in linked.items():
        with app.app_context():
            assert assets.asset_hash(url.removeprefix("/static/")) == digest
    for tag in re.findall(r"<script [^>]*>", html):
        assert " defer" in tag, tag


def test_hashed_static_files_are_cached_for_a_year_and_others_revalidate(client):
    html = client.get("/login").get_data(as_text=True)
    url, digest = HASHED.search(html).groups()
    current = client.get(f"{url}?v={digest}", buffered=True)
    assert current.status_code == 200
    assert {"public", "immutable"} <= set(current.headers["Cache-Control"].replace(" ", "").split(","))
    assert "max-age=31536000" in current.headers["Cache-Control"]
    assert "Expires" not in current.headers
    for stale in (f"{url}?v=000000000000", url):
        response = client.get(stale, buffered=True)
        assert response.status_code == 200
        assert "immutable" not in response.headers.get("Cache-Control", "")


def test_asset_url_never_leaves_the_static_folder(app):
    with app.test_request_context():
        assert assets.asset_hash("../config.py") is None
        assert assets.asset_url("missing.css") == "/static/missing.css"


def test_static_text_is_gzipped_when_the_client_accepts_it(client, app):
    url = "/static/css/app.css"
    original = (Path(app.static_folder) / "css" / "app.css").read_bytes()
    packed = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"}, buffered=True)
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.get_data()) == original
    assert int(packed.headers["Content-Length"]) == len(packed.get_data()) < len(original) / 2
    assert packed.headers["ETag"].startswith('W/"'), "gzipped bytes carry a weak ETag"
    assert client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": packed.headers["ETag"]},
                      buffered=True).status_code == 304
    for refusing in ({}, {"Accept-Encoding": "identity"}, {"Accept-Encoding": "gzip;q=0"}):
        plain = client.get(url, headers=refusing, buffered=True)
        assert "Content-Encoding" not in plain.headers
        assert plain.get_data() == original
        assert "Accept-Encoding" in plain.headers["Vary"]


def test_small_files_and_images_are_sent_as_they_are(app, client):
    from pathlib import Path

    from journal.pwa.compression import MIN_SIZE

    small = Path(app.static_folder, "js", "print.js")
    assert small.stat().st_size < MIN_SIZE, "pick another file under the compression threshold"
    for url in ("/static/js/print.js", "/static/icons/icon-192.png"):
        response = client.get(url, headers={"Accept-Encoding": "gzip"}, buffered=True)
        assert response.status_code == 200
        assert "Content-Encoding" not in response.headers


def test_pages_and_api_answers_are_never_compressed(member):
    # They carry the CSRF token and health data next to text others can influence (BREACH).
    from tests.conftest import make_checkin

    make_checkin(member, note="a long note " * 200)
    for url in ("/checkin", "/timeline", "/api/v1/checkins", "/api/v1/csrf-token"):
        response = member.get(url, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200, url
        assert "Content-Encoding" not in response.headers, url
        assert "no-store" in response.headers["Cache-Control"], url
