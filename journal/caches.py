"""Per-process caches, behind one seam: each lives in `app.extensions["journal.caches"]` under a name
declared here, beside the invariant that makes it safe to keep between requests (tests/test_caches.py
proves each one). Nothing else in the app keeps state between requests.

- `paths`     (mount point, endpoint, fixed placeholders) -> URL path. Route names only: nobody's data.
- `assets`    static file -> content digest and URL, and the static folder's version. Static files only;
              a deploy restarts the process, debug mode re-reads them.
- `fragments` (mount point, template, inputs) -> a layout partial's HTML, rendered in an environment that
              has no request, session, `g`, CSRF token, flashes, user or config: only its inputs (a role, an
              endpoint name) can change what it shows, and a template that reaches for more fails.
- `catalogs`  (member id, wrapped data key, catalog version) -> that member's symptom, tag and medication
              rows *as stored*: ciphertext only. Names are decrypted per request and kept in `g`, so no
              decrypted journal content outlives the request that showed it. A version is valid for one
              state of the catalog: every change bumps it in SQL, so all workers see a change on their
              next request.

Each cache is bounded: when full it is emptied and refilled by the requests that follow.
"""
from __future__ import annotations

from flask import Flask, current_app

LIMITS = {"paths": 4096, "assets": 4096, "fragments": 1024, "catalogs": 4096}


class BoundedCache(dict):
    """A dict that empties itself rather than grow past `limit` entries."""

    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit

    def __setitem__(self, key, value) -> None:
        if key not in self and len(self) >= self.limit:
            self.clear()
        super().__setitem__(key, value)


def init_app(app: Flask) -> None:
    app.extensions["journal.caches"] = {name: BoundedCache(limit) for name, limit in LIMITS.items()}


def cache(name: str) -> BoundedCache:
    """The current app's cache called `name` (one of LIMITS)."""
    return current_app.extensions["journal.caches"][name]
