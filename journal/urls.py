"""`path_for(endpoint)`: the path of a route that takes no arguments, worked out once per process.

The layout links to the same dozen fixed routes on every page (navigation, the app shell's scripts);
building each with url_for on every request costs more than rendering the links.
"""
from flask import Flask, current_app, request, url_for

from journal.caches import cache


def path_for(endpoint: str, **placeholders: str) -> str:
    """url_for(endpoint) for a route without arguments, memoized per mount point. Fixed placeholder
    values are allowed too (a link prefix like path_for("entries.show", entry_id="-")), never real ids:
    each distinct call is kept for the life of the process."""
    key = (request.script_root, endpoint, *placeholders.items())
    paths = cache("paths")
    path = paths.get(key)
    if path is None:
        path = paths[key] = url_for(endpoint, **placeholders)
    return path


def path_prefix(endpoint: str, parameter: str) -> str:
    """The path of `endpoint` up to where `parameter` goes ("/entries/" for entries.show and entry_id): a
    list page appends each id to it instead of building every link with url_for. Memoized like path_for."""
    key = (request.script_root, endpoint, "prefix", parameter)
    paths = cache("paths")
    prefix = paths.get(key)
    if prefix is None:
        marker = "PJ-PARAMETER"
        path = url_for(endpoint, **{parameter: marker})
        prefix = paths[key] = path[:path.index(marker)]
    return prefix


def has_feature(name: str) -> bool:
    """Whether the app was built with this feature (config FEATURES): a page links to another feature only
    when it is there. Depends on the app alone, so layout fragments may use it."""
    return name in current_app.extensions["journal.features"]


def init_app(app: Flask) -> None:
    app.add_template_global(path_for)
    app.add_template_global(has_feature)
    app.add_template_global(path_prefix)
