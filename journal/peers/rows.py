"""The Peers feed's entries, written in Python rather than as template code, like the timeline's rows.

Twenty entries a page, each with its author, the check-in and four reaction buttons (each a small form),
were most of the feed page's cost as template code (bench/mixed.py). Each entry is the one entry card
(entries/cards.py) under its author's line. What members typed (display names, and the check-in's
names, doses and note, escaped by entries/cards.py) is escaped with markupsafe, exactly as autoescaping would;
the rest is ids, counts and fixed words. tests/peers/test_sharing.py checks typed markup comes out escaped.
"""
from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup, escape

from journal.entries import entry_card
from journal.peers.sharing import PeerEntry

_UNDO = '<input type="hidden" name="undo" value="1">'


def feed_rows(items: Iterable[PeerEntry], *, entry_url: str, member_url: str, csrf_token: str) -> Markup:
    """Each entry with its author's line, its reaction buttons (back to the feed) and the link to reply.
    `entry_url` and `member_url` are the paths of a peer entry and a member page without their id."""
    entry_url, member_url, token = escape(entry_url), escape(member_url), escape(csrf_token)
    return Markup("".join(_item(item, entry_url, member_url, token) for item in items))  # noqa: S704 - escaped


def _item(item: PeerEntry, entry_url: str, member_url: str, token: str) -> str:
    entry, author = item.entry, item.author
    name = escape(author.display_name)
    avatar = f'<span class="avatar avatar-{escape(author.colour)}" aria-hidden="true">{escape(author.initials)}</span>'
    who = f'<a href="{member_url}{author.id}">{name}</a>' if author.id.int else f"<strong>{name}</strong>"
    hidden = '<span class="hint">· note kept private</span>' if item.note_hidden else ""
    html = [f'\n<div class="peer-entry" id="entry-{entry.ref}"><p class="peer-entry-head">'
            f'<span class="member-line">{avatar} {who}</span> <time datetime="{entry.occurred_at.isoformat()}">'
            f"{entry.local.strftime('%a %-d %b')}</time>{hidden}</p>",
            entry_card(entry, f"{entry_url}{entry.ref}", excerpt=True, hide_note=item.note_hidden)]
    if item.relation == "peer":
        html.append('<div class="reactions" role="group" aria-label="Send support">')
        action = f"{entry_url}{entry.ref}/react"
        for kind, label, count, mine in item.reaction_list:
            undo, pressed = (_UNDO, ' mine" aria-pressed="true') if mine else ("", '" aria-pressed="false')
            tally = f' <span class="count">{count}</span>' if count else ""
            html.append(f'<form method="post" action="{action}" class="inline-form">'
                        f'<input type="hidden" name="csrf_token" value="{token}">'
                        f'<input type="hidden" name="kind" value="{escape(kind)}">{undo}'
                        f'<input type="hidden" name="next" value="feed">'
                        f'<button type="submit" class="reaction{pressed}">{escape(label)}{tally}</button></form>')
        html.append("</div>")
    replies = item.comment_count
    link = (f"{replies} {'reply' if replies == 1 else 'replies'}") if replies else "Reply"
    html.append(f'</div>\n<p class="comment-link"><a href="{entry_url}{entry.ref}#comments">{link}</a></p>')
    return "".join(html)
