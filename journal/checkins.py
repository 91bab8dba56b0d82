"""A check-in as the app reads it, on the kernel floor: decrypted for display, what templates, the API,
charts, reports and exports render. The journal builds them (journal/entries/services.py); peers and
clinicians show the ones they may see.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from journal import scales


@dataclass(slots=True)
class SymptomReading:
    id: str
    name: str
    severity: int

    @property
    def label(self) -> str:
        return scales.SEVERITY.label(self.severity)


@dataclass(slots=True)
class CheckinView:
    """A check-in decrypted for display: what templates and the API render."""

    id: uuid.UUID
    occurred_at: datetime
    timezone: str
    local: datetime
    local_date: date
    created_at: datetime | None  # None on timeline pages, which do not show them
    updated_at: datetime | None
    readable: bool = True
    mood: int | None = None
    energy: int | None = None
    pain: int | None = None
    sleep_hours: float | None = None
    symptoms: list[SymptomReading] = field(default_factory=list)
    tags: list[tuple[str, str]] = field(default_factory=list)  # (id, name)
    medications: list[tuple[str, str, str]] = field(default_factory=list)  # (id, name, dose)
    note: str = ""
    share_peers: bool = False
    share_clinicians: bool = False
    hide_note_from_peers: bool = False
    owner_id: int | None = None
    ref: str = ""  # the id, as text (made once: links and the ciphertext's bound data both need it)

    @property
    def mood_label(self):
        return scales.MOOD.label(self.mood)

    @property
    def mood_face(self):
        return scales.MOOD.face(self.mood)

    @property
    def energy_label(self):
        return scales.ENERGY.label(self.energy)

    @property
    def pain_label(self):
        return scales.PAIN.label(self.pain)
