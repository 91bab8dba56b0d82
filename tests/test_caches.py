"""The per-process caches (journal/caches.py): each invariant written there, proven here."""
from __future__ import annotations

import re

import pytest
from jinja2 import ChoiceLoader, DictLoader, UndefinedError

from journal.caches import BoundedCache
from tests.conftest import add_item, make_checkin

CANARY = "CANARY-5521"


def _browse_everything(member) -> None:
    symptom = add_item(member, "symptoms", f"{CANARY} migraine")
    add_item(member, "medications", f"{CANARY} sumatriptan", dose=f"{CANARY} 50 mg")
    entry = make_checkin(member, mood=2, note=f"{CANARY} a hard day", symptoms=[{"id": symptom, "severity": 3}])
    for path in ("/", "/timeline", "/checkin", "/track", f"/entries/{entry['id']}", f"/entries/{entry['id']}/edit",
                 "/account", "/reminders", "/sw.js", "/offline", "/api/v1/checkins"):
        assert member.get(path).status_code in (200, 302), path


def test_no_cache_holds_a_members_data_after_they_browse_every_page(app, members):
    member = members.make(display_name=f"{CANARY} River")
    _browse_everything(member)
    caches = app.extensions["journal.caches"]
    assert caches["catalogs"] and caches["fragments"] and caches["paths"], "the pages used the caches"
    for name, cache in caches.items():
        assert CANARY not in repr(dict(cache)), f"the {name} cache holds a member's data"


def test_catalog_rows_are_kept_as_stored_and_decrypted_only_for_the_request(app, member):
    _browse_everything(member)
    stored = app.extensions["journal.caches"]["catalogs"]
    names = [row.name_ct for rows in stored.values() for row in rows]
    assert names and all(isinstance(name, bytes) and CANARY.encode() not in name for name in names)


def test_fragments_are_byte_identical_for_two_members_of_a_role(app, members):
    first, second = members.make(display_name="Alder"), members.make(display_name="Birch")
    nav = re.compile(r'<nav class="bottom-nav".*?</nav>', re.S)
    for path in ("/timeline", "/checkin", "/account"):
        mine, theirs = (nav.search(c.get(path).get_data(as_text=True)).group(0) for c in (first, second))
        assert mine == theirs, path


@pytest.mark.parametrize("reach", ["request.path", "session.get('_user_id')", "g", "csrf_token()",
                                   "get_flashed_messages()", "current_user.id", "config.SECRET_KEY"])
def test_a_fragment_that_reaches_for_request_state_fails_loudly(app, reach):
    renderer = app.extensions["journal.fragments"]
    with app.test_request_context("/timeline"):
        env = renderer.env
        env.loader = ChoiceLoader([DictLoader({"probe.html": "{{ " + reach + " }}"}), env.loader])
        with pytest.raises(UndefinedError):
            renderer.render("probe.html", {"role": "member"})
        assert renderer.render("_partials/nav.html", {"role": "member", "endpoint": ""}).strip().startswith("<nav")


def test_a_full_cache_empties_instead_of_growing():
    cache = BoundedCache(limit=2)
    cache["a"], cache["b"] = 1, 2
    cache["a"] = 3  # replacing a key does not count
    assert cache == {"a": 3, "b": 2}
    cache["c"] = 4
    assert cache == {"c": 4}
