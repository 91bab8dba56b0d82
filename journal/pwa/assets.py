"""Static files named by their content: `asset_url()` for templates, year-long caching, the SW's version.

A URL such as `/static/css/app.css?v=3f2a9c1b7d40` changes whenever the file's bytes change, so the
browser may keep it for a year (`immutable`) and a deploy still reaches everyone at once. The service
worker's cache version is a hash over every static file, so a deploy also refreshes its caches. Outside
debug mode both are worked out once per process: the files only change with a deploy, which restarts it.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from flask import current_app, request, url_for

from journal.caches import cache

YEAR = 365 * 24 * 3600


def file_digest(path: str | os.PathLike) -> str | None:
    """A short content hash of a file, or None when it does not exist."""
    key = os.fspath(path)
    try:
        stat = os.stat(key)
    except OSError:
        return None
    # ("digest", path) -> (mtime_ns, size, digest): a file is hashed again only when it changes on disk.
    digests = cache("assets")
    cached = digests.get(("digest", key))
    if cached and cached[:2] == (stat.st_mtime_ns, stat.st_size):
        return cached[2]
    digest = hashlib.sha256(Path(key).read_bytes()).hexdigest()[:12]
    digests[("digest", key)] = (stat.st_mtime_ns, stat.st_size, digest)
    return digest


def _static_path(filename: str) -> Path | None:
    root = Path(current_app.static_folder).resolve()
    path = (root / filename).resolve()
    return path if path.is_relative_to(root) else None


def asset_hash(filename: str) -> str | None:
    """The content hash of a file under static/ (None if it is missing)."""
    path = _static_path(filename)
    return file_digest(path) if path is not None else None


def asset_url(filename: str) -> str:
    """The URL of a static file with its content hash, safe to cache for a year."""
    # Every page asks for the same few URLs; outside debug mode the files only change with a deploy (a
    # restart), so each is worked out once per process and mount point.
    key = ("url", current_app.static_folder, request.script_root, filename)
    urls = cache("assets")
    url = urls.get(key)
    if url is None or current_app.debug:
        digest = asset_hash(filename)
        url = url_for("static", filename=filename, **({"v": digest} if digest else {}))
        if digest:
            urls[key] = url
    return url


def static_version() -> str:
    """One hash over every static file: changes when any CSS, JS or icon changes."""
    # Worked out once per process outside debug mode: walking and hashing the whole folder on every
    # request for /sw.js costs more than the rest of it.
    versions, folder = cache("assets"), current_app.static_folder
    version = versions.get(("version", folder))
    if version is None or current_app.debug:
        root = Path(folder)
        parts = [f"{path.relative_to(root).as_posix()}:{file_digest(path)}"
                 for path in sorted(root.rglob("*")) if path.is_file()]
        version = versions[("version", folder)] = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]
    return version


def cache_static(response):
    """Year-long, immutable caching for static files requested with their current content hash."""
    if request.endpoint != "static" or response.status_code not in (200, 304):
        return response
    version = request.args.get("v")
    filename = (request.view_args or {}).get("filename", "")
    if version and version == asset_hash(filename):
        response.cache_control.no_cache = None
        response.cache_control.public = True
        response.cache_control.max_age = YEAR
        response.cache_control.immutable = True
        response.headers.pop("Expires", None)  # max-age rules; no clock-dependent copy
    return response
