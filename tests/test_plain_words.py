"""Forms speak plain words: no WTForms default ("This field is required.", "Not a valid choice.") reaches a
person, through any form built on journal.forms.Form; a reversed date filter says so in the form."""
from __future__ import annotations

import pytest
from wtforms import IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange

from journal.forms import PLAIN_WORDS, Form
from tests.clinicians.conftest import connect as connect_clinician
from tests.clinicians.conftest import make_clinician
from tests.conftest import make_checkin

DEFAULTS = tuple(PLAIN_WORDS)


class Everything(Form):
    class Meta:
        csrf = False

    name = StringField("Name", validators=[DataRequired(), Length(min=2, max=5)])
    count = IntegerField("Count", validators=[NumberRange(min=1, max=3)])
    kind = SelectField("Kind", choices=[SelectChoice("a", "A"), SelectChoice("b", "B")])


@pytest.mark.parametrize(("data", "expected"), [
    ({}, {"name": "Please fill this in.", "kind": "Choose one of the options offered."}),
    ({"name": "abcdefgh", "count": "x", "kind": "z"}, {"name": "Use 2 to 5 characters.",
                                                       "count": "Enter a whole number, like 3."}),
    ({"name": "abc", "count": "9", "kind": "a"}, {"count": "Enter a number from 1 to 3."}),
])
def test_stock_messages_come_in_plain_words(app, data, expected):
    from werkzeug.datastructures import MultiDict

    with app.test_request_context(method="POST", data=data):
        form = Everything(formdata=MultiDict(data))
        assert not form.validate()
        for name, message in expected.items():
            assert message in form.errors[name], form.errors
        shown = [m for messages in form.errors.values() for m in messages]
        assert not any(message in DEFAULTS for message in shown), shown


def test_a_required_field_left_empty_on_a_real_page_says_so_plainly(client):
    page = client.post("/login", {"email": "", "password": ""}).get_data(as_text=True)
    assert "Please fill this in." in page and "This field is required." not in page


def test_a_reversed_date_filter_says_so(members):
    member = members.make()
    make_checkin(member)
    response = member.get("/timeline?from=2026-03-10&to=2026-03-01")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The “From” day is after the “To” day" in page and 'aria-invalid="true"' in page
    assert 'aria-invalid="true"' not in member.get("/timeline?from=2026-03-01&to=2026-03-10").get_data(as_text=True)

    doctor = make_clinician(members)
    grant_id = connect_clinician(member, doctor)
    response = doctor.get(f"/clinician/patients/{grant_id}/entries?from=2026-03-10&to=2026-03-01")
    assert response.status_code == 422 and "The “From” day is after the “To” day" in response.get_data(as_text=True)


def test_the_clinician_is_spoken_to_as_the_clinician(members):
    member = members.make(display_name="Sunflower")
    make_checkin(member, audience={"clinicians": True})
    doctor = make_clinician(members)
    grant_id = connect_clinician(member, doctor, scope="shared")
    page = doctor.get(f"/clinician/patients/{grant_id}").get_data(as_text=True)
    assert "Check-ins your patient shared with you" in page and "Check-ins you mark" not in page
    report = doctor.get(f"/clinician/patients/{grant_id}/report").get_data(as_text=True)
    assert "Check-ins your patient shared with you" in report


def test_export_sits_under_account_not_under_clinician_sharing(members):
    member = members.make()
    account = member.get("/account").get_data(as_text=True)
    assert 'href="/journal/export.csv"' in account and 'href="/journal/export.fhir.json"' in account
    sharing = member.get("/sharing/clinicians/").get_data(as_text=True)
    assert "/journal/export.csv" not in sharing and "/journal/export.fhir.json" not in sharing
