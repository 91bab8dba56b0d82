"""One declaration of what a check-in measures (journal/checkins.py MEASURES): adding a measure there is all
it takes for the form, the JSON API and its OpenAPI document, the encrypted payload, the entry card, the
edit form, charts and the CSV export to carry it. The test adds one ("focus", 1–5) to a copy of the app and
walks it through each of them in a separate Python process, so this process's app stays as it ships."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from journal import checkins

ROOT = Path(__file__).resolve().parents[2]
DECLARATION = "    _scale_measure(\"pain\", scales.PAIN),\n"
FOCUS = ("    _scale_measure(\"focus\", scales.Scale(\"focus\", 1, 5, {1: \"Scattered\", 2: \"Foggy\", 3: \"Some\", "
         "4: \"Clear\", 5: \"Sharp\"})),\n")

WALK = textwrap.dedent('''
    import json, re, sys
    from pathlib import Path

    import journal
    assert journal.__file__.startswith(sys.argv[1]), journal.__file__  # the copy, not the installed app
    from journal.checkins import BY_KEY
    from tests.conftest import Client, make_checkin, sqlite_app_in

    assert "focus" in BY_KEY
    with sqlite_app_in(Path(sys.argv[2])) as app:
        member = Client(app)
        assert member.register("focus@example.org").status_code == 302

        # The form lays it out, and a posted form records it.
        form = member.get("/checkin").get_data(as_text=True)
        assert 'data-measure="focus"' in form and '<legend>Focus</legend>' in form and "Sharp" in form
        saved = member.post("/checkin", {"mood": "3", "focus": "4", "timezone": "UTC"})
        assert saved.status_code == 302, saved.get_data(as_text=True)[:500]
        [first] = member.api("GET", "/api/v1/checkins").get_json()["items"]
        assert first["focus"] == 4 and first["focus_label"] == "Clear", first

        # The JSON API takes it, refuses a value off its scale in its words, and answers with it.
        made = make_checkin(member, mood=2, focus=1, occurred_at="2026-01-02T09:00:00Z")
        assert made["focus"] == 1 and made["focus_label"] == "Scattered"
        refused = member.api("POST", "/api/v1/checkins", json={"mood": 3, "focus": 9}, check=False)
        assert refused.status_code in (400, 422), refused.status_code
        assert "Choose a focus from 1 to 5." in json.dumps(refused.get_json()), refused.get_json()

        # The OpenAPI document describes it, in and out.
        schemas = member.get("/api/openapi.json").get_json()["components"]["schemas"]
        assert schemas["CheckinInput"]["properties"]["focus"]["anyOf"][0]["maximum"] == 5
        assert "focus_label" in schemas["Checkin"]["properties"] and "focus" in schemas["Checkin"]["required"]

        # The payload is encrypted (nothing of it in the database file) and reads back on the card,
        # in the edit form, the chart and the export.
        page = member.get(f"/entries/{made['id']}").get_data(as_text=True)
        assert "<dt>Focus</dt><dd>Scattered</dd>" in page
        edit = member.get(f"/entries/{made['id']}/edit").get_data(as_text=True)
        assert re.search(r'name="focus" value="1" checked', edit)
        charts = member.get("/journal/charts").get_data(as_text=True)
        assert "Focus" in charts
        week = member.get("/journal/week").get_data(as_text=True)  # the form's check-in is this week's
        assert '<th scope="row">Focus (1–5)</th>' in week
        csv = member.get("/journal/export.csv").get_data(as_text=True)
        header = csv.splitlines()[0].split(",")
        assert header[header.index("focus"):header.index("focus") + 2] == ["focus", "focus_label"], header
        stored = b"".join(f.read_bytes() for f in Path(sys.argv[2]).glob("journal.sqlite3*"))
        assert b'"focus"' not in stored and b'"mood"' not in stored  # inside the encrypted payload only
    print("walked")
''')


@pytest.mark.skipif("focus" in checkins.BY_KEY, reason="the app already measures focus")
def test_a_measure_added_to_the_declaration_reaches_every_door(tmp_path):
    copy = tmp_path / "app"
    shutil.copytree(ROOT / "journal", copy / "journal", ignore=shutil.ignore_patterns("__pycache__"))
    declaration = copy / "journal" / "checkins.py"
    source = declaration.read_text()
    assert DECLARATION in source, "the declaration moved: update this test"
    declaration.write_text(source.replace(DECLARATION, DECLARATION + FOCUS))
    script = tmp_path / "walk.py"
    script.write_text(WALK)
    (tmp_path / "db").mkdir()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(copy), str(ROOT)])}
    done = subprocess.run([sys.executable, str(script), str(copy), str(tmp_path / "db")], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "walked" in done.stdout, done.stderr[-3000:]
