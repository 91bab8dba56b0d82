"""A receiving app, written from the specification and not from our code: it reads a `shlink:/` link,
POSTs to the manifest, fetches the file, and decrypts the JWE with the key from the link using
`cryptography` directly (A256GCM, additional data = the encoded protected header, raw DEFLATE if zip)."""
from __future__ import annotations

import base64
import html
import json
import re
import zlib
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

SHOWN = re.compile(r'<textarea id="hl-link"[^>]*>([^<]+)</textarea>')


def b64url_decode(text: str) -> bytes:
    assert "=" not in text and "+" not in text and "/" not in text, text
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def link_on_page(response) -> str:
    """The link the once-shown page holds."""
    assert response.status_code == 200, response.get_data(as_text=True)
    return html.unescape(SHOWN.search(response.get_data(as_text=True)).group(1)).strip()


def payload_of(link: str) -> dict:
    """The JSON payload of `shlink:/…`, bare or behind a viewer's `#`."""
    encoded = link.split("#", 1)[-1]
    assert encoded.startswith("shlink:/"), link
    return json.loads(b64url_decode(encoded[len("shlink:/"):]))


def path_of(url: str) -> str:
    return urlsplit(url).path


def ask_manifest(http, payload: dict, recipient="Dr Lee, Verona Health", **extra):
    """POST the manifest request as the specification describes it."""
    return http.post(path_of(payload["url"]), json={"recipient": recipient, **extra})


def decrypt(jwe: str, key_b64: str) -> tuple[dict, bytes]:
    """(protected header, plaintext) of a JWE compact serialization with alg dir, enc A256GCM."""
    parts = jwe.split(".")
    assert len(parts) == 5, "a JWE compact serialization has five parts"
    protected, encrypted_key, iv, ciphertext, tag = parts
    header = json.loads(b64url_decode(protected))
    assert header["alg"] == "dir" and header["enc"] == "A256GCM" and encrypted_key == ""
    key = b64url_decode(key_b64)
    assert len(key) == 32
    plaintext = AESGCM(key).decrypt(b64url_decode(iv), b64url_decode(ciphertext) + b64url_decode(tag),
                                    protected.encode("ascii"))
    if header.get("zip") == "DEF":
        plaintext = zlib.decompress(plaintext, -15)
    return header, plaintext


def open_link(http, link: str, *, passcode=None, recipient="Dr Lee, Verona Health") -> dict:
    """Everything a receiving app does, end to end: the FHIR Bundle the link holds."""
    payload = payload_of(link)
    extra = {"passcode": passcode} if passcode is not None else {}
    response = ask_manifest(http, payload, recipient, **extra)
    assert response.status_code == 200, (response.status_code, response.get_data(as_text=True))
    assert response.mimetype == "application/json"
    files = response.get_json()["files"]
    assert len(files) == 1 and files[0]["contentType"] == "application/fhir+json"
    if "embedded" in files[0]:
        jwe = files[0]["embedded"]
    else:
        got = http.get(path_of(files[0]["location"]))
        assert got.status_code == 200 and got.mimetype == "application/jose"
        jwe = got.get_data(as_text=True)
    header, plaintext = decrypt(jwe, payload["key"])
    assert header.get("cty") == "application/fhir+json"
    return json.loads(plaintext)
