"""The member's own charts (30 and 90 days: SVG with a data table of every value) and their printable
summary for an appointment (the range and measures they chose, nothing else; a page and a download)."""
from __future__ import annotations

import re

import pytest

from tests.conftest import add_item, checkin_time, make_checkin


def points(html: str, chart_id: str) -> int:
    return int(re.search(rf'<svg class="chart" id="{chart_id}"[^>]*data-points="(\d+)"', html).group(1))


def table_values(html: str, chart_id: str) -> list[str]:
    """The last column of the data table that follows a chart: every value, in time order."""
    figure = html[html.index(f'id="{chart_id}"'):]
    table = figure[figure.index("<tbody>"):figure.index("</tbody>")]
    return re.findall(r"<td>([^<]*)</td></tr>", table)


@pytest.fixture
def journal(member):
    """Ten days ago, three days ago (twice) and forty days ago, with symptoms, a medication and notes."""
    fatigue = add_item(member, "symptoms", "Fatigue")
    nausea = add_item(member, "symptoms", "Nausea")
    add_item(member, "symptoms", "Dizziness")  # tracked, never recorded
    med = add_item(member, "medications", "Methotrexate", dose="15 mg")
    rows = {
        "forty": make_checkin(member, mood=5, energy=5, pain=0, occurred_at=checkin_time(40, 9), note="long ago note"),
        "ten": make_checkin(member, mood=4, energy=2, pain=1, occurred_at=checkin_time(10, 9),
                            symptoms=[{"id": fatigue, "severity": 2}], note="ten days note"),
        "three_am": make_checkin(member, mood=2, energy=1, pain=3, sleep_hours=5.5, occurred_at=checkin_time(3, 8),
                                 symptoms=[{"id": fatigue, "severity": 4}, {"id": nausea, "severity": 1}],
                                 medications=[{"id": med, "dose": "15 mg"}], note="rough morning"),
        "three_pm": make_checkin(member, mood=3, occurred_at=checkin_time(3, 20),
                                 symptoms=[{"id": fatigue, "severity": 3}]),
    }
    return member, {"fatigue": fatigue, "nausea": nausea, "med": med}, rows


def test_thirty_day_charts_have_svg_and_a_table_of_every_value(app, journal):
    member, ids, _ = journal
    html = member.get("/journal/charts?days=30").get_data(as_text=True)
    assert points(html, "chart-mood") == 3 and table_values(html, "chart-mood") == ["4 (Good)", "2 (Low)", "3 (Okay)"]
    assert points(html, "chart-energy") == 2 and table_values(html, "chart-energy") == ["2 (Low)", "1 (Drained)"]
    assert table_values(html, "chart-pain") == ["1 (Mild)", "3 (Severe)"]
    assert table_values(html, "chart-sleep") == ["5.5 h"]
    fatigue = f"chart-symptom-{ids['fatigue']}"
    assert points(html, fatigue) == 3
    assert table_values(html, fatigue) == ["2 (Moderate)", "4 (Very severe)", "3 (Severe)"]
    assert table_values(html, f"chart-symptom-{ids['nausea']}") == ["1 (Mild)"]
    assert html.count('role="img"') == 6 and html.count("Data table: ") == 6
    assert "Not recorded in these days: Dizziness." in html
    assert "rough morning" not in html  # charts show values, never notes
    assert '<a href="/journal/charts?days=30" aria-current="page">' in html


def test_ninety_days_reach_further_back_and_other_periods_mean_thirty(app, journal):
    member, _, _ = journal
    ninety = member.get("/journal/charts?days=90").get_data(as_text=True)
    assert points(ninety, "chart-mood") == 4 and table_values(ninety, "chart-mood")[0] == "5 (Great)"
    assert '<a href="/journal/charts?days=90" aria-current="page">' in ninety
    for odd in ("7", "365", "x", ""):
        assert points(member.get(f"/journal/charts?days={odd}").get_data(as_text=True), "chart-mood") == 3


def test_the_summary_form_starts_from_every_measure_and_leaves_notes_to_the_member(app, journal):
    member, ids, _ = journal
    html = member.get("/journal/summary").get_data(as_text=True)
    boxes = dict(re.findall(r'<input type="checkbox" name="(?:m|items|notes)" value="([^"]+)"( checked)?>', html))
    measures = ["mood", "energy", "pain", "sleep"] + [f"symptom-{ids[k]}" for k in ("fatigue", "nausea")]
    assert all(boxes[m] == " checked" for m in measures)
    assert re.search(r'name="items" value="1" checked', html) and re.search(r'name="notes" value="1">', html)
    assert 'name="range" value="30" checked' in html
    assert "Every measure is ticked to start with (nothing is saved" in html
    assert "Notes are left out unless you tick them" in html


def summary(member, **args):
    query = "&".join(f"{k}={v}" for k, vs in args.items() for v in (vs if isinstance(vs, list) else [vs]))
    return member.get(f"/journal/summary/print?{query}")


