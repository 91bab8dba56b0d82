"""Hostile JSON gets a clear 4xx, never a 500 and never a half-written record (README, promise 3).

Each case is the raw request text an outside probe sent: JSON escapes such as `\\ud800` (a lone UTF-16
surrogate, which no UTF-8 text can hold), numbers too big for a float, dates that overflow, bodies nested
deeper than any parser's stack, and values the OpenAPI document does not allow.
"""
from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import func, select

from journal.extensions import db
from tests.conftest import Client, Members, empty_app, shared_setup_clock
from tests.openapi_check import OpenAPIChecker
from tests.seed import AUTH, P256DH, seed_world

SURROGATE = '"x\\ud800"'  # JSON text: the string "x" + a lone high surrogate
NUL = '"x\\u0000"'  # PostgreSQL's text type refuses NUL

# (method, path with {world ids}, JSON body with {V} where the hostile value goes, field named in the answer)
TEXT_FIELDS = [
    ("POST", "/api/v1/checkins", '{"mood": 3, "note": {V}}', "note"),
    ("PATCH", "/api/v1/checkins/{checkin_id}", '{"note": {V}}', "note"),
    ("POST", "/api/v1/checkins", '{"mood": 3, "medications": [{"id": "{medication_id}", "dose": {V}}]}',
     "medications[0].dose"),
    ("POST", "/api/v1/symptoms", '{"name": {V}}', "name"),
    ("POST", "/api/v1/tags", '{"name": {V}}', "name"),
    ("POST", "/api/v1/medications", '{"name": "Aspirin", "dose": {V}}', "dose"),
    ("PATCH", "/api/v1/symptoms/{symptom_id}", '{"name": {V}}', "name"),
    ("PATCH", "/api/v1/medications/{medication_id}", '{"dose": {V}}', "dose"),
    ("PUT", "/api/v1/peers/profile", '{"enabled": true, "bio": {V}}', "bio"),
    ("PUT", "/api/v1/peers/profile", '{"enabled": true, "other_condition": {V}}', "other_condition"),
    ("POST", "/api/v1/peers/entries/{peer_entry_id}/comments", '{"body": {V}}', "body"),
    ("PATCH", "/api/v1/peers/comments/{comment_id}", '{"body": {V}}', "body"),
    ("POST", "/api/v1/peers/reports",
     '{"kind": "entry", "target_id": "{peer_entry_id}", "reason": "spam", "details": {V}}', "details"),
    ("POST", "/api/v1/sharing/clinicians", '{"real_name": {V}}', "real_name"),
    ("POST", "/api/v1/sharing/clinicians", '{"label": {V}}', "label"),
    ("PATCH", "/api/v1/sharing/clinicians/{grant_id}", '{"label": {V}}', "label"),
    ("POST", "/api/v1/push/subscriptions",
     '{"endpoint": "https://fcm.googleapis.com/fcm/send/" + {V}, "keys": {"p256dh": "P256DH", "auth": "AUTH"}}',
     "endpoint"),
    ("PUT", "/api/v1/reminders", '{"timezone": {V}}', "timezone"),
]

NUMBER_FIELDS = [
    ("POST", "/api/v1/checkins", '{"mood": {V}}', "mood"),
    ("POST", "/api/v1/checkins", '{"mood": 3, "energy": {V}}', "energy"),
    ("POST", "/api/v1/checkins", '{"mood": 3, "pain": {V}}', "pain"),
    ("POST", "/api/v1/checkins", '{"mood": 3, "sleep_hours": {V}}', "sleep_hours"),
    ("POST", "/api/v1/checkins", '{"mood": 3, "symptoms": [{"id": "{symptom_id}", "severity": {V}}]}',
     "symptoms[0].severity"),
    ("PATCH", "/api/v1/checkins/{checkin_id}", '{"mood": {V}}', "mood"),
    ("POST", "/api/v1/push/snooze", '{"minutes": {V}}', "minutes"),
    ("PUT", "/api/v1/reminders", '{"pause_days": {V}}', "pause_days"),
    ("POST", "/api/v1/push/subscriptions",
     '{"endpoint": "https://fcm.googleapis.com/fcm/send/n", "keys": {"p256dh": "P256DH", "auth": "AUTH"}, '
     '"vapid_key_version": {V}}', "vapid_key_version"),
]


