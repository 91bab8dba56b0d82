"""The database floor: engine set-up per backend, and the request's one transaction.

**The request owns the transaction** (as indico's request handler does). `owns_transactions(app)` wraps
every view once, in `create_app`: when the view returns an answer below 400 the request's work is committed,
once; an exception, an error answer, or a domain error raised on the way (journal/domain.py), even one the
view turned into a form message or a flash and a redirect, rolls it back. Views never call `commit()` or
`rollback()`. Two things a view may say:
`@writes` on a GET that writes (an access-log row, notifications marked read), and `keep_writes()` when
what it wrote must stand although the answer is an error page (the access log of a look that the page
still shows: then `attempt()` undoes the failed domain call's own writes).

**SQLite**: a deferred transaction that reads and then writes fails at once with "database is locked" when
another writer committed in between; taking the write lock up front makes writers queue instead. Requests
that change state (POST/PUT/PATCH/DELETE, and GETs declared `@writes`), CLI commands and workers begin
IMMEDIATE; other GETs begin deferred so that readers never wait for writers. Loading the signed-in user
happens in `request_prelude()`: a short read of its own, so that a writing request holds the lock only
while its view runs; what the view then reads of the member is read again inside the write transaction
(but for KEPT_FROM_PRELUDE: the role, zone and wrapped key it may need before it touches the database).
The small writes that come before the view (a session's last-seen time) go through `write_apart()`.
"""
import contextlib
import os
from collections.abc import Callable
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import ParamSpec, TypeVar

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import IntegrityError

from journal.config import private_mode
from journal.extensions import db

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
P = ParamSpec("P")
T = TypeVar("T")
BUSY_TIMEOUT_MS = 5000


def configure(app: Flask) -> None:
    """Tune the engine for its backend (called once by the app factory)."""
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    options = app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
    app.config["_SQLITE"] = uri.startswith("sqlite")
    if uri.startswith("sqlite"):
        options.setdefault("connect_args", {}).setdefault("timeout", BUSY_TIMEOUT_MS / 1000)
        private_sqlite_file(uri)
    else:
        options.setdefault("pool_pre_ping", True)
        options.setdefault("pool_recycle", 1800)
    # Keep SQL parameters (ciphertexts, ids) out of error messages and logs.
    options.setdefault("hide_parameters", True)


def private_sqlite_file(uri: str) -> None:
    """SQLite creates its database under the process umask (0644 with the usual 022) and gives the -wal and
    -shm files beside it the database file's mode: create the file 0600 before SQLite opens it, and tighten
    files made earlier. A folder that does not exist is left for SQLite to report."""
    path = make_url(uri).database
    if not path or path == ":memory:" or path.startswith("file:"):
        return
    path = Path(path)
    if not path.parent.is_dir():
        return
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        private_mode(file, 0o600)


def attach_sqlite_hooks(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy (below) issue BEGIN itself instead of pysqlite's implicit deferred BEGIN.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # Straight to the driver: this runs at the start of every request that touches the database.
        connection.connection.driver_connection.execute("BEGIN IMMEDIATE" if _writes_expected() else "BEGIN")


def _writes_expected() -> bool:
    if has_request_context():
        if g.get("_pj_prelude"):
            return False
        return request_writes() or g.get("_pj_writes", False)
    return True


def request_writes() -> bool:
    """Whether this request changes state: any method but GET/HEAD/OPTIONS, or a view declared @writes."""
    if request.method not in SAFE_METHODS:
        return True
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "writes", False))


@contextmanager
def request_prelude():
    """The reads every request starts with (the signed-in user), as a deferred transaction of their own
    that ends before the view runs: a writer queues for SQLite's lock only for its view's work. What was
    read is expired (but for KEPT_FROM_PRELUDE), so the view reads the member again inside its write
    transaction."""
    if not has_request_context() or not current_app.config.get("_SQLITE") or not request_writes() \
            or db.session().in_transaction():  # already inside the view's transaction: nothing to split
        yield
        return
    g._pj_prelude = True
    try:
        yield
        db.session.commit()  # ends the read; nothing was written
        for obj in list(db.session.identity_map.values()):
            kept = KEPT_FROM_PRELUDE.get(type(obj).__name__, frozenset())
            names = [prop.key for prop in inspect(obj).mapper.attrs if prop.key not in kept]
            if names:
                db.session.expire(obj, names)
    finally:
        g._pj_prelude = False


