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

from journal.checkins import CheckinView
from journal.entries.services import UNREADABLE

EXCERPT = 280  # characters of a note a list shows (cut at a word); the entry's own page shows it all
_NOT_DECRYPTED = f'<p class="error">{escape(UNREADABLE)}</p>'


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
    html = [f'\n<article class="entry"><header><time datetime="{entry.occurred_at.isoformat()}">'
            f"{local.hour:02d}:{local.minute:02d}</time>"]
    recorded = entry.recorded() if entry.readable else []
    for measure, value in recorded:
        if measure.faces:  # the headline measure (mood) leads the card with its face
            html.append(f' <span class="{measure.key} {measure.key}-{value}"><b aria-hidden="true">'
                        f"{measure.scale.face(value)}</b> {measure.label(value)}</span>")
    if link:
        html.append(f' <a class="more" href="{link}">Open<span class="visually-hidden"> check-in from '
                    f"{local.strftime('%d %b %H:%M')}</span></a>")
    html.append("</header>")
    if not entry.readable:
        html.append(_NOT_DECRYPTED)
    else:
        details = [f"<div><dt>{measure.name}</dt><dd>{measure.text(value)}</dd></div>"
                   for measure, value in recorded if not measure.faces]
        if details:
            html.append(f'<dl class="measures">{"".join(details)}</dl>')
        if entry.symptoms:
            chips = "".join(f'<li class="sev sev-{s.severity}">{escape(s.name)}: {s.label.lower()}</li>'
                            for s in entry.symptoms)
            html.append(f'<ul class="chips static">{chips}</ul>')
        if entry.tags:
            html.append(f'<ul class="chips static tags">{"".join(f"<li>{escape(n)}</li>" for _, n in entry.tags)}</ul>')
        if entry.medications:
            meds = ", ".join(f"{name} {dose}".rstrip() for _, name, dose in entry.medications)
            html.append(f'<p class="meds">💊 {escape(meds)}</p>')
        if entry.note and not hide_note:
            html.append(f'<p class="note">{escape(note_excerpt(entry.note) if excerpt else entry.note)}</p>')
    html.append("</article>")
    return "".join(html)
