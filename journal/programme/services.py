"""Programme report domain functions: the opt-in, and gathering what report.build needs within one request.

Only opted-in members who keep a journal are read; only dates and counts leave the database (never a
payload), and the questionnaire pairs and peer connections that features send back by signal are used only
to compute aggregates here and are dropped with the request.
"""
from __future__ import annotations

import csv
import io
import math
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, func, select

from journal import signals
from journal.accounts import User
from journal.entries import Checkin
from journal.extensions import db
from journal.programme import report
from journal.programme.models import ProgrammeParticipant
from journal.security import JOURNAL_KEEPERS


def is_counted(user_id: int) -> bool:
    return db.session.get(ProgrammeParticipant, user_id) is not None


def set_counted(user_id: int, counted: bool, now: datetime) -> None:
    """Opt in (a row), or withdraw (no row): the next report no longer counts the member."""
    if counted:
        if db.session.get(ProgrammeParticipant, user_id) is None:
            db.session.add(ProgrammeParticipant(user_id=user_id, joined_at=now))
    else:
        db.session.execute(delete(ProgrammeParticipant).where(ProgrammeParticipant.user_id == user_id))
    db.session.flush()


def _members(now: datetime) -> list[report.Member]:
    window = now - timedelta(weeks=report.RATE_WEEKS)
    checkins = (
        select(Checkin.owner_id.label("owner_id"), func.max(Checkin.created_at).label("last"),
               func.count().filter(and_(Checkin.created_at >= window, Checkin.created_at <= now)).label("recent"))
        .where(Checkin.created_at <= now).group_by(Checkin.owner_id).subquery()
    )
    rows = db.session.execute(
        select(User.id, User.created_at, checkins.c.last, checkins.c.recent)
        .join(ProgrammeParticipant, ProgrammeParticipant.user_id == User.id)
        .outerjoin(checkins, checkins.c.owner_id == User.id)
        .where(User.role.in_(JOURNAL_KEEPERS), User.created_at <= now)
    )
    return [report.Member(id=row.id, registered_at=row.created_at, last_checkin_at=row.last,
                          checkins_in_rate_window=row.recent or 0) for row in rows]


def _connected(ids: frozenset[int]) -> frozenset[int] | None:
    answers = signals.answers(signals.programme_cohorts_requested, member_ids=ids)
    if not answers:
        return None
    return frozenset(i for answer in answers for i in answer if i in ids)


def _outcomes(ids: frozenset[int], now: datetime) -> dict[str, dict[int, tuple[float, float]] | None] | None:
    """Per instrument, the pairs the questionnaire feature answered (None for an instrument nobody answered
    for); None if nobody answered for any."""
    window = signals.OutcomeWindow(until=now)
    outcomes: dict[str, dict[int, tuple[float, float]] | None] = {}
    for code, _, _ in report.INSTRUMENTS:
        answers = signals.answers(signals.programme_outcomes_requested, member_ids=ids, instrument=code,
                                  window=window)
        pairs: dict[int, tuple[float, float]] = {}
        for answer in answers:
            for member_id, pair in answer.items():
                if member_id in ids and member_id not in pairs and _valid(pair):
                    pairs[member_id] = (float(pair[0]), float(pair[1]))
        outcomes[code] = pairs if answers else None
    return outcomes if any(pairs is not None for pairs in outcomes.values()) else None


def _valid(pair) -> bool:
    try:
        baseline, follow_up = pair
        return math.isfinite(float(baseline)) and math.isfinite(float(follow_up))
    except (TypeError, ValueError):
        return False


def build_report(now: datetime) -> report.Report:
    """The report as it stands at `now`, over the members opted in at that moment."""
    members = _members(now)
    ids = frozenset(m.id for m in members)
    return report.build(members, now, connected=_connected(ids), outcomes=_outcomes(ids, now))


SUPPRESSED = "suppressed"


def report_csv(built: report.Report) -> str:
    """The report's figures as CSV, with the same cells suppressed as on the page."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["section", "figure", "members", "count", "estimate", "ci95_low", "ci95_high", "unit", "note"])
    for figure in built.figures:
        members = figure.n if figure.n_shown else SUPPRESSED
        if figure.shown:
            values = [_number(figure.count), _number(figure.estimate), _number(figure.low), _number(figure.high)]
        else:
            values = [SUPPRESSED] * 4 if figure.unit else [SUPPRESSED, "", "", ""]
        writer.writerow([figure.section, figure.label, members, *values, figure.unit,
                         "; ".join(filter(None, [figure.note, "association, not effect"]))])
    writer.writerow([])
    # One comment line, without commas (so a spreadsheet keeps it in one cell and readers can skip "#" lines).
    writer.writerow(["# Aggregates of members who opted in at " + built.now.strftime("%Y-%m-%d %H:%M UTC")
                     + ". Suppressed: fewer than 10 members or a number from which a group of fewer than 10 "
                     "could be worked out. Associations not effects."])
    return out.getvalue()


def _number(value) -> str:
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    return f"{value:.3f}"
