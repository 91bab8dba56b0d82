"""What the member recorded last time, for hints beside each item on the next check-in.

Nothing here is ever selected for the member: the form shows these values as hints, and fills them in only
when the member taps "Same as last time" (see templates/entries/_checkin_form.html and static/js/checkin.js).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from journal.accounts import User
from journal.entries import services
from journal.entries.tracking import Catalog

LOOK_BACK = 20  # check-ins searched for each item's last recording: a page, one indexed read


@dataclass
class LastTime:
    """Each symptom's most recent recording (severity, when), and the medications of the most recent check-in
    that recorded any (id -> dose): a medication missing there was not taken that time."""

    symptoms: dict[str, tuple[int, datetime]] = field(default_factory=dict)
    meds: dict[str, str] = field(default_factory=dict)
    meds_when: datetime | None = None
    latest: datetime | None = None

    def symptom_values(self) -> dict[str, int]:
        return {symptom_id: severity for symptom_id, (severity, _) in self.symptoms.items()}


def last_time(user: User, catalog: Catalog) -> LastTime | None:
    """The member's last recordings among their newest check-ins; None before their first check-in."""
    views = [v for v in services.list_checkins(user, limit=LOOK_BACK, catalog=catalog).entries if v.readable]
    if not views:
        return None
    last = LastTime(latest=views[0].local)
    for view in views:  # newest first: the first recording of each item is its latest
        for reading in view.symptoms:
            last.symptoms.setdefault(str(reading.id), (reading.severity, view.local))
        if view.medications and last.meds_when is None:
            last.meds = {str(m): dose for m, _, dose in view.medications}
            last.meds_when = view.local
    return last