# One app per backend and one world for the whole module: every request here must be refused without
# changing a row (each test checks), so the tests cannot disturb each other.
@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def app(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    url = f"sqlite:///{tmp / 'journal.sqlite3'}" if request.param == "sqlite" \
        else request.getfixturevalue("postgres_tables")
    with empty_app(tmp, url, RATELIMIT_ENABLED=False) as app:  # a hundred refused replies from one member
        yield app


@pytest.fixture(scope="module")
def world(app, request):
    with app.app_context():
        from journal.openapi import document

        checker = OpenAPIChecker(document())
    members = Members(app, lambda: Client(app, checker))
    members.count = 1000  # emails apart from those the `members` fixture hands out
    with shared_setup_clock(request.config):
        return seed_world(members, everyone=False)


def send(world, method: str, path: str, body: str):
    """Send `body` as raw JSON text from the seeded member, CSRF token included; check the answer
    against the OpenAPI document like every API test does."""
    values = {name: value for name, value in vars(world).items() if isinstance(value, str)}
    path = path.format(**values)
    for name, value in values.items():
        body = body.replace("{" + name + "}", value)
    body = body.replace("P256DH", P256DH).replace("AUTH", AUTH)
    client = world.me
    response = client.http.open(path, method=method, data=body.encode(), content_type="application/json",
                                headers={"X-CSRFToken": client.csrf_token()})
    client.checker.check(method, path.split("?")[0], response)
    return response


def row_counts(app) -> dict[str, int]:
    with app.app_context():
        return {table.name: db.session.scalar(select(func.count()).select_from(table))
                for table in db.metadata.sorted_tables}


def refused(response, field: str, status: int = 422) -> dict:
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:300])
    error = response.get_json()["error"]
    assert field in error["fields"], error
    return error


def _concat(body: str, value: str) -> str:
    # The push endpoint case glues a prefix onto the hostile string.
    if '" + {V}' in body:
        return body.replace('" + {V}', value[1:])
    return body.replace("{V}", value)


@pytest.mark.parametrize(("method", "path", "body", "field"), TEXT_FIELDS,
                         ids=[f"{m} {p} {f}" for m, p, _, f in TEXT_FIELDS])
@pytest.mark.parametrize("value", [SURROGATE, NUL], ids=["surrogate", "nul"])
def test_text_no_column_can_hold_is_refused_with_the_field_named(app, world, method, path, body, field, value):
    before = row_counts(app)
    response = send(world, method, path, _concat(body, value))
    error = refused(response, field)
    assert "character" in error["fields"][field]
    assert row_counts(app) == before


@pytest.mark.parametrize(("method", "path", "body", "field"), NUMBER_FIELDS,
                         ids=[f"{m} {p} {f}" for m, p, _, f in NUMBER_FIELDS])
@pytest.mark.parametrize("value", ["1e400", "-1e400"])
def test_numbers_too_big_for_a_float_are_refused(app, world, method, path, body, field, value):
    before = row_counts(app)
    refused(send(world, method, path, body.replace("{V}", value)), field)
    assert row_counts(app) == before


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
def test_javascript_number_words_are_not_json(world, value):
    response = send(world, "POST", "/api/v1/checkins", '{"mood": 3, "sleep_hours": ' + value + '}')
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_json"


