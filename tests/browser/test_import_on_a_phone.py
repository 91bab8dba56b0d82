"""Bring your history on a phone: choose a Daylio export in the real form, read the preview (counts,
mapping, a bad row, a 60-character activity) and import, plain posts of plain forms, each page at 390 and
320 px with axe-core finding nothing. The walk of every page (test_every_page_on_a_phone.py) covers the upload page; the
preview and the result only exist after a post, so they are walked here."""
from __future__ import annotations

import pytest

from tests.browser.conftest import sign_in
from tests.browser.test_every_page_on_a_phone import AXE, LAYOUT_PROBLEMS, LONG, WIDTHS

pytestmark = pytest.mark.browser

DAYLIO = ("full_date,date,weekday,time,mood,activities,note_title,note\n"
          f"2024-03-09,March 9,Saturday,21:30,rad,friends | {LONG},,Dinner with Sam {LONG}\n"
          "2024-03-08,March 8,Friday,9:15 pm,ecstatic,work,,\n")


def _problems(page, label: str) -> list[str]:
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 844})
        problems += [f"{label} at {width} px: {p}" for p in page.evaluate(LAYOUT_PROBLEMS, LONG)]
    page.set_viewport_size({"width": 390, "height": 844})
    problems += [f"{label} axe: {v['id']}: {v['help']}" for v in AXE.run(page).response["violations"]]
    return problems


def test_import_a_daylio_export_on_a_phone(browser, live_server, live_app):
    context = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844})
    context.set_default_timeout(10_000)
    try:
        page, _ = sign_in(context, live_app)
        page.goto("/journal/import")
        problems = _problems(page, "upload")
        page.set_input_files("input[name=file]", files=[{"name": "daylio_export.csv", "mimeType": "text/csv",
                                                         "buffer": DAYLIO.encode()}])
        with page.expect_navigation():
            page.click("button[type=submit]")
        assert page.url.endswith("/journal/import/preview")
        body = page.inner_text("main")
        assert "1 check-in to add" in body and "Row 3: The mood “ecstatic”" in body and "rad → 5 Great" in body
        problems += _problems(page, "preview")
        with page.expect_navigation():
            page.click("text=Import the 1 good")
        assert "1 check-in added" in page.inner_text("main")
        problems += _problems(page, "result")
        assert not problems, "\n".join(problems)
        page.goto("/timeline")
        assert "Dinner with Sam" in page.inner_text("main")
    finally:
        context.close()
