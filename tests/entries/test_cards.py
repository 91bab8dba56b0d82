"""One entry card everywhere: the timeline, the entry's page, the peers' feed and entry page, and the
clinician's list and entry page all show a check-in with the same markup (entries/cards.py), every reading
in words, what was typed escaped, a link that says what it opens, and one excerpt length."""
from __future__ import annotations

import re

from journal.entries.cards import EXCERPT
from tests.clinicians.conftest import connect as connect_clinician
from tests.clinicians.conftest import make_clinician
from tests.conftest import add_item, make_checkin
from tests.peers.conftest import accept_guidelines, connect, opt_in

LONG_NOTE = "<em>word</em> " * 40  # 560 characters, twice the excerpt


def _cards(html: str) -> list[str]:
    return re.findall(r'<article class="entry">.*?</article>', html, re.S)


def _without_link_and_note(card: str) -> str:
    card = re.sub(r' <a class="more" href="[^"]*">Open<span class="visually-hidden">[^<]*</span></a>', "", card)
    return re.sub(r'<p class="note">.*?</p>', "", card)


def test_every_page_shows_the_same_card_with_every_reading_and_what_was_typed_escaped(members):
    author = members.make(display_name="Robin Author")
    peer = members.make(display_name="Sam Peer")
    for person in (author, peer):
        opt_in(person)
    connect(author, peer)
    for person in (author, peer):
        accept_guidelines(person)
    clinician = make_clinician(members)
    grant = connect_clinician(author, clinician)

    symptom = add_item(author, "symptoms", "<b>Aura</b>")
    tag = add_item(author, "tags", 'Rain "&" wind')
    med = add_item(author, "medications", "<i>Med</i>")
    entry = make_checkin(author, mood=2, energy=1, pain=3, sleep_hours=6.5, occurred_at="2026-03-04T08:05:00Z",
                         symptoms=[{"id": symptom, "severity": 4}], tags=[tag],
                         medications=[{"id": med, "dose": "<script>1</script>"}], note=LONG_NOTE,
                         audience={"peers": True, "clinicians": True})["id"]
    pages = {
        "timeline": (author, "/timeline"),
        "entry": (author, f"/entries/{entry}"),
        "feed": (peer, "/peers/"),
        "peer entry": (peer, f"/peers/entries/{entry}"),
        "clinician list": (clinician, f"/clinician/patients/{grant}/entries"),
        "clinician entry": (clinician, f"/clinician/patients/{grant}/entries/{entry}"),
    }
    cards = {}
    for name, (who, url) in pages.items():
        response = who.get(url)
        assert response.status_code == 200, name
        html = response.get_data(as_text=True)
        [cards[name]] = _cards(html)
        assert "<b>Aura" not in html and "<script>1" not in html and "<em>word" not in html, name

    card = cards["entry"]
    assert '<time datetime="2026-03-04T08:05:00+00:00">08:05</time>' in card
    assert '<span class="mood mood-2"><b aria-hidden="true">🙁</b> Low</span>' in card
    assert ('<dl class="measures"><div><dt>Energy</dt><dd>Drained</dd></div><div><dt>Pain</dt><dd>Severe</dd>'
            '</div><div><dt>Sleep</dt><dd>6.5 h</dd></div></dl>') in card
    assert '<li class="sev sev-4">&lt;b&gt;Aura&lt;/b&gt;: very severe</li>' in card
    assert '<ul class="chips static tags"><li>Rain &#34;&amp;&#34; wind</li></ul>' in card
    assert '<p class="meds">💊 &lt;i&gt;Med&lt;/i&gt; &lt;script&gt;1&lt;/script&gt;</p>' in card

    # The same card everywhere, but for the link (lists only) and how much of the note they show.
    assert {name: _without_link_and_note(c) for name, c in cards.items()} == \
        {name: _without_link_and_note(card) for name in cards}
    for name in ("timeline", "feed", "clinician list"):
        link = re.search(r'<a class="more" href="([^"]*)">Open<span class="visually-hidden"> check-in from '
                         r'04 Mar 08:05</span></a>', cards[name])
        assert link and link.group(1).endswith(entry), name
        note = re.search(r'<p class="note">(.*?)</p>', cards[name]).group(1)
        shown = note.replace("&lt;", "<").replace("&gt;", ">")
        assert shown.endswith("…") and EXCERPT - 15 <= len(shown) <= EXCERPT + 1, (name, len(shown))
    for name in ("entry", "peer entry", "clinician entry"):
        assert 'class="more"' not in cards[name]
        assert re.search(r'<p class="note">(.*?)</p>', cards[name]).group(1).count("word") == 40, name


def test_a_note_kept_from_peers_is_not_on_their_card(members):
    author = members.make()
    peer = members.make()
    for person in (author, peer):
        opt_in(person)
    connect(author, peer)
    for person in (author, peer):
        accept_guidelines(person)
    entry = make_checkin(author, mood=4, note="KEPT-FROM-PEERS",
                         audience={"peers": True, "hide_note_from_peers": True})["id"]
    for url in ("/peers/", f"/peers/entries/{entry}"):
        [card] = _cards(peer.get(url).get_data(as_text=True))
        assert "KEPT-FROM-PEERS" not in card and "Good" in card
    assert "KEPT-FROM-PEERS" in _cards(author.get(f"/entries/{entry}").get_data(as_text=True))[0]
