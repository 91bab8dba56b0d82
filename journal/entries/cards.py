"""The entry card: one check-in, summarised, as every list and page shows it (the timeline, one entry, the
peers' feed and entry pages, moderation, the clinician's list and entry page). One renderer, in Python: a
timeline page is twenty cards, and as template code they were most of its cost (bench/inprocess.py).

What a member typed (symptom, tag and medication names, doses, the note) is escaped with markupsafe exactly
as autoescaping would; the rest is made here from numbers, ids and the scales' fixed words. Templates call it
as the global `entry_card` (registered by journal.entries); tests/entries/test_cards.py checks that every
page shows the same card and that typed markup comes out escaped.
"""
from collections.abc import Iterable

from markupsafe import Markup, escape

from journal import scales
from journal.checkins import MEASURES, CheckinView
from journal.entries.services import UNREADABLE

EXCERPT = 280  # characters of a note a list shows (cut at a word); the entry's own page shows it all
_NOT_DECRYPTED = f'<p class="error">{escape(UNREADABLE)}</p>'
# What a member typed, escaped in one pass with exactly the entities markupsafe (and so autoescaping) uses.
_ENTITIES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;"})
# The fixed words, made once: each scale value's headline (mood, with its face) or its line in the list.
_HEADLINES = {(m.key, v): f' <span class="{m.key} {m.key}-{v}"><b aria-hidden="true">{face}</b> {label}</span>'
              for m in MEASURES if m.faces for v, label, face in m.scale.options()}
_DETAILS = {(m.key, v): f"<div><dt>{m.name}</dt><dd>{label}</dd></div>"
            for m in MEASURES if m.scale and not m.faces for v, label, _ in m.scale.options()}
_SEVERITY = {v: label.lower() for v, label in scales.SEVERITY.labels.items()}
_MONTHS = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def note_excerpt(note: str) -> str:
    """The note's first EXCERPT characters, cut at a word."""
    if len(note) <= EXCERPT:
        return note
    return note[:EXCERPT].rsplit(" ", 1)[0] + "…"


def entry_card(entry: CheckinView, link: str | None = None, *, excerpt: bool = False,
               hide_note: bool = False) -> Markup:
    """One check-in's card. `link` opens it (already a URL); `excerpt` shortens the note; `hide_note` leaves
    the note out (a peer its author did not give it to)."""
    return Markup(_card(entry, escape(link) if link else "", excerpt, hide_note))  # noqa: S704 - built escaped


def timeline_cards(entries: Iterable[CheckinView], show_url: str) -> Markup:
    """The cards of a list whose entries open at `show_url` + their id, notes shortened."""
    show_url = escape(show_url)
    return Markup("".join(_card(entry, f"{show_url}{entry.ref}", True, False)  # noqa: S704 - built escaped
                          for entry in entries))


def _card(entry: CheckinView, link: str, excerpt: bool, hide_note: bool) -> str:
    local = entry.local
    clock = f"{local.hour:02d}:{local.minute:02d}"
    html = [f'\n<article class="entry"><header><time datetime="{entry.occurred_at.isoformat()}">{clock}</time>']
    details = []
    if entry.readable:
        measures = entry.measures
        for m in MEASURES:
            value = measures.get(m.key)
            if value is None:
                continue
            if m.faces:  # the headline measure (mood) leads the card with its face
                html.append(_HEADLINES[m.key, value])
            else:
                details.append(_DETAILS.get((m.key, value)) or f"<div><dt>{m.name}</dt><dd>{m.text(value)}</dd></div>")
    if link:
        html.append(f' <a class="more" href="{link}">Open<span class="visually-hidden"> check-in from '
                    f"{local.day:02d} {_MONTHS[local.month]} {clock}</span></a>")
    html.append("</header>")
    if not entry.readable:
        html.append(_NOT_DECRYPTED)
    else:
        if details:
            html.append(f'<dl class="measures">{"".join(details)}</dl>')
        if entry.symptoms:
            chips = "".join(f'<li class="sev sev-{s.severity}">{s.name.translate(_ENTITIES)}: '
                            f"{_SEVERITY[s.severity]}</li>" for s in entry.symptoms)
            html.append(f'<ul class="chips static">{chips}</ul>')
        if entry.tags:
            chips = "".join(f"<li>{name.translate(_ENTITIES)}</li>" for _, name in entry.tags)
            html.append(f'<ul class="chips static tags">{chips}</ul>')
        if entry.medications:
            meds = ", ".join(f"{name} {dose}".rstrip() for _, name, dose in entry.medications)
            html.append(f'<p class="meds">💊 {meds.translate(_ENTITIES)}</p>')
        if entry.note and not hide_note:
            note = note_excerpt(entry.note) if excerpt else entry.note
            html.append(f'<p class="note">{note.translate(_ENTITIES)}</p>')
    html.append("</article>")
    return "".join(html)
