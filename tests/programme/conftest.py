"""Programme report helpers: members who joined on a past day, and a fake questionnaire feature."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from journal.config import DEFAULTS
from tests.conftest import make_checkin


@pytest.fixture
def config_overrides():
    """The app without the questionnaire feature: these tests answer for it with fake receivers
    (connect_receiver), so each figure is known. tests/programme/test_questionnaire_outcomes.py uses the
    real one."""
    return {"FEATURES": tuple(name for name in DEFAULTS["FEATURES"] if name != "questionnaires")}


def join(members, days_ago: int, *, counted=True, checkins_days_ago=(), verified=False):
    """A member who registered `days_ago` days ago, opted in to the report (unless `counted=False`) that day,
    and checked in on each of `checkins_days_ago` (days before now), each time signing in as they would."""
    now = datetime.now(UTC)
    with time_machine.travel(now - timedelta(days=days_ago), tick=False):
        client = members.make(verified=verified)
        if counted:
            response = client.post("/account/programme", {"counted": "y"})
            assert response.status_code == 302, response.get_data(as_text=True)
    for day in sorted(checkins_days_ago, reverse=True):
        with time_machine.travel(now - timedelta(days=day, minutes=-1), tick=False):
            device = sign_in_again(members, client)
            make_checkin(device)
    return sign_in_again(members, client)


def sign_in_again(members, client):
    """A fresh browser signed in as `client`'s member now (their old session may have expired meanwhile)."""
    device = members.new_client()
    device.email, device.user_id = client.email, client.user_id
    response = device.login(client.email)
    assert response.status_code == 302, response.get_data(as_text=True)
    return device


@pytest.fixture
def connect_receiver(app):
    """connect_receiver(signal, answer): connect `answer` (a function of the signal's keyword arguments) as a
    receiver for this test's app, as a feature would in its init_app; returns the list of calls it gets. Every
    receiver is disconnected when the test ends."""
    connected = []

    def connect(signal, answer):
        calls = []

        def receiver(sender, **kwargs):
            calls.append(kwargs)
            return answer(**kwargs)

        signal.connect(receiver, app, weak=False)
        connected.append((signal, receiver))
        return calls

    yield connect
    for signal, receiver in connected:
        signal.disconnect(receiver, app)


CELL = re.compile(r"<td>(.*?)</td>", re.S)


def counts_on_page(html: str) -> list[str]:
    """The member counts the report's tables show: each row's Members cell and the count before '·'."""
    found = []
    for row in re.findall(r"<tr>\s*<th scope=\"row\">.*?</tr>", html, re.S):
        members, estimate = CELL.findall(row)[:2]
        found.append(re.sub(r"<[^>]+>", "", members).strip())
        if "·" in estimate:
            found.append(re.sub(r"<[^>]+>", "", estimate.split("·")[0]).strip())
    return found
