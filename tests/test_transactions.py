"""The request owns the transaction (journal/database.py): one commit when a view succeeds; a rollback on an
exception, an error answer, or a domain error the view turned into a message; views never commit."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
from flask import flash, redirect
from sqlalchemy import func, select, text

from journal import database
from journal.audit import AccessLogEntry
from journal.domain import ValidationError
from journal.extensions import db

ROOT = Path(__file__).resolve().parents[1] / "journal"


def _rows(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AccessLogEntry))


def _write():
    db.session.add(AccessLogEntry(owner_id=1, viewer_id=None, action="dashboard", viewer_name="test",
                                  viewer_role="clinician", entry_count=0))
    db.session.flush()


@pytest.fixture
def routes(app, members):
    def succeeds():
        _write()
        return "ok"

    def refused_then_redirected():
        _write()
        try:
            raise ValidationError({"name": "no"})
        except ValidationError as exc:
            flash(exc.message, "error")
        return redirect("/")

    def error_page():
        _write()
        return "bad", 422

    def error_page_that_keeps_the_look():
        _write()
        database.keep_writes()
        try:
            with database.attempt():
                db.session.execute(text("DELETE FROM access_log"))  # the refused call's own writes
                raise ValidationError({"body": "too long"})
        except ValidationError:
            pass
        return "bad", 400

    def raises():
        _write()
        raise RuntimeError("boom")

    for view in (succeeds, refused_then_redirected, error_page, error_page_that_keeps_the_look, raises):
        app.add_url_rule(f"/test/{view.__name__}", view.__name__, view, methods=["POST"])
    database.owns_transactions(app)
    members.make()  # the owner of the rows the views write
    return app.test_client()


@pytest.mark.parametrize("route, kept", [("succeeds", 1), ("refused_then_redirected", 0), ("error_page", 0),
                                         ("error_page_that_keeps_the_look", 1), ("raises", 0)])
def test_what_a_request_writes_is_kept_only_when_it_succeeded(app, routes, route, kept):
    app.config["WTF_CSRF_ENABLED"] = False
    before = _rows(app)
    routes.post(f"/test/{route}")
    assert _rows(app) - before == kept


def test_no_view_commits_or_rolls_back_by_hand():
    """Views, API views and their helpers leave the transaction to the request (journal/database.py)."""
    offenders = []
    for path in ROOT.rglob("*.py"):
        if path.name not in ("views.py", "api.py") and not path.name.endswith("_views.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr in ("commit", "rollback"):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []
