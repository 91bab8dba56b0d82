"""Every schema change is a migration: an empty database upgrades to head and back, on both backends,
and the models match what the migrations build."""
import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from journal import create_app
from journal.extensions import db
from tests.conftest import app_config, drop_postgres_schema, postgres_schema_url


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_app(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
    else:
        url = postgres_schema_url(f"pj_migrations_{os.getpid()}")
    app = create_app(app_config(tmp_path, url))
    with app.app_context():
        if request.param == "postgresql":
            db.drop_all()
            db.session.execute(db.text("DROP TABLE IF EXISTS alembic_version"))
            db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if request.param == "postgresql":
        drop_postgres_schema(url)


def test_upgrade_to_head_matches_models_and_downgrades_to_empty(empty_app):
    with empty_app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {"users", "data_keys", "checkins", "symptoms", "tags", "medications"} <= tables
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}),
                                           db.metadata)
        assert differences == [], "models and migrations disagree; add a migration"

        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert "checkins" in inspect(db.engine).get_table_names()
