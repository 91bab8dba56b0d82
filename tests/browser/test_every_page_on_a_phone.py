"""Every page on a phone, for everyone (issue "A member's day, right on a real phone", section 4).

One seeded world (a member with 60-character item names, a connected peer who replied, a clinician with a
live grant), then each role visits each of its pages at 390 × 844 and 320 px, in light and dark:
no sideways scrolling, long names wrap instead of running off the screen, no scale leaves its last choice
alone on a row, no field is marked invalid before anyone typed, and axe-core finds nothing (at 390 px,
both schemes). Every <details> is opened first, so "For an earlier day?" and the filters count too.
"""
from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import sign_in
from tests.healthlinks.receiver import payload_of

pytestmark = pytest.mark.browser

# A single 60-character word: the longest name a symptom, tag or medication may have.
LONG = "Pneumonoultramicroscopicsilicovolcanoconiosislongerstillname"
assert len(LONG) == 60

WIDTHS = (390, 320)
AXE = Axe()

# What the page must not do, checked in the page itself; returns a list of problems (empty is good).
LAYOUT_PROBLEMS = """(long) => {
  const problems = [];
  const width = window.innerWidth;
  const root = document.documentElement;
  if (root.scrollWidth > width) {
    const wide = [...document.querySelectorAll("body *")].filter(el => {
      const box = el.getBoundingClientRect();
      return box.width > 0 && box.right > width + 0.5;
    }).slice(0, 4).map(el => el.tagName.toLowerCase() + (el.className ? "." + el.className : "")
                       + " (" + Math.round(el.getBoundingClientRect().right) + "px)");
    problems.push(`scrolls sideways: ${root.scrollWidth}px on a ${width}px screen; ${wide.join(", ")}`);
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.includes(long) || node.parentElement.closest("option, .visually-hidden")) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const rect of range.getClientRects()) {
      if (rect.width && (rect.right > width + 0.5 || rect.left < -0.5)) {
        problems.push(`a long name runs off the screen in <${node.parentElement.tagName.toLowerCase()}>`);
      }
    }
  }
  for (const row of document.querySelectorAll(".scale-options")) {
    const tops = [...row.children].filter(c => c.offsetParent !== null).map(c => c.offsetTop);
    if (new Set(tops).size > 1 && tops.filter(t => t === tops[tops.length - 1]).length === 1) {
      const legend = row.closest("fieldset")?.querySelector("legend")?.textContent.trim();
      problems.push(`the last choice of "${legend}" sits alone on a row`);
    }
  }
  for (const field of document.querySelectorAll("[aria-invalid=true]")) {
    problems.push(`${field.name || field.id} is marked invalid before anyone typed`);
  }
  return problems;
}"""


def _csrf(page) -> str:
    return page.get_attribute("meta[name=csrf-token]", "content")


def _api(page, method: str, path: str, body=None, status: int = 200):
    response = page.request.fetch(path, method=method, headers={"X-CSRFToken": _csrf(page)}, data=body)
    assert response.status == status, (path, response.status, response.text()[:300])
    return response.json() if response.status != 204 else None


def _form(page, path: str, fields: dict, status: int = 302):
    response = page.request.post(path, form={"csrf_token": _csrf(page), **fields}, max_redirects=0)
    assert response.status == status, (path, response.status, response.text()[:300])
    return response


def link_on_page(response) -> str:
    """The health link a once-shown page holds."""
    return html.unescape(re.search(r'<textarea id="hl-link"[^>]*>([^<]+)</textarea>', response.text()).group(1))


def _opt_in(page) -> str:
    body = {"enabled": True, "conditions": ["lupus"], "topics": ["fatigue"], "languages": ["en"]}
    member_id = _api(page, "PUT", "/api/v1/peers/profile", body)["member"]["id"]
    _api(page, "POST", "/api/v1/peers/guidelines", status=204)
    return member_id


