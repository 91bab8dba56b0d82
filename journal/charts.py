"""Server-rendered SVG charts: every check-in is its own point, placed at its local time of day.

No binning, no daily means: three check-ins on one day are three points on that day. Lines join points
in time order and break across gaps of more than three days, so a line never suggests data that was
not recorded. Each chart has a title and description; the page pairs it with a table of every value.

Feature-neutral, on the kernel floor: the member's own charts and a clinician's dashboard and reports
draw with the same functions (templates: `_macros/charts.html`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from markupsafe import Markup, escape

from journal.series import ItemTrack, Series

WIDTH = 400
LEFT, RIGHT, TOP, BOTTOM = 30, 10, 10, 24
PLOT_W = WIDTH - LEFT - RIGHT
LINE_HEIGHT = 150
ROW = 26
GAP_BREAK = timedelta(days=3)


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def last_days(today: date, days: int) -> Period:
    """The `days` days that end with `today`."""
    return Period(today - timedelta(days=days - 1), today)


def _x(at: datetime, period: Period) -> float:
    origin = datetime.combine(period.start, time(0, 0))
    seconds = (at.replace(tzinfo=None) - origin).total_seconds()
    return LEFT + PLOT_W * min(max(seconds / (period.days * 86400), 0.0), 1.0)


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _x_axis(period: Period, y: float) -> list[str]:
    # Up to 120 days as the journal's pages show them; a longer span (a year of questionnaires) keeps ~8 labels.
    step = 1 if period.days <= 10 else 7 if period.days <= 45 else 14 if period.days <= 120 else -(-period.days // 8)
    parts = [f'<line class="axis" x1="{LEFT}" y1="{_num(y)}" x2="{WIDTH - RIGHT}" y2="{_num(y)}"/>']
    day = period.start
    while day <= period.end:
        x = _x(datetime.combine(day, time(0, 0)), period)
        label = f"{day:%a} {day.day}" if step == 1 else f"{day.day} {day:%b}"
        parts.append(f'<line class="tick" x1="{_num(x)}" y1="{TOP}" x2="{_num(x)}" y2="{_num(y)}"/>')
        if x + 6 * len(label) <= WIDTH:  # a label that would be cut off at the right edge is left out
            parts.append(f'<text class="xlabel" x="{_num(x + 2)}" y="{_num(y + 14)}">{escape(label)}</text>')
        day += timedelta(days=step)
    return parts


def line_chart(series: Series, period: Period, chart_id: str, *, step: float | None = None,
               what: str = "check-ins", gap: timedelta = GAP_BREAK) -> Markup:
    """A scale over time: a gridline per scale step, a point per check-in, a title on every point.
    `step` spaces the gridlines of a wide scale (a 0–100 score); `what` names the points in the description;
    `gap` is the longest time a line joins (questionnaires are taken weeks apart)."""
    height = LINE_HEIGHT
    plot_h = height - TOP - BOTTOM
    span = (series.high - series.low) or 1

    def y(value: float) -> float:
        return TOP + plot_h * (1 - (value - series.low) / span)

    values = [p.value for p in series.points]
    desc = (f"{len(values)} {what}; lowest {_num(min(values))}, highest {_num(max(values))}."
            if values else f"No {what} recorded this.")
    desc += " Every check-in is plotted; the table lists every value." if what == "check-ins" else \
        " Every one is plotted; the table lists every value."
    parts = [
        f'<svg class="chart" id="{chart_id}" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" data-points="{len(values)}" preserveAspectRatio="xMidYMid meet">',
        f'<title id="{chart_id}-t">{escape(series.title)}</title>',
        f'<desc id="{chart_id}-d">{escape(desc)}</desc>',
    ]
    step = step or (1 if span <= 6 else 2 if span <= 12 else 4)
    value = series.low
    while value <= series.high + 1e-9:
        gy = y(value)
        parts.append(f'<line class="grid" x1="{LEFT}" y1="{_num(gy)}" x2="{WIDTH - RIGHT}" y2="{_num(gy)}"/>')
        parts.append(f'<text class="ylabel" x="{LEFT - 4}" y="{_num(gy + 4)}" text-anchor="end">{_num(value)}</text>')
        value += step
    parts.extend(_x_axis(period, height - BOTTOM))
    segments: list[list[str]] = []
    previous = None
    for point in series.points:
        coord = f"{_num(_x(point.at, period))},{_num(y(point.value))}"
        if previous is None or point.at - previous > gap:
            segments.append([coord])
        else:
            segments[-1].append(coord)
        previous = point.at
    for segment in segments:
        if len(segment) > 1:
            parts.append(f'<polyline class="line" points="{" ".join(segment)}"/>')
    radius = 3.5 if len(values) <= 60 else 2.5
    for point in series.points:
        when = f"{point.at:%a} {point.at.day} {point.at:%b %H:%M}"
        parts.append(f'<circle class="pt" cx="{_num(_x(point.at, period))}" cy="{_num(y(point.value))}" '
                     f'r="{radius}"><title>{escape(when)}: {escape(point.label)}</title></circle>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text and attribute value above went through escape()


def strip_chart(tracks: list[ItemTrack], period: Period, chart_id: str, title: str) -> Markup:
    """Medications and tags over time: one row per item, one dot per check-in that recorded it."""
    height = TOP + ROW * max(len(tracks), 1) + BOTTOM
    total = sum(len(t.times) for t in tracks)
    parts = [
        f'<svg class="chart strip" id="{chart_id}" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" data-points="{total}">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{len(tracks)} items recorded {total} times; the table lists them.</desc>',
    ]
    parts.extend(_x_axis(period, height - BOTTOM))
    for row, track in enumerate(tracks):
        base = TOP + ROW * row
        parts.append(f'<text class="rowlabel" x="{LEFT}" y="{base + 9}">{escape(track.name)}</text>')
        cy = base + 17
        parts.append(f'<line class="grid" x1="{LEFT}" y1="{cy}" x2="{WIDTH - RIGHT}" y2="{cy}"/>')
        for at in track.times:
            parts.append(f'<circle class="pt {track.kind}" cx="{_num(_x(at, period))}" cy="{cy}" r="3">'
                         f"<title>{escape(track.name)}: {at:%a} {at.day} {at:%b %H:%M}</title></circle>")
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text and attribute value above went through escape()
