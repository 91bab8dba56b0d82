"""Fuzzing fixtures: one app on SQLite (rate limits off, to reach past 429) with the seeded world, put back
to its seeded state before every test, and one Hypothesis budget for every fuzzer.

Seeding the world takes a dozen members and some fifty requests; doing it once and copying the SQLite
file back before each test keeps every operation's and every form's fuzzing starting from the same
state at a fraction of the cost.

`make test-clock` leaves the fuzzers out: they probe input, not dates, and the seeded members' session
cookies cannot follow a clock that starts again at the same instant in every test.

The budget is small and fixed so CI is quick and reproducible (derandomized: the same examples every
run). Raise it locally with `pytest -m fuzz --fuzz-examples=500` or PJ_FUZZ_EXAMPLES=500.
"""
from __future__ import annotations

import shutil

import pytest
from hypothesis import HealthCheck, Phase, settings

from journal.extensions import db
from tests.conftest import Client, Members, sqlite_app_in
from tests.openapi_check import OpenAPIChecker
from tests.seed import seed_world

CI_EXAMPLES = 50  # per operation and generation mode, and per form: the fuzz run takes about a minute here


@pytest.fixture(scope="package")
def seeded(tmp_path_factory):
    """(app, world, restore): `restore()` puts the database back as it was right after seeding."""
    tmp = tmp_path_factory.mktemp("fuzz")
    with sqlite_app_in(tmp, RATELIMIT_ENABLED=False) as app:
        with app.app_context():
            from journal.openapi import document

            checker = OpenAPIChecker(document())
        world = seed_world(Members(app, lambda: Client(app, checker)))
        database = tmp / "journal.sqlite3"
        _close(app)
        shutil.copyfile(database, tmp / "seeded.sqlite3")

        def restore():
            _close(app)
            for suffix in ("-wal", "-shm"):
                database.with_name(database.name + suffix).unlink(missing_ok=True)
            shutil.copyfile(tmp / "seeded.sqlite3", database)
            app.extensions["journal.caches"]["catalogs"].clear()  # catalogs of the state thrown away

        yield app, world, restore


def _close(app):
    with app.app_context():
        db.session.remove()
        db.engine.dispose()  # the last connection to close checkpoints the WAL into the file


@pytest.fixture
def app(seeded):
    app, _, restore = seeded
    restore()
    return app


@pytest.fixture
def world(seeded, app):
    return seeded[1]


@pytest.fixture
def fuzz_settings(request) -> settings:
    examples = request.config.getoption("--fuzz-examples") or CI_EXAMPLES
    return settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate, Phase.shrink],
                    print_blob=False)
