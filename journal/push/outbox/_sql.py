"""What the outbox's steps share: the backend's dialect, its INSERT, `IN` lists that stay one parameter, and
which members checked in when."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import any_, bindparam, func, select
from sqlalchemy.dialects import postgresql, sqlite

from journal.entries import Checkin
from journal.extensions import db


def postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


def insert(model):
    return (postgresql.insert if postgres() else sqlite.insert)(model)


def among(column, values):
    """`column IN values`; on PostgreSQL `= ANY(array)`, one parameter however long the list (psycopg
    parses every statement, and a thousand placeholders make that the slowest part of a batch)."""
    values = list(values)
    if postgres():
        return column == any_(bindparam(None, values, type_=postgresql.ARRAY(column.type)))
    return column.in_(values)


def checkins(user_ids, now: datetime) -> tuple[set, dict]:
    """For these members: the (member, local day) pairs with a check-in in the last few days, and each
    member's latest check-in instant. Two set-based queries, whatever the number of members."""
    days = set(db.session.execute(select(Checkin.owner_id, Checkin.local_date).where(
        among(Checkin.owner_id, user_ids),
        Checkin.local_date >= (now - timedelta(days=3)).date()).distinct()).all())
    latest = dict(db.session.execute(
        select(Checkin.owner_id, func.max(Checkin.created_at)).where(among(Checkin.owner_id, user_ids))
        .group_by(Checkin.owner_id)).all())
    return days, latest