@pytest.mark.parametrize("occurred_at", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"])
@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_an_instant_that_overflows_in_utc_is_refused(app, world, method, occurred_at):
    before = row_counts(app)
    path = "/api/v1/checkins" if method == "POST" else "/api/v1/checkins/{checkin_id}"
    refused(send(world, method, path, json.dumps({"mood": 3, "occurred_at": occurred_at})), "occurred_at")
    assert row_counts(app) == before


@pytest.mark.parametrize("opener", ["[", '{"a":'])
@pytest.mark.parametrize(("method", "path"), [("POST", "/api/v1/checkins"), ("PUT", "/api/v1/peers/profile"),
                                              ("PUT", "/api/v1/reminders")])
def test_json_nested_ten_thousand_deep_is_a_client_error(world, method, path, opener):
    closer = "]" if opener == "[" else "}"
    body = '{"mood": ' + opener * 10_000 + "1" + closer * 10_000 + "}"
    response = send(world, method, path, body)
    assert response.status_code in (400, 422)
    assert response.get_json()["error"]["code"] in ("invalid_json", "invalid")


# --- Accepted but should be refused: the server enforces what the OpenAPI document says -------------------

DOCUMENTED_LIMITS = [
    ("POST", "/api/v1/checkins", {"mood": "3"}, "mood"),
    ("POST", "/api/v1/checkins", {"mood": 3, "energy": "2"}, "energy"),
    ("POST", "/api/v1/checkins", {"mood": 3, "sleep_hours": "7"}, "sleep_hours"),
    ("POST", "/api/v1/checkins", {"mood": 3, "timezone": {}}, "timezone"),
    ("POST", "/api/v1/checkins", {"mood": 3, "note": 5}, "note"),
    ("POST", "/api/v1/checkins", {"mood": 3, "tags": "x"}, "tags"),
    ("PATCH", "/api/v1/checkins/{checkin_id}", {"mood": "3"}, "mood"),
    ("PATCH", "/api/v1/checkins/{checkin_id}", {"timezone": {}}, "timezone"),
    ("PUT", "/api/v1/peers/profile", {"enabled": True, "conditions": ["lupus"] * 10_000}, "conditions"),
    ("PUT", "/api/v1/peers/profile", {"enabled": True, "languages": ["en"] * 10_000}, "languages"),
    ("PUT", "/api/v1/peers/profile", {"enabled": True, "support": "everything"}, "support"),
    ("PUT", "/api/v1/peers/profile", {"enabled": True, "timezone": {}}, "timezone"),
    ("POST", "/api/v1/symptoms", {"name": "n", "dose": 5}, "dose"),
    ("POST", "/api/v1/peers/entries/{peer_entry_id}/reactions", {"kind": ["hug"]}, "kind"),
    ("POST", "/api/v1/peers/reports", {"kind": "entry", "target_id": "{peer_entry_id}", "reason": 1}, "reason"),
    ("POST", "/api/v1/sharing/clinicians", {"scope": 7}, "scope"),
    ("POST", "/api/v1/sharing/clinicians", {"label": "x" * 81}, "label"),
    ("POST", "/api/v1/sharing/clinicians", {"range_start": "2024-13-01"}, "range_start"),  # format: date
    ("POST", "/api/v1/sharing/clinicians", {"ends_on": "20270101"}, "ends_on"),
    ("POST", "/api/v1/push/snooze", {"minutes": "60"}, "minutes"),
    ("PUT", "/api/v1/reminders", {"times": ["08:00"] * 50}, "times"),
]


@pytest.mark.parametrize(("method", "path", "body", "field"), DOCUMENTED_LIMITS,
                         ids=[f"{m} {p} {f} {i}" for i, (m, p, _, f) in enumerate(DOCUMENTED_LIMITS)])
def test_what_the_document_forbids_is_refused(app, world, method, path, body, field):
    before = row_counts(app)
    text = json.dumps(body).replace("{checkin_id}", world.checkin_id).replace("{peer_entry_id}", world.peer_entry_id)
    refused(send(world, method, path, text), field)
    assert row_counts(app) == before


def test_a_nul_in_a_push_service_host_is_refused(app, world):
    """The push service's origin is kept in plaintext beside the encrypted endpoint: on PostgreSQL a NUL in
    the host failed in the driver (500) after passing the allowed-hosts check."""
    body = ('{"endpoint": "https://x\\u0000.fcm.googleapis.com/fcm/send/a", '
            '"keys": {"p256dh": "P256DH", "auth": "AUTH"}}')
    before = row_counts(app)
    refused(send(world, "POST", "/api/v1/push/subscriptions", body), "endpoint")
    assert row_counts(app) == before


# --- Forms: the same rule for every WTForms form (journal/forms.py) ------------------------------------------

HOSTILE_FORMS = [
    ("visitor", "/register", {"email": "nul-in-name@example.org", "display_name": "Ri\x00ver",
                              "password": "a calm river at dawn", "role": "member", "timezone": "UTC"}),
    ("visitor", "/login", {"email": "a\x00@example.org", "password": "a calm river at dawn"}),
    ("clinician", "/clinician/profile", {"profession": "G\x00P", "organisation": "Clinic"}),
    ("clinician", "/clinician/profile", {"profession": "GP", "organisation": "\x00"}),
    ("member", "/track/symptoms/add", {"symptoms-name": "Head\x00ache"}),
]


@pytest.mark.parametrize(("who", "url", "data"), HOSTILE_FORMS, ids=[f"{u} {i}" for i, (_, u, _) in
                                                                     enumerate(HOSTILE_FORMS)])
def test_a_nul_in_a_form_field_re_renders_the_form_with_a_message(app, members, who, url, data):
    client = members.new_client() if who == "visitor" else members.make(role=who, email=f"{uuid.uuid4()}@x.org")
    before = row_counts(app)
    response = client.post(url, data)
    assert response.status_code in (400, 422), response.status_code
    assert "cannot be stored" in response.get_data(as_text=True)
    assert row_counts(app) == before


def test_every_form_is_built_on_the_base_that_refuses_unstorable_text(app):
    from flask_wtf import FlaskForm

    from journal.forms import Form

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = [cls for cls in subclasses(FlaskForm) if cls.__module__.startswith("journal.")]
    assert ours and all(issubclass(cls, Form) for cls in ours), [c for c in ours if not issubclass(c, Form)]


# --- Query parameters the document types: present but empty, or not a number, is not "absent" --------------

QUERIES = [
    ("me", "/api/v1/checkins?tag=", "tag"),
    ("me", "/api/v1/checkins?symptom=", "symptom"),
    ("me", "/api/v1/checkins?from=", "from"),
    ("me", "/api/v1/checkins?limit=1_0", "limit"),
    ("me", "/api/v1/checkins?limit=%D9%A3", "limit"),  # an Arabic-Indic 3, which int() reads as 3
    ("clinician", "/api/v1/clinician/patients/{grant_id}/checkins?limit=abc", "limit"),
    ("clinician", "/api/v1/clinician/patients/{grant_id}/checkins?limit=", "limit"),
    ("clinician", "/api/v1/clinician/patients/{grant_id}/checkins?from=", "from"),
]


@pytest.mark.parametrize(("who", "url", "field"), QUERIES, ids=[u for _, u, _ in QUERIES])
def test_query_parameters_that_break_the_document_are_400(world, who, url, field):
    response = getattr(world, who).api("GET", url.format(grant_id=world.grant_id))
    assert response.status_code == 400 and field in response.get_json()["error"]["fields"], response.get_json()
