"""Every page on a phone, for everyone (issue "A member's day, right on a real phone", section 4).

One seeded world (a member with 60-character item names, a connected peer who replied, a clinician with a
live grant), then each role visits each of its pages at 390 × 844 and 320 px, in light and dark:
no sideways scrolling, long names wrap instead of running off the screen, no scale leaves its last choice
alone on a row, no field is marked invalid before anyone typed, and axe-core finds nothing (at 390 px,
both schemes). Every <details> is opened first, so "For an earlier day?" and the filters count too.
"""
from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import sign_in

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

    pages = {
        "member": [
            "/", "/checkin", "/checkin/offline", "/offline", "/timeline", "/journal/calendar", "/journal/charts",
            "/journal/summary", "/journal/summary/print?range=30&m=mood&items=1&notes=1", "/track",
            f"/entries/{entry_id}",
            f"/entries/{entry_id}/edit", f"/entries/{entry_id}/delete", "/account", "/account/two-factor",
            "/account/delete", "/reminders", "/sharing/clinicians/", f"/sharing/clinicians/{grant_id}",
            "/sharing/clinicians/access-log", "/sharing/clinicians/notes", "/sharing/clinicians/report",
            "/peers/", "/peers/connections", "/peers/notifications", "/peers/suggestions", "/peers/profile",
            "/peers/guidelines", f"/peers/entries/{entry_id}", f"/peers/entries/{peer_entry_id}",
            f"/peers/members/{peer_member_id}", f"/peers/report/entry/{peer_entry_id}",
            f"/peers/comments/{comment_id}/edit", "/help", "/privacy", "/account/programme",
        ],
        "peer": [
            "/", "/peers/", "/peers/notifications", "/peers/connections", f"/peers/entries/{entry_id}",
            f"/peers/members/{my_member_id}", f"/peers/report/entry/{entry_id}", "/account",
        ],
        "clinician": [
            "/clinician/", "/clinician/profile", "/clinician/redeem", f"/clinician/patients/{grant_id}",
            f"/clinician/patients/{grant_id}/entries", f"/clinician/patients/{grant_id}/entries/{entry_id}",
            f"/clinician/patients/{grant_id}/summary", f"/clinician/patients/{grant_id}/report",
            "/account", "/help", "/privacy",
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
