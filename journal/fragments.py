"""`fragment(template, **inputs)`: a layout partial rendered once per process for each set of inputs.

The layout's <head> links and its bottom navigation are built only from fixed paths and asset URLs, yet
rendering them on every page cost more than a tenth of the timeline's time in process (bench/inprocess.py).
A fragment renders in a Jinja environment of its own that holds only its inputs and the few globals named
in SHARED_GLOBALS (route paths and asset URLs): no request, session, `g`, CSRF token, flashes, user or
config exist there, and touching any undefined name raises. So what it shows cannot depend on who asked
unless it is an input; only cheap, bounded inputs belong there (a role, an endpoint name).
"""
from flask import Flask, current_app, request
from jinja2 import Environment, StrictUndefined
from markupsafe import Markup

from journal.caches import cache

# Globals a fragment may call: each depends only on the route table, the static files, the app's features
# and the mount point, which is part of every fragment's cache key.
SHARED_GLOBALS = ("path_for", "asset_url", "has_feature")


class FragmentRenderer:
    """The fragment environment: the app's templates, none of its per-request context."""

    def __init__(self, app: Flask):
        self.app = app
        self._env: Environment | None = None

    @property
    def env(self) -> Environment:
        if self._env is None:  # built on first use, when every blueprint has added its globals
            source = self.app.jinja_env
            self._env = Environment(loader=source.loader, autoescape=True, undefined=StrictUndefined,
                                    auto_reload=source.auto_reload)
            self._env.globals.update({name: source.globals[name] for name in SHARED_GLOBALS})
        return self._env

    def render(self, template_name: str, inputs: dict) -> Markup:
        # Safe: the output of an autoescaping environment, which escapes every value it prints.
        return Markup(self.env.get_template(template_name).render(inputs))  # noqa: S704


def fragment(template_name: str, **inputs) -> Markup:
    key = (request.script_root, template_name, *sorted(inputs.items()))
    fragments = cache("fragments")
    html = fragments.get(key)
    if html is None:
        html = current_app.extensions["journal.fragments"].render(template_name, inputs)
        if not current_app.debug:  # in development, template edits show at once
            fragments[key] = html
    return html


def init_app(app: Flask) -> None:
    app.extensions["journal.fragments"] = FragmentRenderer(app)
    app.add_template_global(fragment)
