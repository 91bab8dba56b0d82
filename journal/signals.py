"""How features reach each other: declared signals (blinker, which ships with Flask), all in one place.

A feature never calls into another to cause an effect there. It sends a signal, and the features that care
connect their receivers in their own `init_app`, with the app as sender: an app built without a feature
simply has nobody listening (tests/test_features.py builds one without peers and clinicians).
Senders use the helpers below, which also gather the answers of receivers that return one.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple
from uuid import UUID

from blinker import Namespace
from flask import current_app

_signals = Namespace()

# A new member's account exists (user=User), inside the registration's transaction. The journal gives
# them a few starting tags.
member_registered = _signals.signal("member-registered")

# Tell a member something happened (user_id, event, path): only an event name and a same-origin path,
# never content. The push feature queues a generic notification for their devices.
member_notified = _signals.signal("member-notified")

# May this account have a session? (user=User) Receivers answer a reason to refuse it, or None. Peers
# refuses suspended accounts.
session_requested = _signals.signal("session-requested")

# How may `viewer` see another member's `checkin`? Receivers answer a security.EntryAccess or None; the
# first that grants access wins (peers: shared with a connection; clinicians: in a live grant's scope).
entry_access_requested = _signals.signal("entry-access-requested")

# Panels other features add to the member's own entry page (entry=CheckinView, form=the page's CSRF form):
# receivers answer Markup (peers: sharing with peers and the replies link).
entry_page_opened = _signals.signal("entry-page-opened")

# Which member's data may this clinician look at under grant `grant_id` (viewer=User, grant_id=str)? Receivers
# answer the owner (a User) while that clinician holds the live grant, else None (clinicians). Features with
# data of their own for clinicians (questionnaires) ask, then check the member's own sharing choice.
patient_requested = _signals.signal("patient-requested")
# Which clinicians may look at a member's work now? (owner_id=int or clinician_id=int, one of them) Receivers
# answer a list of LiveGrant, one per live grant (clinicians). The safety plan asks, to offer sharing and to
# check it on every look.
live_grants_requested = _signals.signal("live-grants-requested")


class LiveGrant(NamedTuple):
    """A clinician's live access to a member: the names are the ones each side knows the other by."""

    grant_id: UUID
    owner_id: int
    clinician_id: int
    clinician_name: str
    patient_name: str
# Who is in this member's peer circle now? (user=User) Receivers answer a set of user ids: the members who
# may see what `user` shares with peers and whose shares `user` may see (peers: accepted connections, both
# taking part, no block either way, nobody suspended). Milestones shows shared milestones to them only.
peer_circle_requested = _signals.signal("peer-circle-requested")


# --- The programme report (journal/programme) ------------------------------------------------------------
# Both are asked only about members who opted in to the report, and only within the admin's request that
# builds it; what comes back is aggregated there and never stored, logged or shown per member.

# Which of these members have at least one peer connection? (member_ids=frozenset[int]) Receivers answer a
# set of member ids (a subset of member_ids) who have at least one accepted peer connection now, or None.
# Peers answers. With nobody answering (an app built without peers) the report omits the with/without split.
programme_cohorts_requested = _signals.signal("programme-cohorts-requested")


@dataclass(frozen=True)
class OutcomeWindow:
    """What "the change over 8 weeks" means for programme_outcomes_requested.

    Baseline: the member's first completed response to the instrument. Follow-up: of their later responses,
    the one completed closest to baseline + `follow_up_days`, within `tolerance_days` either side (ties: the
    earlier one). A member with no response in that window has no pair and is left out. Both responses must
    be completed on or before `until` (the instant the report is built)."""

    follow_up_days: int = 56
    tolerance_days: int = 14
    until: datetime | None = None  # a timezone-aware instant (UTC); None means now


# The change in a questionnaire score over 8 weeks, for the programme report (member_ids=frozenset[int],
# instrument=str, window=OutcomeWindow). Instrument codes: "WHO-5" (0–100 %, as the member sees it),
# "UCLA-3" (3–9), "MSPSS" (mean of 12 items, 1–7); more may be added to programme.INSTRUMENTS. A receiver that holds the
# instrument answers a dict {member_id: (baseline_score, follow_up_score)} (floats, the instrument's total
# score as the questionnaire feature reports it; only members in member_ids and with a pair per the window),
# or None if it does not hold that instrument. The report merges the answers (the first answer for a member
# wins) and computes the change (follow-up minus baseline) and its interval itself. With nobody answering,
# the report says "no questionnaire data (questionnaires not enabled)".
programme_outcomes_requested = _signals.signal("programme-outcomes-requested")


def answers(signal, **kwargs) -> list:
    """Send `signal` for the current app and return the receivers' answers that are not None, in the
    order the receivers were connected."""
    results = signal.send(current_app._get_current_object(), **kwargs)
    return [value for _, value in results if value is not None]


def first_answer(signal, **kwargs):
    """The first receiver's answer that is not None, or None; the receivers after it are not asked."""
    app = current_app._get_current_object()
    for receiver in signal.receivers_for(app):
        value = receiver(app, **kwargs)
        if value is not None:
            return value
    return None


def peer_circle(user) -> frozenset[int]:
    """The ids of the member's peer circle (see peer_circle_requested); empty without the peers feature."""
    circle: set[int] = set()
    for answer in answers(peer_circle_requested, user=user):
        circle |= answer
    return frozenset(circle)


def notify_member(*, user_id: int, event: str, path: str) -> None:
    """Tell a member something happened (see member_notified); nothing happens without the push feature."""
    member_notified.send(current_app._get_current_object(), user_id=user_id, event=event, path=path)
