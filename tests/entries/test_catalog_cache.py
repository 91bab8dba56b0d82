"""Catalogs (as stored) are cached per worker, keyed by a version on the member's row: a change made through
any worker shows on every worker's next page."""
from journal import create_app
from tests.conftest import Client, add_item, app_config, make_checkin, racing_backend, when_first_selected


def test_a_rename_through_another_worker_shows_at_once(app, member, tmp_path):
    symptom = add_item(member, "symptoms", "Tiredness")
    make_checkin(member, symptoms=[{"id": symptom, "severity": 2}])
    assert "Tiredness" in member.get("/timeline").get_data(as_text=True)  # cached by this worker now

    # A second worker process: its own app on the same database and keys.
    other_worker = create_app(app_config(tmp_path / "other", app.config["SQLALCHEMY_DATABASE_URI"],
                                         MASTER_KEYS=app.config["MASTER_KEYS"], SECRET_KEY=app.config["SECRET_KEY"]))
    elsewhere = Client(other_worker)
    elsewhere.login(member.email)
    assert elsewhere.api("PATCH", f"/api/v1/symptoms/{symptom}", json={"name": "Fatigue"}).status_code == 200

    page = member.get("/timeline").get_data(as_text=True)
    assert "Fatigue" in page and "Tiredness" not in page
    assert "Fatigue" in member.get("/checkin").get_data(as_text=True)
    from journal.extensions import db

    with other_worker.app_context():
        db.session.remove()
        db.engine.dispose()


@racing_backend
def test_two_changes_at_once_get_two_versions_and_every_worker_shows_both(app, member, tmp_path):
    """A version bumped in Python from the row read at the start of the request gave two simultaneous
    changes the same version: the other worker kept a catalog without the second item until a restart."""
    other_worker = create_app(app_config(tmp_path / "other", app.config["SQLALCHEMY_DATABASE_URI"],
                                         MASTER_KEYS=app.config["MASTER_KEYS"], SECRET_KEY=app.config["SECRET_KEY"]))
    elsewhere = Client(other_worker)
    elsewhere.login(member.email)
    # This worker reads the catalog afresh inside its write: the window opens between that read and the bump.
    app.extensions["journal.caches"]["catalogs"].clear()

    def add_elsewhere(_parameters):
        assert elsewhere.api("POST", "/api/v1/symptoms", json={"name": "Fatigue"}).status_code == 201
        assert "Fatigue" in elsewhere.get("/checkin").get_data(as_text=True)  # cached there at its version

    with when_first_selected(app, "symptoms", add_elsewhere) as fired:
        assert member.api("POST", "/api/v1/symptoms", json={"name": "Nausea"}).status_code == 201
    assert fired
    for client in (member, elsewhere):
        page = client.get("/checkin").get_data(as_text=True)
        assert "Fatigue" in page and "Nausea" in page
    from journal.extensions import db

    with other_worker.app_context():
        db.session.remove()
        db.engine.dispose()
