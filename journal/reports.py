"""Printable reports and downloads: a period's charts, numbers and check-ins as one page to print, or as a
self-contained HTML file to save; and the attachment a download is sent as.

Feature-neutral, on the kernel floor: a clinician's report of a patient (clinicians) and a member's
"summary for my next appointment" (entries) are the same page (`templates/report.html`), each with what
its reader chose to include (`Selection`).
"""
from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from flask import Response, current_app, render_template

from journal import series
from journal.charts import Period, line_chart, strip_chart
from journal.checkins import MEASURES, Measure

if TYPE_CHECKING:
    from journal.checkins import CheckinView

BASE_MEASURES = tuple(m.stored for m in MEASURES)  # series keys; symptoms are symptom_key(id)


def filename(name: str, rest: str, fallback: str) -> str:
    """A download's name: the person's name made safe for a file name (or `fallback`), then `rest`."""
    safe = "".join(c if c.isalnum() else "-" for c in name).strip("-")[:40] or fallback
    return f"{safe}-{rest}"


def attachment(body: str | bytes, filename: str, mimetype: str) -> Response:
    """A download: never cached, always saved rather than shown."""
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@dataclass(frozen=True)
class Selection:
    """What a report shows: measures by series key ("mood", "energy", "pain", "sleep", "symptom-<id>";
    None is every measure), medications and tags, and notes."""

    measures: frozenset[str] | None = None
    items: bool = True
    notes: bool = True

    def shows(self, key: str) -> bool:
        return self.measures is None or key in self.measures

    @property
    def base_measures(self) -> tuple[Measure, ...]:
        """The declared measures chosen (each a column of the check-in table)."""
        return tuple(m for m in MEASURES if self.shows(m.stored))

    def apply(self, views: Iterable[CheckinView]) -> list[CheckinView]:
        """The check-ins with what was not chosen left out, and without those left with nothing chosen
        (a check-in that could not be decrypted stays: the report says so)."""
        if self == EVERYTHING:
            return list(views)
        kept = []
        for v in views:
            if not v.readable:
                kept.append(v)
                continue
            v = dataclasses.replace(
                v, measures={m.key: v.measures.get(m.key) if self.shows(m.stored) else None for m in MEASURES},
                symptoms=[s for s in v.symptoms if self.shows(series.symptom_key(s.id))],
                medications=v.medications if self.items else [], tags=v.tags if self.items else [],
                note=v.note if self.notes else "")
            if any(x is not None for x in v.measures.values()) or v.symptoms \
                    or v.medications or v.tags or v.note:
                kept.append(v)
        return kept


EVERYTHING = Selection()


@dataclass(frozen=True)
class ReportLinks:
    """The on-screen bar above a report (left out of the print and the download)."""

    back_url: str
    back_label: str
    download_url: str
    periods: tuple[tuple[str, str, bool], ...] = ()  # (label, url, current)


def render_report(*, views: list[CheckinView], period: Period, name: str, subtitle: str, heading: str,
                  links: ReportLinks, download: bool, download_name: str, now: datetime,
                  selection: Selection = EVERYTHING):
    """The printable report of a period: what was chosen in numbers, charts with their data tables,
    medications and tags, and every check-in that recorded something chosen. With `download` it is a
    self-contained HTML file (styles inlined) saved as an attachment; otherwise a page."""
    views = selection.apply(views)
    charts = [(s, line_chart(s, period, f"rep-{s.key}")) for s in series.chart_series(views)
              if selection.shows(s.key)]
    tracks = series.item_tracks(views)
    strip = strip_chart(tracks, period, "rep-items", "Medications and tags") if tracks else None
    summary = series.summarize(views, period.start, period.end)
    inline_css = None
    if download:
        with current_app.open_resource("static/css/app.css") as handle:
            inline_css = handle.read().decode()
    html = render_template("report.html", views=views, period=period, name=name, subtitle=subtitle,
                           heading=heading, charts=charts, tracks=tracks, strip=strip, summary=summary,
                           selection=selection, generated=now, inline_css=inline_css, links=links)
    if download:
        return attachment(html, download_name, "text/html; charset=utf-8")
    return html
