"""Crisis language: when what a member writes matches the configured phrase list, show THEM crisis resources.

It never blocks the writer, never tells anyone else, and stores nothing: the check runs on the text while
it is being saved and only decides whether the writer sees a gentle banner. Phrases come from
`CRISIS_PHRASES` (env `JOURNAL_CRISIS_PHRASES`, a JSON list); matching ignores case, apostrophes, hyphens
and extra spaces, and matches whole words.
"""
from __future__ import annotations

import re
from functools import cache

from flask import current_app, flash

# Default phrases (English). Deployments in other languages add their own through the environment.
DEFAULT_PHRASES = (
    "kill myself", "killing myself", "end my life", "ending my life", "take my own life", "take my life",
    "want to die", "wanna die", "wish i was dead", "wish i were dead", "better off dead", "better off without me",
    "suicide", "suicidal", "no reason to live", "nothing to live for", "cant go on", "can't go on anymore",
    "hurt myself", "hurting myself", "harm myself", "self harm", "self-harm", "cut myself", "cutting myself",
    "overdose", "end it all", "don't want to be here anymore", "dont want to wake up", "don't want to be alive",
    "no way out",
)

SUPPORT_MESSAGE = ("It sounds like things might be really hard right now. You don't have to face this alone: "
                   "people are ready to listen, any time.")
CATEGORY = "crisis"


def _normalise(text: str) -> str:
    text = text.casefold().replace("\u2019", "'").replace("\u2018", "'").replace("'", "")
    text = re.sub(r"[-\u2010-\u2015_]", " ", text)
    return " ".join(text.split())


@cache
def _pattern(phrases: tuple[str, ...]) -> re.Pattern | None:
    words = sorted({_normalise(p) for p in phrases if p and p.strip()}, key=len, reverse=True)
    if not words:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b")


def matches(text: str | None, phrases) -> bool:
    """Whether the text contains one of the phrases (pure; used by needs_support and the tests)."""
    pattern = _pattern(tuple(phrases))
    return bool(text and pattern and pattern.search(_normalise(text)))


def phrases() -> tuple[str, ...]:
    """The configured phrase list (also shipped with the offline check-in page, for offline.js)."""
    return tuple(current_app.config.get("CRISIS_PHRASES") or DEFAULT_PHRASES)


def needs_support(text: str | None) -> bool:
    return matches(text, phrases())


def offer_support(text: str | None) -> bool:
    """If the writer's text matches, queue the crisis banner for their next page (for them alone)."""
    if needs_support(text):
        flash(SUPPORT_MESSAGE, CATEGORY)
        return True
    return False
