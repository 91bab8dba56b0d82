"""`fragment(template, **inputs)`: a partial rendered once per process for each set of inputs.

The layout's <head> links and its bottom navigation are built only from fixed paths and asset URLs, yet
rendering them on every page cost more than a tenth of the timeline's time in process (bench/inprocess.py).
A cached partial sees nothing but its inputs and the environment's globals: no `current_user`, no
`request`, no context processors, so what it shows cannot depend on who asked unless it is an input.
Only cheap, bounded inputs belong there (a role, an endpoint name), never anyone's data.
"""
from flask import Flask, current_app, request
from markupsafe import Markup

_FRAGMENTS: dict[tuple, Markup] = {}
_MAX_FRAGMENTS = 1024


def fragment(template_name: str, **inputs) -> Markup:
    key = (request.script_root, template_name, *sorted(inputs.items()))
    html = _FRAGMENTS.get(key)
    if html is None:
        # Safe: the output of an .html template, which autoescapes every value it prints.
        html = Markup(current_app.jinja_env.get_template(template_name).render(inputs))  # noqa: S704
        if not current_app.debug:  # in development, template edits show at once
            if len(_FRAGMENTS) >= _MAX_FRAGMENTS:
                _FRAGMENTS.clear()
            _FRAGMENTS[key] = html
    return html


def init_app(app: Flask) -> None:
    app.add_template_global(fragment)