def test_the_summary_covers_the_chosen_days(app, journal):
    member, _, rows = journal
    week = summary(member, range="7", m=["mood"]).get_data(as_text=True)
    assert points(week, "rep-mood") == 2 and "2 check-ins on 1 of 7 days" in week
    assert "<td>2 Low</td>" in week and "<td>4 Good</td>" not in week
    month = summary(member, range="30", m=["mood"]).get_data(as_text=True)
    assert points(month, "rep-mood") == 3 and "<td>4 Good</td>" in month and "<td>5 Great</td>" not in month
    day = rows["ten"]["local_date"]
    one_day = summary(member, range="custom", **{"from": day, "to": day}, m=["mood"]).get_data(as_text=True)
    assert points(one_day, "rep-mood") == 1 and "<td>4 Good</td>" in one_day and "1 of 1 days" in one_day


def test_the_summary_shows_only_the_chosen_measures(app, journal):
    member, ids, _ = journal
    html = summary(member, range="30", m=["pain", f"symptom-{ids['fatigue']}"]).get_data(as_text=True)
    assert 'id="rep-pain"' in html and f'id="rep-symptom-{ids["fatigue"]}"' in html
    for left_out in ('id="rep-mood"', 'id="rep-energy"', 'id="rep-sleep"', "Nausea", "Methotrexate", "rough morning",
                     "<th scope=\"col\">Mood</th>"):
        assert left_out not in html, left_out
    # What was left out is said, but a symptom left out is never named: the reader must not learn of it.
    assert "Includes: pain, Fatigue. Left out: mood, energy, sleep, medications and tags, notes." in html
    assert '<tr><th scope="row">Pain (0–4)</th><td>2</td><td>2.0</td><td>1 – 3</td></tr>' in html
    assert '<tr><th scope="row">Fatigue</th><td>2</td><td>1</td><td>4</td></tr>' in html  # days, severe days, highest
    # Check-ins that recorded nothing chosen are left out: pain or fatigue was recorded by three of the four.
    entries = html[html.index('class="compact entries-table"'):]
    assert entries[:entries.index("</tbody>")].count("<tr><td>") == 3

    notes_and_items = summary(member, range="30", items="1", notes="1").get_data(as_text=True)
    assert "rough morning" in notes_and_items and "Methotrexate 15 mg" in notes_and_items
    assert 'id="rep-mood"' not in notes_and_items and "Fatigue" not in notes_and_items


@pytest.mark.parametrize("args, field, message", [
    ({"range": "custom", "from": "2024-03-10", "to": "2024-03-01", "m": "mood"}, "to", "before the first day"),
    ({"range": "custom", "from": "2024-03-10", "to": "", "m": "mood"}, "to", "Give the last day"),
    ({"range": "custom", "from": "2024-01-01", "to": "2099-01-01", "m": "mood"}, "to", "cannot be after today"),
    ({"range": "custom", "from": "2020-01-01", "to": "2024-01-01", "m": "mood"}, "to", "at most 366 days"),
    ({"range": "14", "m": "mood"}, "range", "Choose which days"),
    ({"range": "30"}, "include", "Choose at least one thing"),
    ({"range": "30", "m": "symptom-00000000-0000-0000-0000-000000000000"}, "include", "Choose at least one thing"),
])
def test_a_summary_that_cannot_be_made_says_why_on_the_form(app, journal, args, field, message):
    member, _, _ = journal
    response = summary(member, **args)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'<p class="error" id="{field}-err">' in html and message in html
    assert 'action="/journal/summary/print"' in html
    if args.get("from"):
        assert f'value="{args["from"]}"' in html  # what the member chose stays chosen


def test_the_summary_prints_without_navigation_and_downloads_as_a_file(app, journal):
    member, ids, _ = journal
    page = summary(member, range="30", m=["mood", f"symptom-{ids['fatigue']}"], notes="1")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<h1>Summary for my next appointment</h1>" in html
    assert "bottom-nav" not in html and 'class="actions no-print"' in html
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", html))  # no inline script (CSP)
    back = re.search(r'<a href="([^"]+)">Change what it shows</a>', html).group(1).replace("&amp;", "&")
    again = member.get(back).get_data(as_text=True)  # the form again, with the same choices
    assert 'name="notes" value="1" checked' in again and 'name="m" value="energy">' in again
    download = re.search(r'<a class="button" href="([^"]+)" download>', html).group(1).replace("&amp;", "&")
    saved = member.get(download)
    assert saved.headers["Content-Disposition"].startswith('attachment; filename="Person-1-summary-')
    assert saved.headers["Cache-Control"] == "no-store"
    body = saved.get_data(as_text=True)
    assert "<style>" in body and "<script" not in body and "Change what it shows" not in body
    assert "rough morning" in body and points(body, "rep-mood") == 3
