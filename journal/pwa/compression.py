"""gzip for the public, identical-for-everyone responses: static files, the manifest, sw.js, offline pages.

Pages and API answers are deliberately left uncompressed. They carry secrets (the CSRF token, health
data) next to text an attacker may influence (a peer's comment, a query string), which is the recipe
for BREACH-style attacks that read secrets from compressed sizes. The public app shell is where the
bytes are anyway, and compressing it keeps the check-in page's first load well under its budget.
"""
from __future__ import annotations

import gzip
import hashlib
from collections import OrderedDict

from flask import request

MIN_SIZE = 1024
TYPES = frozenset({"text/css", "text/javascript", "application/javascript", "application/json",
                   "application/manifest+json", "image/svg+xml", "text/html", "text/plain"})
# Endpoints whose responses hold no secret and are the same for every visitor.
PUBLIC_ENDPOINTS = {"static", "pwa.manifest", "pwa.service_worker", "pwa.offline", "pwa.checkin_shell"}
_CACHE: OrderedDict[bytes, bytes] = OrderedDict()
_CACHE_SIZE = 64


def _gzip(data: bytes) -> bytes:
    key = hashlib.sha256(data).digest()
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    packed = gzip.compress(data, compresslevel=9, mtime=0)
    _CACHE[key] = packed
    if len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return packed


def compress(response):
    """gzip a public text response when the client accepts it (and say it varies by Accept-Encoding)."""
    if request.endpoint not in PUBLIC_ENDPOINTS or "Content-Encoding" in response.headers:
        return response
    accepted = bool(request.accept_encodings["gzip"])
    if response.status_code == 304:
        # No body and no type to judge by: describe it as the 200 would be (weak ETag when compressed).
        response.vary.add("Accept-Encoding")
        if accepted:
            _weaken_etag(response)
        return response
    if response.status_code != 200 or response.mimetype not in TYPES:
        return response
    response.vary.add("Accept-Encoding")
    if not accepted:
        return response
    response.direct_passthrough = False
    data = response.get_data()
    if len(data) < MIN_SIZE:
        return response
    response.set_data(_gzip(data))
    response.headers["Content-Encoding"] = "gzip"
    response.headers.pop("Accept-Ranges", None)  # byte ranges would address the uncompressed file
    _weaken_etag(response)
    return response


def _weaken_etag(response) -> None:
    # A strong ETag names exact bytes, and the gzipped bytes differ from the file's. A weak one still lets
    # If-None-Match (a weak comparison) answer 304.
    etag, weak = response.get_etag()
    if etag and not weak:
        response.set_etag(etag, weak=True)
