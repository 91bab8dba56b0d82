"""The timeline's compact rows, written in Python rather than as template code.

A timeline page is twenty rows, and they were most of its cost: as template code each row took about
17 µs (a dozen attribute lookups, nine escapes and two dozen yields through Jinja); written here a row
takes under half that (bench/inprocess.py, README → Performance). The markup is kept deliberately
small. What a member typed (symptom, tag and medication names, doses, the note) is escaped with
markupsafe, exactly as autoescaping would; the rest is made here from numbers, ids and the scales'
fixed words. tests/entries/test_pages.py checks that typed markup comes out escaped.
"""
from collections.abc import Iterable

from markupsafe import Markup, escape

from journal import scales
from journal.checkins import CheckinView
from journal.entries.services import UNREADABLE

_MOOD = {value: f' <span class="mood"><b aria-hidden="true">{face}</b> {label}</span>'
         for value, label, face in scales.MOOD.options()}
_ENERGY = {value: f"Energy {label.lower()}" for value, label in scales.ENERGY.labels.items()}
_PAIN = {value: f"Pain {label.lower()}" for value, label in scales.PAIN.labels.items()}
_SEVERITY = {value: label.lower() for value, label in scales.SEVERITY.labels.items()}
_NOT_DECRYPTED = f'<p class="error">{escape(UNREADABLE)}</p>'
SEPARATOR = " · "
EXCERPT = 200


def note_excerpt(note: str) -> str:
    """The note's first 200 characters, cut at a word."""
    if len(note) <= EXCERPT:
        return note
    return note[:EXCERPT].rsplit(" ", 1)[0] + "…"


def timeline_rows(entries: Iterable[CheckinView], show_url: str) -> Markup:
    """One <article> per check-in: time, mood and a link, then a line each for measures, symptoms, tags
    and medications, and the note's opening (each line only when there is something to say)."""
    show_url = escape(show_url)
    return Markup("".join(entry_row(entry, show_url) for entry in entries))  # noqa: S704 - built escaped, above


def entry_row(entry: CheckinView, show_url: str) -> str:
    """One check-in's row, its link `show_url` + its id (`show_url` already escaped); the peer feed uses it too."""
    local = entry.local
    head = (f'\n<article class="entry"><header><time datetime="{entry.occurred_at.isoformat()}">'
            f"{local.hour:02d}:{local.minute:02d}</time>")
    link = f' <a class="more" href="{show_url}{entry.ref}">Open</a></header>'
    if not entry.readable:
        return f"{head}{link}{_NOT_DECRYPTED}</article>"
    html = [head, _MOOD.get(entry.mood, ""), link]
    measures = []
    if entry.energy is not None:
        measures.append(_ENERGY[entry.energy])
    if entry.pain is not None:
        measures.append(_PAIN[entry.pain])
    if entry.sleep_hours is not None:
        measures.append(f"Slept {entry.sleep_hours:g} h")
    if measures:
        html.append(f'<p class="measures">{SEPARATOR.join(measures)}</p>')
    if entry.symptoms:
        line = SEPARATOR.join(f"{s.name} {_SEVERITY[s.severity]}" for s in entry.symptoms)
        html.append(f'<p class="symptoms">{escape(line)}</p>')
    extras = [f"#{name}" for _, name in entry.tags]
    extras += [f"💊 {name} {dose}".rstrip() for _, name, dose in entry.medications]
    if extras:
        html.append(f'<p class="extras">{escape(SEPARATOR.join(extras))}</p>')
    if entry.note:
        html.append(f'<p class="note">{escape(note_excerpt(entry.note))}</p>')
    html.append("</article>")
    return "".join(html)