# What the prelude read and a view may use before it touches the database: the role every view's guard reads,
# the zone a check-in's input defaults to, and the member's wrapped data key (it only changes when the key is
# rewrapped under a new master key, and the old master key keeps unwrapping it). Kept, so that a writing view
# takes SQLite's write lock only once it has parsed its input: re-reading them first doubled how long creating
# a check-in held the lock (bench/load.py). Everything else about the member is read again, under the lock.
KEPT_FROM_PRELUDE = {"User": frozenset({"id", "role", "timezone", "data_key"}),
                     "DataKeyRecord": frozenset({"id", "user_id", "master_key_id", "wrapped", "created_at",
                                                 "rewrapped_at", "user"})}


def writes(view: Callable[P, T]) -> Callable[P, T]:
    """Declare that a GET view writes: its transaction takes SQLite's write lock from its first statement,
    and what it writes is committed like a POST's."""
    view.writes = True
    return view


def keep_writes() -> None:
    """What this request wrote stands even if its answer is an error page (4xx)."""
    g._pj_keep_writes = True


@contextmanager
def attempt():
    """A savepoint around one domain call whose error the view turns into a message: what the call wrote is
    undone when it raises, the rest of the request's work stays."""
    with db.session.begin_nested():
        yield


def succeeded(response) -> bool:
    """Whether this request did what it was asked: an answer below 400 and no domain error raised on the
    way (journal/domain.py marks the request). Its writes are committed, its mail sent (journal/mail.py)."""
    return response.status_code < 400 and not g.get("_pj_domain_error", False)


def owns_transactions(app: Flask) -> None:
    """Wrap every view registered so far (the app factory calls it last; again after adding views, it
    wraps only the new ones)."""
    for endpoint, view in list(app.view_functions.items()):
        if endpoint != "static" and not getattr(view, "owns_transaction", False):
            app.view_functions[endpoint] = _in_request_transaction(view)


def _in_request_transaction(view):
    @wraps(view)
    def in_request_transaction(*args, **kwargs):
        try:
            response = current_app.make_response(view(*args, **kwargs))
        except BaseException:
            db.session.rollback()
            raise
        status = response.status_code
        if succeeded(response) or (status < 500 and g.get("_pj_keep_writes")):
            db.session.commit()  # a conflict raises here, inside the view: errors.py answers 409
        else:
            db.session.rollback()
        return response

    in_request_transaction.owns_transaction = True
    return in_request_transaction


def write_apart(statement, parameters: dict) -> None:
    """A small write of its own before the view runs (a session's last-seen time, an ended session): the
    reads so far end, the statement runs in a short transaction that takes SQLite's write lock up front,
    and it commits at once. A GET keeps reading without the lock, and the write stands whatever the view
    does. Call it only before the view has changed anything: it commits the session."""
    db.session.commit()
    writes = g.get("_pj_writes", False)
    g._pj_writes = True
    try:
        db.session.execute(statement, parameters)
        db.session.commit()
    finally:
        g._pj_writes = writes


CONFLICT_ATTEMPTS = 3


def retrying_conflicts(find_or_create: Callable[P, T]) -> Callable[P, T]:
    """Decorate a find-or-create service: run it in a savepoint, and when a concurrent request inserted
    the same unique row first (IntegrityError), undo only this attempt and run it again: now it finds that
    row. On PostgreSQL two requests can both find nothing and both insert; on SQLite writers take the lock
    in turn and never meet here, but the code is the same. The IntegrityError escapes if attempts run out."""

    @wraps(find_or_create)
    def retrying(*args: P.args, **kwargs: P.kwargs) -> T:
        for attempt in range(1, CONFLICT_ATTEMPTS + 1):
            try:
                with db.session.begin_nested():
                    return find_or_create(*args, **kwargs)
            except IntegrityError:
                if attempt == CONFLICT_ATTEMPTS:
                    raise
        raise AssertionError("unreachable")

    return retrying


def is_healthy() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except Exception:  # any failure to reach the database is "unhealthy", whatever the driver raises
        with contextlib.suppress(Exception):  # the connection may be gone; nothing left to undo
            db.session.rollback()
        return False
