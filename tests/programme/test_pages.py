"""The programme report through HTTP: who may open it, the member's opt-in and withdrawal, the figures and
their suppression on the page and in the CSV, and the questionnaire changes through a fake receiver of
signals.programme_outcomes_requested (the questionnaire feature is built elsewhere)."""
from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest

from journal import signals
from tests.conftest import make_checkin
from tests.programme.conftest import counts_on_page, join

REPORT, CSV, CONSENT = "/admin/programme", "/admin/programme.csv", "/account/programme"


@pytest.fixture
def admin(members):
    return members.make(role="admin")


def test_only_admins_open_the_report(app, client, members, admin):
    assert client.get(REPORT).status_code == 302 and "/login" in client.get(REPORT).headers["Location"]
    assert client.get(CSV).status_code == 302
    for role in ("member", "clinician", "moderator"):
        someone = members.make(role=role)
        assert someone.get(REPORT).status_code == 403, role
        assert someone.get(CSV).status_code == 403, role
    assert admin.get(REPORT).status_code == 200
    assert admin.get(CSV).status_code == 200
    # An admin without two-step sign-in is sent to set it up first, like clinicians and moderators.
    unprotected = members.make(role="admin", two_factor=False)
    response = unprotected.get(REPORT)
    assert response.status_code == 302 and response.headers["Location"] == "/account/two-factor"


def test_an_admin_sees_only_the_report(app, members, admin):
    member = members.make()
    entry = make_checkin(member, note="private words")
    home = admin.get("/")
    assert home.status_code == 302 and home.headers["Location"] == REPORT
    for path in ("/checkin", "/timeline", f"/entries/{entry['id']}", "/track", "/peers/", "/peers/connections",
                 "/peers/moderation", "/clinician/", CONSENT, "/journal/export.csv"):
        assert admin.get(path).status_code in (403, 404), path
    assert admin.api("GET", f"/api/v1/checkins/{entry['id']}", check=False).status_code in (403, 404)
    page = admin.get("/account").get_data(as_text=True)
    assert 'href="/admin/programme"' in page and "Export my journal" not in page
    result = app.test_cli_runner().invoke(args=["users", "set-role", "nobody@example.org", "admin"])
    assert result.exit_code != 0


def test_opting_in_is_off_until_ticked_and_withdrawing_counts_at_once(app, members, admin):
    member = members.make()
    page = member.get(CONSENT).get_data(as_text=True)
    assert 'name="counted"' in page and "checked" not in _box(page)
    assert "you are not counted" in page and "never counted or shown" in page
    account = member.get("/account").get_data(as_text=True)
    assert 'href="/account/programme"' in account
    assert _cell(admin, "Members counted") == "suppressed"
    assert member.post(CONSENT, {"counted": "y"}).status_code == 302
    page = member.get(CONSENT).get_data(as_text=True)
    assert "you are counted" in page and "checked" in _box(page)
    with app.app_context():
        from journal.programme import services

        assert services.build_report(datetime.now(UTC)).cells["members"] == 1
        assert member.post(CONSENT, {}).status_code == 302  # the box unticked: withdrawn
        assert services.build_report(datetime.now(UTC)).cells["members"] == 0


def _box(page: str) -> str:
    return re.search(r'<input[^>]*name="counted"[^>]*>', page).group(0)


def _cell(client, label):
    html = client.get(REPORT).get_data(as_text=True)
    row = html.split(label, 1)[1].split("</tr>", 1)[0]
    return row.split("<td>")[1].split("</td>")[0].replace('<span class="suppressed">', "").replace("</span>", "")


def _csv(client) -> list[dict]:
    response = client.get(CSV)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    lines = [line for line in response.get_data(as_text=True).splitlines() if line and not line.startswith("#")]
    return list(csv.DictReader(io.StringIO("\n".join(lines))))


def test_small_groups_never_show_on_the_page_or_in_the_csv(app, members, admin):
    """20 counted: 12 who came back and 8 who did not. 8 is small, and 12 = 20 - 8 would give it away: neither
    the active count nor any retention figure shows; nobody registered recently, so that zero hides the
    "registered 30/90 days ago" groups too. Members who did not opt in are not counted at all."""
    for count in range(12):
        join(members, 100, checkins_days_ago=(100, 1, 2) if count % 2 else (100, 1))
    for _ in range(8):
        join(members, 100, checkins_days_ago=(100,))
    for _ in range(3):
        join(members, 100, counted=False, checkins_days_ago=(100, 1))
    html = admin.get(REPORT).get_data(as_text=True)
    counts = counts_on_page(html)
    assert counts and all(c == "suppressed" or int(c) >= 10 for c in counts), counts
    assert "20" in counts and "12" not in counts and "8" not in counts and "23" not in counts
    assert "Associations, not effects." in html
    assert "No questionnaire data (questionnaires not enabled)." in html
    rows = _csv(admin)
    for row in rows:
        for column in ("members", "count"):
            assert row[column] in ("", "suppressed") or int(row[column]) >= 10, row
        assert "association, not effect" in row["note"]
    by_label = {row["figure"]: row for row in rows}
    assert by_label["Members counted (opted in)"]["members"] == "20"
    assert by_label["Active: checked in within the last 28 days"]["count"] == "suppressed"
    assert by_label["Retained at 30 days"]["members"] == "suppressed"
    assert by_label["Check-ins per member per week (last 8 weeks)"]["estimate"] not in ("", "suppressed")


