"""The account pages added for getting back in follow the accessibility conventions: every field has a
label, hints and errors are tied to their field, and no untouched field is announced as invalid."""
from __future__ import annotations

import re

from tests.mailbox import link_in, received

INPUT = re.compile(r"<input\b[^>]*>")


def fields_are_labelled(html: str) -> None:
    for tag in INPUT.findall(html):
        if re.search(r'type="(hidden|submit)"', tag):
            continue
        field_id = re.search(r'id="([^"]+)"', tag)
        assert field_id, f"an input without an id: {tag}"
        assert f'for="{field_id.group(1)}"' in html or re.search(
            rf'<label class="check"><input[^>]*id="{field_id.group(1)}"', html), f"no label for {tag}"
    assert '="None"' not in html


def test_every_new_account_page_labels_its_fields_and_marks_nothing_invalid_untouched(app, members, new_client):
    member = members.make(verified=False)
    stranger = new_client()
    pages = {"/password/forgot": stranger, "/password/forgot/sent": stranger, "/account/two-factor": member,
             "/register": stranger}
    for path, who in pages.items():
        html = who.get(path).get_data(as_text=True)
        assert "aria-invalid" not in html, path
        fields_are_labelled(html)

    # The confirmation page, the set-up with its code field, the code step and the reset form.
    html = member.open_link(link_in(received(app, member.email)[0], "/account/verify")).get_data(as_text=True)
    fields_are_labelled(html)
    member.confirm_email()
    member.post("/account/two-factor/start")
    html = member.get("/account/two-factor").get_data(as_text=True)
    assert "aria-invalid" not in html and 'aria-describedby="code-hint"' in html
    fields_are_labelled(html)
    member.set_up_two_factor()
    stranger.login(member.email)
    html = stranger.get("/login/code").get_data(as_text=True)
    assert "aria-invalid" not in html and 'aria-describedby="code-hint"' in html
    fields_are_labelled(html)
    stranger.post("/password/forgot", {"email": member.email})
    [reset] = [m for m in received(app, member.email) if "Reset" in m["Subject"]]
    html = new_client().open_link(link_in(reset, "/password/reset")).get_data(as_text=True)
    assert "aria-invalid" not in html and 'aria-describedby="new_password-hint"' in html
    fields_are_labelled(html)
    html = member.get("/account/two-factor").get_data(as_text=True)  # on: the password forms
    assert "aria-invalid" not in html
    fields_are_labelled(html)
