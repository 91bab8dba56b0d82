"""Odd or hostile form input gets a message, never a 500 and never a half-written record."""
import pytest
from sqlalchemy import func, select

from journal.entries.models import Checkin
from journal.extensions import db

BAD_FORMS = [
    {"mood": "x"},
    {"mood": "3", "sev-not-a-uuid": "2"},
    {"mood": "3", "sev-00000000-0000-0000-0000-000000000000": "9"},
    {"mood": "3", "tag": ["nope"]},
    {"mood": "3", "med": ["nope"], "dose-nope": "x" * 500},
    {"mood": "3", "day": "2026-13-45", "time": "25:99"},
    {"mood": "3", "day": "0001-01-01", "time": "00:00"},
    {"mood": "3", "day": "9999-12-31", "time": "23:59"},
    # Midnight on 1 January of year 1 at UTC+14 is before the first instant Python can hold in UTC.
    {"mood": "3", "timezone": "Pacific/Kiritimati", "day": "0001-01-01", "time": "00:00"},
    {"mood": "3", "timezone": "Mars/Base", "day": "2026-01-01"},
    {"mood": "3", "timezone": "../../etc/passwd"},
    {"mood": "3", "sleep_hours": "inf"},
]


def count(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Checkin))


@pytest.mark.parametrize("data", BAD_FORMS, ids=range(len(BAD_FORMS)))
def test_bad_check_in_forms_are_refused_kindly(app, member, data):
    entry = member.api("POST", "/api/v1/checkins", json={"mood": 3, "note": "before"}).get_json()
    for url in ("/checkin", f"/entries/{entry['id']}/edit"):
        response = member.post(url, data)
        assert response.status_code == 422, (url, response.status_code)
        assert 'class="error"' in response.get_data(as_text=True)
    assert count(app) == 1
    assert member.api("GET", f"/api/v1/checkins/{entry['id']}").get_json()["note"] == "before"