@pytest.fixture(scope="module")
def world(browser, live_server, live_app):
    """The member, the peer and the clinician, each signed in on a phone, with something on every page."""
    contexts = {role: browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844})
                for role in ("member", "peer", "clinician", "admin")}
    for context in contexts.values():
        context.set_default_timeout(10_000)
    me, _ = sign_in(contexts["member"], live_app, display_name="Sunflower " + LONG[:20])
    peer, _ = sign_in(contexts["peer"], live_app, display_name="Bea Peer")
    doctor, _ = sign_in(contexts["clinician"], live_app, display_name="Dr Rivera", role="clinician")
    admin, _ = sign_in(contexts["admin"], live_app, display_name="Programme Admin", role="admin")

    ids = {kind: _api(me, "POST", f"/api/v1/{kind}", {"name": LONG, **extra}, 201)["id"]
           for kind, extra in (("symptoms", {}), ("tags", {}), ("medications", {"dose": "200 mg"}))}
    checkin = {"mood": 2, "energy": 3, "pain": 1, "note": "Flare. " + LONG, "tags": [ids["tags"]],
               "symptoms": [{"id": ids["symptoms"], "severity": 3}],
               "medications": [{"id": ids["medications"], "dose": LONG}],
               "audience": {"peers": True, "clinicians": True}}
    entry_id = _api(me, "POST", "/api/v1/checkins", checkin, 201)["id"]
    _api(me, "POST", "/api/v1/checkins", {"mood": 4, "note": "Better"}, 201)
    # Earlier days with and without the tag and the medication, so the patterns page has comparisons to show.
    for days_ago in range(2, 10):
        earlier = {"mood": 1 + days_ago % 5, "sleep_hours": 5 + days_ago % 4,
                   "occurred_at": (datetime.now(UTC) - timedelta(days=days_ago)).isoformat(),
                   "symptoms": [{"id": ids["symptoms"], "severity": days_ago % 5}]}
        if days_ago % 2:
            earlier |= {"tags": [ids["tags"]], "medications": [{"id": ids["medications"], "dose": "200 mg"}]}
        _api(me, "POST", "/api/v1/checkins", earlier, 201)

    my_member_id, peer_member_id = _opt_in(me), _opt_in(peer)
    _form(me, "/account/programme", {"counted": "y"})  # counted in the programme report (all suppressed)
    _api(me, "POST", "/api/v1/peers/connections", {"member_id": peer_member_id}, 201)
    _api(peer, "POST", f"/api/v1/peers/connections/{my_member_id}/accept")
    peer_entry_id = _api(peer, "POST", "/api/v1/checkins", {"mood": 3, "note": "Peer's day " + LONG,
                                                           "audience": {"peers": True}}, 201)["id"]
    for body in ("Sending rest. " + LONG, "And again"):
        _api(peer, "POST", f"/api/v1/peers/entries/{entry_id}/comments", {"body": body}, 201)
    comment_id = _api(me, "POST", f"/api/v1/peers/entries/{peer_entry_id}/comments", {"body": "Hugs"}, 201)["id"]

    invitation = _api(me, "POST", "/api/v1/sharing/clinicians", {"label": "GP " + LONG}, 201)
    _api(me, "POST", "/api/v1/sharing/clinicians", {"label": "Pending"}, 201)  # one waiting to be redeemed
    _form(doctor, "/clinician/profile", {"profession": "Rheumatologist", "organisation": "City Clinic"})
    _form(doctor, "/clinician/redeem", {"code": invitation["code"]})
    grant_id = invitation["grant"]["id"]
    doctor.goto(f"/clinician/patients/{grant_id}")  # one row in the member's access log
    who5 = _form(me, "/questionnaires/who5", {"q1": "3", "q2": "4", "q3": "2", "q4": "3", "q5": "4"})
    who5_path = who5.headers["location"]
    phq9 = _form(me, "/questionnaires/phq9", {**{f"q{n}": "1" for n in range(1, 9)}, "q9": "1"})
    phq9_path = phq9.headers["location"]  # item 9 above 0: the crisis panel shows
    _form(me, "/questionnaires/sharing", {"with_clinicians": "1"})
    _form(me, "/safety-plan/edit", {"warning_signs": "not sleeping\n" + LONG, "coping": "a walk",
                                    "helpers-0-name": "Alex " + LONG, "helpers-0-phone": "+44 7700 900123",
                                    "reasons": "Juno"})
    _form(me, "/safety-plan/sharing", {"grant_id": grant_id, "action": "share"})

    # A counter in the member's longest words, started again once (its history), its 30 days shared by name.
    long_ago, lately = date.today() - timedelta(days=400), date.today() - timedelta(days=40)
    location = _form(me, "/milestones/new", {"label": LONG, "start": long_ago.isoformat()}).headers["location"]
    counter = location.rstrip("/").rsplit("/", 1)[1]
    _form(me, f"/milestones/{counter}/start-again", {"start": lately.isoformat()})
    _form(me, f"/milestones/{counter}/share", {"days": "30", "with_label": "y"})
    _form(me, f"/milestones/{counter}/share", {"days": "7"})
    today = datetime.now(UTC).date()
    made = _form(me, "/sharing/links/", {"first_day": (today - timedelta(days=6)).isoformat(),
                                         "last_day": today.isoformat(), "measures": "mood", "expiry_days": "7",
                                         "label": LONG, "name": "Sunflower"}, 200)
    payload = payload_of(link_on_page(made))  # a clinician's app opens it: a line in the access log
    opened = peer.request.post(urlsplit(payload["url"]).path, data={"recipient": "Clinic app " + LONG})
    assert opened.status == 200, opened.text()[:300]

    pages = {
        "member": [
            "/", "/checkin", "/checkin/offline", "/offline", "/timeline", "/journal/calendar", "/journal/charts",
            "/journal/summary", "/journal/summary/print?range=30&m=mood&items=1&notes=1", "/track", "/journal/import",
            "/journal/patterns", "/journal/patterns?days=30", "/journal/week",
            f"/entries/{entry_id}",
            f"/entries/{entry_id}/edit", f"/entries/{entry_id}/delete", "/account", "/account/two-factor",
            "/account/delete", "/reminders", "/sharing/clinicians/", f"/sharing/clinicians/{grant_id}",
            "/sharing/clinicians/access-log", "/sharing/clinicians/notes", "/sharing/clinicians/report",
            "/sharing/links/",
            "/peers/", "/peers/connections", "/peers/notifications", "/peers/suggestions", "/peers/profile",
            "/peers/guidelines", f"/peers/entries/{entry_id}", f"/peers/entries/{peer_entry_id}",
            f"/peers/members/{peer_member_id}", f"/peers/report/entry/{peer_entry_id}",
            f"/peers/comments/{comment_id}/edit", "/help", "/privacy", "/account/programme", "/safety-plan",
            "/safety-plan/edit",
            "/questionnaires/", "/questionnaires/who5", "/questionnaires/phq9", "/questionnaires/mspss",
            who5_path, phq9_path, "/questionnaires/who5/trend", "/questionnaires/phq9/trend",
            "/milestones/", "/milestones/new", f"/milestones/{counter}", f"/milestones/{counter}/start-again",
            "/milestones/peers",
        ],
        "peer": [
            "/", "/peers/", "/peers/notifications", "/peers/connections", f"/peers/entries/{entry_id}",
            f"/peers/members/{my_member_id}", f"/peers/report/entry/{entry_id}", "/account",
            "/safety-plan", "/safety-plan/edit",  # no plan yet: the invitation to write one, an empty form
            "/milestones/peers", "/milestones/",
        ],
        "clinician": [
            "/clinician/", "/clinician/profile", "/clinician/redeem", f"/clinician/patients/{grant_id}",
            f"/clinician/patients/{grant_id}/entries", f"/clinician/patients/{grant_id}/entries/{entry_id}",
            f"/clinician/patients/{grant_id}/summary", f"/clinician/patients/{grant_id}/report",
            f"/questionnaires/patients/{grant_id}", "/account", "/help", "/privacy", "/safety-plan/shared",
            f"/safety-plan/shared/{grant_id}",
        ],
        "admin": ["/", "/admin/programme", "/account", "/account/two-factor", "/help", "/privacy"],
    }
    yield {"pages": {role: (page, pages[role]) for role, page in (("member", me), ("peer", peer),
                                                                   ("clinician", doctor), ("admin", admin))}}
    for context in contexts.values():
        context.close()


def _axe_violations(page) -> list[str]:
    results = AXE.run(page).response
    return [f"{v['id']}: {v['help']} ({', '.join(n['target'][0] for n in v['nodes'][:3])})"
            for v in results["violations"]]


@pytest.mark.parametrize("role", ["member", "peer", "clinician", "admin"])
def test_every_page_fits_a_phone_and_passes_axe_in_light_and_dark(world, role):
    page, paths = world["pages"][role]
    problems = []
    for path in paths:
        page.set_viewport_size({"width": 390, "height": 844})
        page.emulate_media(color_scheme="light", media="screen")
        response = page.goto(path)
        assert response.status == 200, (path, response.status)
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 844})
                problems += [f"{path} at {width} px ({scheme}): {p}"
                             for p in dict.fromkeys(page.evaluate(LAYOUT_PROBLEMS, LONG))]
            page.set_viewport_size({"width": 390, "height": 844})
            problems += [f"{path} axe ({scheme}): {v}" for v in _axe_violations(page)]
    assert not problems, "\n".join(dict.fromkeys(problems))