def test_every_figure_with_groups_of_ten_or_more(app, members, admin, connect_receiver):
    """43 counted in four groups of 10 or more (the 60-day group keeps "registered 30 but not 90 days ago"
    and "back after day 30, not day 90" at 10): every figure shows, with its interval. The questionnaire
    changes come from a fake questionnaire feature, the peer split from a fake cohort answer (with the real
    peers feature answering too: nobody is connected there)."""
    groups = {"back": [join(members, 100, checkins_days_ago=(100, 1)) for _ in range(12)],
              "gone": [join(members, 100, checkins_days_ago=(100,)) for _ in range(11)],
              "sixty": [join(members, 60, checkins_days_ago=(60, 2)) for _ in range(10)],
              "new": [join(members, 5, checkins_days_ago=(5,)) for _ in range(10)]}
    ids = {name: [c.user_id for c in clients] for name, clients in groups.items()}
    connected = set(ids["back"]) | set(ids["sixty"][:3])  # 15 with a connection, 16 without (of 31 with pairs)
    with_pairs = ids["back"] + ids["gone"] + ids["sixty"][:8]
    outcome_calls = connect_receiver(
        signals.programme_outcomes_requested,
        lambda member_ids, instrument, window: None if instrument != "WHO-5" else
        {i: (12.0, 12.0 + (4 if i in connected else 1) + (i % 2)) for i in with_pairs if i in member_ids})
    cohort_calls = connect_receiver(signals.programme_cohorts_requested,
                                    lambda member_ids: frozenset(connected) & member_ids)

    html = admin.get(REPORT).get_data(as_text=True)
    counts = counts_on_page(html)
    assert "suppressed" not in counts and all(int(c) >= 10 for c in counts), counts
    rows = {(row["section"][:30], row["figure"]): row for row in _csv(admin)}
    figure = {label: row for (_, label), row in rows.items() if not label.startswith("Mean change")}
    assert figure["Members counted (opted in)"]["members"] == "43"
    assert (figure["Active: checked in within the last 28 days"]["count"], figure["Retained at 30 days"]["count"],
            figure["Retained at 90 days"]["count"]) == ("32", "22", "12")
    assert (figure["Retained at 30 days"]["members"], figure["Retained at 90 days"]["members"]) == ("33", "23")
    who = {label: row for (section, label), row in rows.items() if section.startswith("Change over 8 weeks: WHO-5")}
    assert who["Mean change, all members with both responses"]["members"] == "31"
    with_ = who["Mean change, with at least one peer connection"]
    without = who["Mean change, without a peer connection"]
    assert (with_["members"], without["members"]) == ("15", "16")
    assert 4.0 <= float(with_["estimate"]) <= 5.0 and 1.0 <= float(without["estimate"]) <= 2.0
    assert float(with_["ci95_low"]) < float(with_["estimate"]) < float(with_["ci95_high"])
    assert "association, not effect" in with_["note"]
    # Nobody answers for UCLA-3 or MSPSS: left out, and said so.
    assert not [row for (section, _), row in rows.items() if section.startswith("Change over 8 weeks: UCLA")]
    assert "No questionnaire data for\n  UCLA-3, MSPSS." in html
    # The receivers were asked about opted-in members only, with the documented window.
    assert outcome_calls[0]["member_ids"] == frozenset(i for group in ids.values() for i in group)
    assert {call["instrument"] for call in outcome_calls} == {"WHO-5", "UCLA-3", "MSPSS"}
    window = outcome_calls[0]["window"]
    assert (window.follow_up_days, window.tolerance_days) == (56, 14) and window.until is not None
    assert cohort_calls[0]["member_ids"] == outcome_calls[0]["member_ids"]

    # 8 of the 15 connected members withdraw: 7 with a connection is small, so "without" goes too.
    for client in groups["back"][:8]:
        assert client.post(CONSENT, {}).status_code == 302
    rows = {(row["section"][:30], row["figure"]): row for row in _csv(admin)}
    who = {label: row for (section, label), row in rows.items() if section.startswith("Change over 8 weeks: WHO-5")}
    assert who["Mean change, all members with both responses"]["members"] == "23"
    assert who["Mean change, with at least one peer connection"]["members"] == "suppressed"
    assert who["Mean change, without a peer connection"]["members"] == "suppressed"
    assert who["Mean change, without a peer connection"]["estimate"] == "suppressed"
    counts = counts_on_page(admin.get(REPORT).get_data(as_text=True))
    assert "7" not in counts and "16" not in counts and "35" in counts


def test_the_peers_feature_answers_who_has_a_connection(app, members):
    from tests.peers.conftest import connect, opt_in

    a, b, c = members.make(), members.make(), members.make()
    for client in (a, b, c):
        opt_in(client)
    connect(a, b)
    with app.app_context():
        answers = signals.answers(signals.programme_cohorts_requested,
                                  member_ids=frozenset({a.user_id, c.user_id}))
    assert answers == [frozenset({a.user_id})]  # b is connected too, but was not asked about


def test_a_checkin_counts_when_it_was_recorded_not_the_day_it_is_about(app, members, admin):
    """The report reads when check-ins were recorded: one made today about a day 20 days ago makes the member
    active and retained at 30 days (they used the app today)."""
    someone = join(members, 40, checkins_days_ago=(40,))
    make_checkin(someone, occurred_at=(datetime.now(UTC) - timedelta(days=20)).isoformat())
    with app.app_context():
        from journal.programme import services

        built = services.build_report(datetime.now(UTC))
    assert built.cells["active"] == 1 and built.cells["retained30"] == 1


def test_an_admin_session_ends_like_staff_sessions(app, members, admin):
    """Admins are signed out after 30 idle minutes, as clinicians and moderators are (config: "staff")."""
    import time_machine

    assert admin.get(REPORT).status_code == 200
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=31), tick=False):
        response = admin.get(REPORT)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
