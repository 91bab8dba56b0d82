"""Crisis language: the writer alone sees a gentle banner with crisis lines; nothing is blocked or told."""
import pytest

from journal import crisis
from tests.peers.conftest import share

BANNER = "You don't have to go through this alone"


@pytest.mark.parametrize("text", [
    "I want to die", "Honestly I WANT TO DIE today", "i just want to end my life", "I keep thinking about suicide",
    "feeling suicidal again", "I can’t go on anymore", "I cant go on", "thinking of self-harm", "self harm urges",
    "I might hurt myself", "everyone would be better off without me", "I took an overdose last year",
    "there's no reason to live", "I don’t want to be here anymore", "I want to kill myself",
])
def test_listed_phrases_match(text):
    assert crisis.matches(text, crisis.DEFAULT_PHRASES)


@pytest.mark.parametrize("text", [
    "", None, "Tired but okay. Pain 3/5, walked the dog.", "This flare is killing me", "I'm dying to try the new cafe",
    "Died laughing at the film", "My dog hurt his paw", "Work was a nightmare", "The suicides in the novel were sad",
    "self-care day", "I want to diet", "harmless fun",
])
def test_ordinary_text_does_not_match(text):
    assert not crisis.matches(text, crisis.DEFAULT_PHRASES)


def test_the_phrase_list_is_configurable():
    assert crisis.matches("quiero morir", ["quiero morir"])
    assert not crisis.matches("I want to die", ["quiero morir"])
    assert not crisis.matches("anything", [])


@pytest.fixture
def config_overrides():
    return {"CRISIS_PHRASES": [*crisis.DEFAULT_PHRASES, "canary crisis phrase"],
            "RATELIMIT_PEER_COMMENTS_NEW": "100 per minute"}


def _save_checkin(client, note: str):
    return client.post("/checkin", {"mood": "1", "note": note, "day": "", "time": "", "timezone": "UTC"},
                       follow_redirects=True)


def test_banner_after_saving_a_note_with_crisis_language_and_not_otherwise(member):
    page = _save_checkin(member, "Today I want to die.")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "Check-in saved" in body  # never blocked
    assert BANNER in body and "116 123" in body and "988" in body and 'href="/help"' in body
    assert "not a crisis service" in body
    page = _save_checkin(member, "Rough night, better after coffee.")
    assert "Check-in saved" in page.get_data(as_text=True) and BANNER not in page.get_data(as_text=True)
    # Configured phrases count too; the banner shows once, not on the next page.
    assert BANNER in _save_checkin(member, "a canary crisis phrase here").get_data(as_text=True)
    assert BANNER not in member.get("/timeline").get_data(as_text=True)


def test_banner_after_editing_a_note(member):
    from tests.conftest import make_checkin

    entry = make_checkin(member, note="fine")["id"]
    page = member.post(f"/entries/{entry}/edit", {"mood": "2", "note": "I feel suicidal", "timezone": "UTC",
                                                  "day": "", "time": ""}, follow_redirects=True)
    assert BANNER in page.get_data(as_text=True)


def test_a_comment_with_crisis_language_shows_the_writer_only(peers):
    author, peer = peers
    entry = share(author)
    response = peer.post(f"/peers/entries/{entry}/comments", {"body": "Same here, I want to die some days"},
                         follow_redirects=True)
    assert response.status_code == 200 and BANNER in response.get_data(as_text=True)
    # The comment was posted, and nobody else sees a banner or any flag.
    author_page = author.get(f"/peers/entries/{entry}").get_data(as_text=True)
    assert "Same here, I want to die some days" in author_page and BANNER not in author_page
    assert BANNER not in author.get("/peers/notifications").get_data(as_text=True)
    # Through the API, the writer's own response says so.
    api = peer.api("POST", f"/api/v1/peers/entries/{entry}/comments", json={"body": "thinking about suicide"})
    assert api.status_code == 201 and api.get_json()["crisis_support"] is True
    api = peer.api("POST", f"/api/v1/peers/entries/{entry}/comments", json={"body": "hang in there"})
    assert api.get_json()["crisis_support"] is False
    listed = author.api("GET", f"/api/v1/peers/entries/{entry}").get_json()["comments"]
    assert all("crisis_support" not in c for c in listed)


def test_the_help_page_groups_lines_by_region_and_says_it_is_not_a_crisis_service(client):
    body = client.get("/help").get_data(as_text=True)
    assert "not a crisis service" in body
    assert body.index("UK and Ireland") < body.index("116 123")
    assert "findahelpline.com" in body
