"""A clinician who opens a patient's invitation link keeps it through sign-up, email confirmation and two-step
set-up (or through logging in with both steps), and lands on the patient; the code leaves the URL at the first
hop and never appears in one again."""
from __future__ import annotations

import re

from tests.clinicians.conftest import invite, make_clinician
from tests.conftest import PASSWORD

PROFILE = {"profession": "GP", "organisation": "Riverside"}


class Walk:
    """A browser that follows redirects itself and remembers every address it was sent to."""

    def __init__(self, client):
        self.client = client
        self.locations: list[str] = []

    def go(self, response, limit=10):
        while response.status_code == 302 and limit:
            self.locations.append(response.headers["Location"])
            response = self.client.get(response.headers["Location"])
            limit -= 1
        return response


def test_a_new_clinician_signs_up_confirms_sets_up_two_steps_and_lands_on_the_patient(app, members, new_client):
    patient = members.make(display_name="Sunflower")
    code = invite(patient)
    browser = new_client()
    walk = Walk(browser)

    # The link, opened before having an account: the code moves into the session, and login says why.
    page = walk.go(browser.get(f"/clinician/redeem?code={code}"))
    assert walk.locations[0] == "/clinician/redeem" and walk.locations[1].startswith("/login?next=")
    assert "A patient invited you" in page.get_data(as_text=True)
    form = browser.get("/register").get_data(as_text=True)
    assert "A patient invited you" in form
    assert '<input checked id="role-1" name="role" required type="radio" value="clinician">' in form
    assert '<input id="privacy" name="privacy" required type="checkbox" value="y">' in form  # never ticked

    # Sign-up signs in; two-step sign-in is needed, which first needs the confirmed address.
    response = browser.register("dr.new@example.org", display_name="Dr New", role="clinician")
    page = walk.go(response).get_data(as_text=True)
    assert walk.locations[-1] == "/account/two-factor" and "First confirm your email address" in page
    browser.email = "dr.new@example.org"
    walk.go(browser.confirm_email())
    assert walk.locations[-1] == "/account/two-factor"

    # Two steps on: "I have saved them" leads on to the invitation, by way of the profile.
    codes_page = browser.set_up_two_factor().get_data(as_text=True)
    onward = re.search(r'<a class="button primary" href="([^"]+)">I have saved them</a>', codes_page).group(1)
    page = walk.go(browser.get(onward))
    assert walk.locations[-1] == "/clinician/profile?next=/clinician/redeem"
    walk.go(browser.post("/clinician/profile?next=/clinician/redeem", PROFILE))
    assert walk.locations[-1] == "/clinician/redeem"
    assert f'value="{code}"' in browser.get("/clinician/redeem").get_data(as_text=True)

    # One tap to accept: the patient's page.
    response = browser.post("/clinician/redeem", {"code": code})
    page = walk.go(response)
    assert re.fullmatch(r"/clinician/patients/[0-9a-f-]{36}", walk.locations[-1])
    assert page.status_code == 200 and "Sunflower" in page.get_data(as_text=True)
    assert all(code not in location for location in walk.locations)
    # The invitation is used up and no longer waits in the session.
    assert browser.get("/clinician/").status_code == 200


def test_a_clinician_with_an_account_logs_in_with_both_steps_and_lands_on_the_patient(app, members, new_client):
    patient = members.make(display_name="Sunflower")
    doctor = make_clinician(members)
    code = invite(patient)
    laptop = new_client()
    laptop.totp, laptop.totp_step = doctor.totp, doctor.totp_step
    walk = Walk(laptop)
    walk.go(laptop.get(f"/clinician/redeem?code={code}"))
    assert walk.locations[-1] == "/login?next=/clinician/redeem"
    response = laptop.post("/login?next=/clinician/redeem", {"email": doctor.email, "password": PASSWORD})
    assert response.headers["Location"] == "/login/code"
    page = walk.go(laptop.post("/login/code", {"code": laptop.next_code()}))
    assert walk.locations[-1] == "/clinician/redeem" and f'value="{code}"' in page.get_data(as_text=True)
    walk.go(laptop.post("/clinician/redeem", {"code": code}))
    assert re.fullmatch(r"/clinician/patients/[0-9a-f-]{36}", walk.locations[-1])
    assert all(code not in location for location in walk.locations)


def test_the_members_invitation_page_has_copy_and_share_buttons_for_script_to_reveal(members):
    member = members.make()
    response = member.post("/sharing/clinicians/invitations", {"scope": "shared", "access": "date",
                                                              "name": "pseudonym"})
    page = response.get_data(as_text=True)
    assert re.search(r'<script src="/static/js/share\.js\?v=[0-9a-f]+" defer></script>', page)
    assert '<button type="button" class="button" hidden data-copy="invite-code"' in page
    assert 'data-share="invite-link" data-fallback="Copy link"' in page
    assert 'id="share-status" role="status"' in page
    assert "<script>" not in page  # no inline script: the CSP forbids it
