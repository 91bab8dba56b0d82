"""Every schema change is a migration: an empty database upgrades to head and back, on both backends,
and the models match what the migrations build."""
import os
from datetime import datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

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


def test_upgrading_keeps_accounts_and_the_rows_that_hang_off_them(empty_app):
    """Upgrades never lose data. On SQLite, batch mode rebuilds a table by dropping the old one, which with
    foreign keys on deletes every row cascading from it: dropping users.session_version that way (0007)
    deleted every data key, crypto-shredding every journal."""
    with empty_app.app_context():
        upgrade(revision="0006_catalog_version")
        db.session.execute(text(
            "INSERT INTO users (id, email, password_hash, display_name, role, session_version, timezone, "
            "catalog_version, created_at) VALUES (1, 'a@example.org', 'x', 'A', 'member', 3, 'UTC', 1, :at)"),
            {"at": datetime(2026, 1, 1)})
        db.session.execute(text("INSERT INTO data_keys (id, user_id, master_key_id, wrapped, created_at) "
                                "VALUES (1, 1, 'k1', :wrapped, :at)"),
                           {"wrapped": b"\x01" * 60, "at": datetime(2026, 1, 1)})
        db.session.commit()

        def rows():
            counts = (db.session.scalar(text("SELECT count(*) FROM users")),
                      db.session.scalar(text("SELECT count(*) FROM data_keys")))
            db.session.commit()  # let go of the tables: the next migration alters them
            return counts

        upgrade()
        assert rows() == (1, 1)
        # Accounts from before email confirmation count as confirmed: nobody is locked out of their peers.
        assert db.session.scalar(text("SELECT email_verified_at FROM users")) is not None
        db.session.commit()
        downgrade(revision="0006_catalog_version")
        assert rows() == (1, 1)


def test_a_future_migration_that_rebuilds_a_parent_table_keeps_its_children(tmp_path):
    """Whatever a later migration rebuilds on SQLite (batch mode drops and re-creates the table), the rows
    that hang off it stay: migrations run with foreign keys off, and are checked for orphans afterwards."""
    import shutil

    from alembic.script import ScriptDirectory
    from flask_migrate import Migrate

    directory = tmp_path / "migrations"
    shutil.copytree(os.path.join(os.path.dirname(__file__), "..", "migrations"), directory)
    app = create_app(app_config(tmp_path, f"sqlite:///{tmp_path / 'rebuild.sqlite3'}"))
    with app.app_context():
        head = ScriptDirectory.from_config(Migrate(app, db).get_config(str(directory))).get_current_head()
        (directory / "versions" / "9999_rebuild_users.py").write_text(
            f'revision = "9999_rebuild_users"\ndown_revision = "{head}"\n'
            "from alembic import op\n\n\ndef upgrade():\n"
            '    with op.batch_alter_table("users", recreate="always"):\n        pass\n\n\n'
            "def downgrade():\n    pass\n")
        upgrade(directory=str(directory), revision=head)
        db.session.execute(text(
            "INSERT INTO users (id, email, password_hash, display_name, role, timezone, catalog_version, created_at) "
            "VALUES (1, 'a@example.org', 'x', 'A', 'member', 'UTC', 1, :at)"), {"at": datetime(2026, 1, 1)})
        db.session.execute(text("INSERT INTO data_keys (id, user_id, master_key_id, wrapped, created_at) "
                                "VALUES (1, 1, 'k1', :wrapped, :at)"),
                           {"wrapped": b"\x01" * 60, "at": datetime(2026, 1, 1)})
        db.session.commit()
        upgrade(directory=str(directory))
        assert db.session.scalar(text("SELECT count(*) FROM data_keys")) == 1
        db.session.remove()
        db.engine.dispose()
