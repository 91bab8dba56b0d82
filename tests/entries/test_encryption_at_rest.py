"""The journal's promise: health content is never readable at rest, and misplaced or altered
ciphertext is handled kindly."""
import json
import logging
from pathlib import Path

from sqlalchemy import select, text, update

from journal.accounts import DataKeyRecord
from journal.entries.models import Checkin, Symptom
from journal.extensions import db
from tests.conftest import Client, add_item, make_checkin

CANARY = "canary-7f3e9a-I-feel-awful-today"


def test_canary_is_absent_from_the_sqlite_file_and_wal(sqlite_app):
    client = Client(sqlite_app)
    client.register("canary@example.org")
    client.login("canary@example.org")
    symptom = add_item(client, "symptoms", CANARY + "-symptom")
    med = add_item(client, "medications", CANARY + "-med", dose=CANARY + "-dose")
    make_checkin(client, note=CANARY, symptoms=[{"id": symptom, "severity": 4}],
                 medications=[{"id": med, "dose": CANARY + "-dose"}])
    assert CANARY in client.api("GET", "/api/v1/checkins").get_data(as_text=True)  # readable by its owner
    database = Path(sqlite_app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
    files = [database, database.with_name(database.name + "-wal")]
    assert files[1].exists() and files[1].stat().st_size > 0, "the write went through the WAL"
    for path in files:
        raw = path.read_bytes()
        assert CANARY.encode() not in raw, f"canary readable in {path.name}"
        assert b"awful" not in raw


def test_canary_is_absent_from_database_rows(app, member):
    make_checkin(member, note=CANARY)
    add_item(member, "tags", CANARY)
    with app.app_context():
        for table in ("checkins", "tags", "symptoms", "medications", "users", "data_keys", "idempotency_keys"):
            for row in db.session.execute(text(f"SELECT * FROM {table}")):  # noqa: S608 - fixed table names
                assert CANARY not in repr(tuple(row)), table
                assert CANARY.encode() not in b"".join(v for v in row if isinstance(v, bytes | memoryview))


def test_scores_are_not_stored_in_plain_columns(app, member):
    make_checkin(member, mood=1, energy=1, pain=4, sleep_hours=3)
    with app.app_context():
        columns = {c.name for c in Checkin.__table__.columns}
    assert not columns & {"mood", "energy", "pain", "sleep_hours", "note"}


def test_ciphertext_moved_to_another_row_does_not_decrypt(app, member, caplog):
    first = make_checkin(member, note="first note")
    second = make_checkin(member, note="second note")
    with app.app_context():
        payload = db.session.scalar(select(Checkin.payload).where(Checkin.id == _uuid(first["id"])))
        db.session.execute(update(Checkin).where(Checkin.id == _uuid(second["id"])).values(payload=payload))
        db.session.commit()
    with caplog.at_level(logging.WARNING):
        moved = member.api("GET", f"/api/v1/checkins/{second['id']}")
    assert moved.status_code == 200
    assert moved.get_json()["readable"] is False and moved.get_json()["note"] is None
    assert "first note" not in moved.get_data(as_text=True)
    page = member.get(f"/entries/{second['id']}")
    assert page.status_code == 200 and "This check-in could not be decrypted" in page.get_data(as_text=True)
    assert "could not decrypt check-in" in caplog.text and "first note" not in caplog.text
    # The untouched entry still reads fine.
    assert member.api("GET", f"/api/v1/checkins/{first['id']}").get_json()["note"] == "first note"


def test_ciphertext_moved_to_another_member_does_not_decrypt(app, members):
    alice, bob = members.make(), members.make()
    alices = make_checkin(alice, note="alice's note")
    bobs = make_checkin(bob, note="bob's note")
    with app.app_context():
        payload = db.session.scalar(select(Checkin.payload).where(Checkin.id == _uuid(alices["id"])))
        db.session.execute(update(Checkin).where(Checkin.id == _uuid(bobs["id"])).values(payload=payload))
        db.session.commit()
    response = bob.api("GET", f"/api/v1/checkins/{bobs['id']}")
    assert response.get_json()["readable"] is False
    assert "alice" not in response.get_data(as_text=True)
    timeline = bob.get("/timeline")
    assert timeline.status_code == 200 and "could not be decrypted" in timeline.get_data(as_text=True)


def test_tampered_entries_never_cause_a_500(app, member):
    entry = make_checkin(member, note="soon tampered")
    symptom = add_item(member, "symptoms", "Soon unreadable")
    with app.app_context():
        checkin = db.session.get(Checkin, _uuid(entry["id"]))
        checkin.payload = checkin.payload[:-1] + bytes([checkin.payload[-1] ^ 1])
        row = db.session.get(Symptom, _uuid(symptom))
        row.name_ct = b"\x01garbage"
        db.session.commit()
    app.extensions["journal.caches"]["catalogs"].clear()  # a worker starting afresh, after a restart
    for path in ("/timeline", f"/entries/{entry['id']}", "/checkin", "/track", f"/entries/{entry['id']}/edit"):
        assert member.get(path).status_code in (200, 302), path
    assert member.api("GET", "/api/v1/checkins").status_code == 200
    assert member.api("PATCH", f"/api/v1/checkins/{entry['id']}", json={"mood": 1}).status_code == 409
    assert member.api("DELETE", f"/api/v1/checkins/{entry['id']}").status_code == 204
    assert "(could not be decrypted)" in member.get("/track").get_data(as_text=True)


def test_key_rotation_keeps_every_entry_readable(tmp_path, database_url):
    from journal import create_app, crypto
    from tests.conftest import app_config

    keyring_file = tmp_path / "instance" / "master_keys.json"
    keyring_file.parent.mkdir(parents=True)
    keyring_file.write_text(crypto.Keyring.generate().serialize())
    config = app_config(tmp_path, database_url)
    del config["MASTER_KEYS"]  # read from the instance file, as in a real deployment
    app = create_app(config)
    with app.app_context():
        _reset(app)
    alice, bob = Client(app), Client(app)
    entries = {}
    for client, email in ((alice, "alice@example.org"), (bob, "bob@example.org")):
        client.register(email)
        client.login(email)
        entries[email] = make_checkin(client, note=f"note of {email}")

    old_primary = json.loads(keyring_file.read_text())["primary"]
    runner = app.test_cli_runner()
    result = runner.invoke(args=["keys", "rotate"])
    assert result.exit_code == 0, result.output
    assert "re-wrapped 2 data keys" in result.output
    new_ring = json.loads(keyring_file.read_text())
    assert new_ring["primary"] != old_primary and old_primary in new_ring["keys"]
    assert oct(keyring_file.stat().st_mode & 0o777) == "0o600"
    with app.app_context():
        assert set(db.session.scalars(select(DataKeyRecord.master_key_id))) == {new_ring["primary"]}

    result = runner.invoke(args=["keys", "retire", old_primary])
    assert result.exit_code == 0, result.output
    assert old_primary not in json.loads(keyring_file.read_text())["keys"]
    # A fresh process with only the new keyring still reads every entry.
    restarted = create_app(config)
    for client, email in ((alice, "alice@example.org"), (bob, "bob@example.org")):
        client.http = restarted.test_client()
        client.login(email)
        assert client.api("GET", f"/api/v1/checkins/{entries[email]['id']}").get_json()["note"] == f"note of {email}"
    assert "primary" in runner.invoke(args=["keys", "status"]).output
    with restarted.app_context():
        db.session.remove()
        db.engine.dispose()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_retiring_a_key_still_in_use_is_refused(app):
    keyring = json.loads(app.config["MASTER_KEYS"])
    app.config["MASTER_KEYS_FILE"] = str(Path(app.instance_path) / "master_keys.json")
    with app.app_context():
        from journal.auth import services

        services.register(email="k@example.org", password="x" * 12, display_name="K", role="member",
                          timezone="UTC")
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["keys", "retire", keyring["primary"]])
    assert result.exit_code != 0 and "still wrapped" in result.output


def _reset(app):
    if db.engine.dialect.name == "sqlite":
        db.create_all()
    else:
        tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
        db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.session.commit()


def _uuid(value):
    import uuid

    return uuid.UUID(value)
