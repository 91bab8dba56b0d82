"""Nobody reaches another member's journal by id: every route answers 404, as if the entry did not exist."""
import pytest
from sqlalchemy import select

from journal.entries.models import Checkin
from journal.extensions import db
from tests.conftest import add_item, make_checkin

# (method, path template, body) for every route that takes an id of something in my journal.
ROUTES = [
    ("GET", "/entries/{entry}", None),
    ("GET", "/entries/{entry}/edit", None),
    ("POST", "/entries/{entry}/edit", {"mood": "1", "note": "overwritten"}),
    ("GET", "/entries/{entry}/delete", None),
    ("POST", "/entries/{entry}/delete", {}),
    ("POST", "/track/symptoms/{symptom}/rename", {"name": "hijacked"}),
    ("POST", "/track/symptoms/{symptom}/archive", {"archived": "1"}),
    ("POST", "/track/tags/{tag}/rename", {"name": "hijacked"}),
    ("POST", "/track/medications/{medication}/archive", {"archived": "1"}),
    ("API GET", "/api/v1/checkins/{entry}", None),
    ("API PATCH", "/api/v1/checkins/{entry}", {"note": "overwritten"}),
    ("API DELETE", "/api/v1/checkins/{entry}", None),
    ("API PATCH", "/api/v1/symptoms/{symptom}", {"name": "hijacked"}),
    ("API PATCH", "/api/v1/tags/{tag}", {"archived": True}),
    ("API PATCH", "/api/v1/medications/{medication}", {"dose": "999 mg"}),
]


@pytest.fixture
def owners_things(members):
    owner = members.make()
    ids = {
        "symptom": add_item(owner, "symptoms", "Owner's symptom"),
        "tag": add_item(owner, "tags", "Owner's tag"),
        "medication": add_item(owner, "medications", "Owner's medication"),
    }
    entry = make_checkin(owner, note="owner's private note", symptoms=[{"id": ids["symptom"], "severity": 2}])
    ids["entry"] = entry["id"]
    return owner, ids


@pytest.mark.parametrize("method, template, body", ROUTES, ids=[f"{m} {t}" for m, t, _ in ROUTES])
def test_another_member_gets_404_for_my_ids(app, members, owners_things, method, template, body):
    owner, ids = owners_things
    stranger = members.make()
    path = template.format(**ids)
    if method.startswith("API "):
        response = stranger.api(method.removeprefix("API "), path, json=body)
    elif method == "GET":
        response = stranger.get(path)
    else:
        response = stranger.post(path, body)
    assert response.status_code == 404
    assert "owner's private note" not in response.get_data(as_text=True)

    # And nothing changed for the owner.
    entry = owner.api("GET", f"/api/v1/checkins/{ids['entry']}").get_json()
    assert entry["note"] == "owner's private note" and entry["mood"] == 3

    def items(kind):
        listed = owner.api("GET", f"/api/v1/{kind}").get_json()["items"]
        return {i["name"]: (i["archived"], i.get("dose")) for i in listed}

    assert items("symptoms") == {"Owner's symptom": (False, None)}
    assert items("medications") == {"Owner's medication": (False, None)}
    assert items("tags")["Owner's tag"] == (False, None) and "hijacked" not in items("tags")


def test_lists_only_ever_show_my_own(app, members, owners_things):
    owner, ids = owners_things
    stranger = members.make()
    assert stranger.api("GET", "/api/v1/checkins").get_json()["items"] == []
    assert ids["symptom"] not in stranger.api("GET", "/api/v1/symptoms").get_data(as_text=True)
    assert "owner's private note" not in stranger.get("/timeline").get_data(as_text=True)
    # Filtering by someone else's tag shows nothing of theirs either.
    assert stranger.api("GET", f"/api/v1/checkins?tag={ids['tag']}").get_json()["items"] == []
    with app.app_context():
        assert db.session.scalar(select(Checkin.owner_id)) == owner.user_id
