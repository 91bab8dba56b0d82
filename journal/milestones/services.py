"""Recovery counters: create, read (decrypting the payload once), acknowledge new milestones, start again,
delete; share a milestone with the peer circle, and the support peers send. Services take explicit
arguments, add and flush, raise DomainErrors, and never commit (the request does)."""
from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, select

from journal import crypto, signals, timekeeping
from journal.accounts import User
from journal.domain import DomainError, ValidationError
from journal.extensions import db, utcnow
from journal.keys import decrypt_or_placeholder, key_for, keys_for
from journal.milestones.counting import MILESTONES, Progress, progress
from journal.milestones.models import Counter, MilestoneReaction, MilestoneShare
from journal.reactions import REACTIONS

LABEL_MAX = 60
PAYLOAD = crypto.label(Counter.TABLE, "payload_ct")
SHARED_LABEL = crypto.label(MilestoneShare.TABLE, "label_ct")
OLDEST_START = timedelta(days=100 * 366)
FEED_SIZE = 50


class NotFound(DomainError):
    """Nothing the member may see has that id (a 404: it confirms nothing)."""


# --- A counter as its owner reads it ------------------------------------------------------------------


@dataclass
class Run:
    start: date
    end: date
    days: int


@dataclass
class ShareView:
    id: uuid.UUID
    days: int
    with_label: bool
    created_at: datetime
    reactions: dict[str, int] = field(default_factory=dict)

    @property
    def reaction_total(self) -> int:
        return sum(self.reactions.values())


@dataclass
class CounterView:
    row: Counter
    label: str
    start: date
    seen: int
    runs: list[Run]
    progress: Progress
    shares: list[ShareView] = field(default_factory=list)
    run_started_at: datetime | None = None  # the UTC start of the current run's first local day

    @property
    def id(self) -> uuid.UUID:
        return self.row.id

    @property
    def longest(self) -> int:
        return max([self.progress.days, *(run.days for run in self.runs)])

    @property
    def shared_now(self) -> dict[int, ShareView]:
        """This run's shared milestones, by number."""
        return {s.days: s for s in self.shares if self.run_started_at and s.created_at >= self.run_started_at}


def _payload(label: str, start: date, seen: int, runs: list[Run]) -> dict:
    return {"label": label, "start": start.isoformat(), "seen": seen,
            "runs": [{"start": r.start.isoformat(), "end": r.end.isoformat(), "days": r.days} for r in runs]}


def _seal(user: User, counter: Counter, payload: dict) -> None:
    counter.payload_ct = key_for(user).encrypt_json(payload, table=PAYLOAD, row_id=counter.id)


def _open(user: User, counter: Counter, today: date) -> CounterView:
    data = key_for(user).decrypt_json(counter.payload_ct, table=PAYLOAD, row_id=counter.id)
    start = date.fromisoformat(data["start"])
    runs = [Run(date.fromisoformat(r["start"]), date.fromisoformat(r["end"]), int(r["days"]))
            for r in data.get("runs", [])]
    run_started_at = timekeeping.day_bounds(start, user.timezone or "UTC")[0]
    return CounterView(counter, data["label"], start, int(data.get("seen", 0)), runs, progress(start, today),
                       run_started_at=run_started_at)


def today_for(user: User, now: datetime | None = None) -> date:
    """The member's local day (their saved zone; UTC when they have none)."""
    return timekeeping.today_in(user.timezone or "UTC", now)


def parse_label(raw: str | None) -> str:
    label = " ".join((raw or "").split())
    if not label:
        raise ValidationError({"label": "Give this counter a name, in your own words."})
    if len(label) > LABEL_MAX:
        raise ValidationError({"label": f"Keep the name to {LABEL_MAX} characters or fewer."})
    return label


def check_start(start: date | None, today: date, name: str = "start") -> date:
    if start is None:
        raise ValidationError({name: "Choose the day you started, like 2026-03-08."})
    if start > today:
        raise ValidationError({name: "Choose today or an earlier day: the counter counts days already lived."})
    if start < today - OLDEST_START:
        raise ValidationError({name: "Choose a day within the last hundred years."})
    return start


def create_counter(user: User, label: str, start: date, today: date) -> Counter:
    """A new counter; milestones the start date already reaches are acknowledged on the next visit."""
    label, start = parse_label(label), check_start(start, today)
    counter = Counter(id=uuid.uuid4(), owner_id=user.id, created_at=utcnow())
    _seal(user, counter, _payload(label, start, 0, []))
    db.session.add(counter)
    db.session.flush()
    return counter


def _shares(counter_ids: list[uuid.UUID], owner: User) -> dict[uuid.UUID, list[ShareView]]:
    """Each counter's shares with the support they received from the owner's circle now (2 queries)."""
    by_counter: dict[uuid.UUID, list[ShareView]] = defaultdict(list)
    if not counter_ids:
        return by_counter
    by_id = {}
    for row in db.session.scalars(select(MilestoneShare).where(MilestoneShare.counter_id.in_(counter_ids),
                                                               MilestoneShare.owner_id == owner.id)
                                  .order_by(MilestoneShare.created_at)):
        view = ShareView(row.id, row.days, row.label_ct is not None, row.created_at)
        by_counter[row.counter_id].append(view)
        by_id[row.id] = view
    _count_reactions(by_id, signals.peer_circle(owner) if by_id else frozenset())
    return by_counter


def _count_reactions(by_id: dict[uuid.UUID, ShareView], reactors: frozenset[int]) -> None:
    """Reaction counts per share, counting only people in `reactors` (a block takes their support away)."""
    if not by_id or not reactors:
        return
    for share_id, kind, count in db.session.execute(
            select(MilestoneReaction.share_id, MilestoneReaction.kind, func.count())
            .where(MilestoneReaction.share_id.in_(list(by_id)), MilestoneReaction.user_id.in_(list(reactors)))
            .group_by(MilestoneReaction.share_id, MilestoneReaction.kind)):
        by_id[share_id].reactions[kind] = count


def counters_of(user: User, today: date) -> list[CounterView]:
    """The member's counters, oldest first, decrypted, with their shares."""
    rows = db.session.scalars(select(Counter).where(Counter.owner_id == user.id)
                              .order_by(Counter.created_at, Counter.id)).all()
    views = [_open(user, row, today) for row in rows]
    shares = _shares([v.id for v in views], user)
    for view in views:
        view.shares = shares.get(view.id, [])
    return views


def counter_of(user: User, counter_id: uuid.UUID, today: date) -> CounterView:
    row = db.session.get(Counter, counter_id)
    if row is None or row.owner_id != user.id:
        raise NotFound("That counter is not there.")
    view = _open(user, row, today)
    view.shares = _shares([row.id], user).get(row.id, [])
    return view


def acknowledge(user: User, views: list[CounterView]) -> list[tuple[CounterView, int]]:
    """The milestones reached since the member last looked: (counter, the highest new one) each, marked seen."""
    news = []
    for view in views:
        new = [m for m in view.progress.reached if m > view.seen]
        if new:
            news.append((view, new[-1]))
            view.seen = new[-1]
            _seal(user, view.row, _payload(view.label, view.start, view.seen, view.runs))
    return news


def start_again(user: User, view: CounterView, new_start: date, today: date) -> int:
    """Begin a new run from `new_start` (today or an earlier day). The run before is kept in the counter's
    private history; returns its length in days, which still count."""
    new_start = check_start(new_start, today, "start")
    if new_start < view.start:
        raise ValidationError({"start": f"Choose {view.start.isoformat()} or a later day: this count began then."})
    earlier = Run(view.start, new_start, max(0, (new_start - view.start).days))
    runs = [*view.runs, earlier]
    _seal(user, view.row, _payload(view.label, new_start, 0, runs))
    return earlier.days


def delete_counter(user: User, view: CounterView) -> None:
    """The counter, its history, its shares and their support: gone."""
    db.session.delete(view.row)
    db.session.flush()


# --- Sharing a milestone with peers -------------------------------------------------------------------


def share(user: User, view: CounterView, days: int, with_label: bool, now: datetime) -> MilestoneShare:
    """Share one milestone this run reached with the member's peer circle (never automatic)."""
    if days not in MILESTONES or days not in view.progress.reached:
        raise ValidationError({"days": "Share a milestone this counter has reached."})
    if days in view.shared_now:
        raise ValidationError({"days": "You already shared this milestone."})
    row = MilestoneShare(id=uuid.uuid4(), counter_id=view.id, owner_id=user.id, days=days, created_at=now)
    if with_label:
        row.label_ct = key_for(user).encrypt_text(view.label, table=SHARED_LABEL, row_id=row.id)
    db.session.add(row)
    db.session.flush()
    return row


def unshare(user: User, view: CounterView, share_id: uuid.UUID) -> None:
    """Stop sharing: peers no longer see the card, and the support it received goes with it."""
    deleted = db.session.execute(delete(MilestoneShare).where(
        MilestoneShare.id == share_id, MilestoneShare.counter_id == view.id, MilestoneShare.owner_id == user.id))
    if not deleted.rowcount:
        raise NotFound("That shared milestone is not there.")


@dataclass
class SharedCard:
    """A milestone a peer shared, as the viewer sees it."""

    id: uuid.UUID
    name: str
    days: int
    label: str | None
    created_at: datetime
    reactions: dict[str, int] = field(default_factory=dict)
    mine: set[str] = field(default_factory=set)

    @property
    def reaction_list(self) -> list[tuple[str, str, int, bool]]:
        return [(kind, label, self.reactions.get(kind, 0), kind in self.mine) for kind, label in REACTIONS.items()]


def shared_with(viewer: User, limit: int = FEED_SIZE) -> list[SharedCard]:
    """Milestones the viewer's peer circle shared, newest first (nothing without the peers feature)."""
    circle = signals.peer_circle(viewer)
    if not circle:
        return []
    rows = db.session.execute(
        select(MilestoneShare, User.display_name).join(User, User.id == MilestoneShare.owner_id)
        .where(MilestoneShare.owner_id.in_(list(circle)))
        .order_by(MilestoneShare.created_at.desc(), MilestoneShare.id).limit(limit)).all()
    keys = keys_for({row.owner_id for row, _ in rows if row.label_ct is not None})
    cards = {row.id: SharedCard(row.id, name, row.days, None if row.label_ct is None else decrypt_or_placeholder(
        keys.get(row.owner_id), row.label_ct, table=MilestoneShare.TABLE, column="label_ct", row_id=row.id),
        row.created_at) for row, name in rows}
    if cards:
        for share_id, kind, count in db.session.execute(
                select(MilestoneReaction.share_id, MilestoneReaction.kind, func.count())
                .where(MilestoneReaction.share_id.in_(list(cards)),
                       MilestoneReaction.user_id.in_([*circle, viewer.id]))
                .group_by(MilestoneReaction.share_id, MilestoneReaction.kind)):
            cards[share_id].reactions[kind] = count
        for share_id, kind in db.session.execute(
                select(MilestoneReaction.share_id, MilestoneReaction.kind)
                .where(MilestoneReaction.share_id.in_(list(cards)), MilestoneReaction.user_id == viewer.id)):
            cards[share_id].mine.add(kind)
    return list(cards.values())


def _visible_share(viewer: User, share_id: uuid.UUID) -> MilestoneShare:
    row = db.session.get(MilestoneShare, share_id)
    if row is None or row.owner_id == viewer.id or row.owner_id not in signals.peer_circle(viewer):
        raise NotFound("That milestone is not shared with you.")
    return row


def react(viewer: User, share_id: uuid.UUID, kind: str, now: datetime) -> bool:
    """Toggle one kind of support on a peer's shared milestone; True when it is now on. The owner gets a
    generic notification when support arrives (never who, never which counter)."""
    if kind not in REACTIONS:
        raise ValidationError({"kind": "Choose one of the offered reactions."})
    row = _visible_share(viewer, share_id)
    existing = db.session.get(MilestoneReaction, (row.id, viewer.id, kind))
    if existing is not None:
        db.session.delete(existing)
        return False
    db.session.add(MilestoneReaction(share_id=row.id, user_id=viewer.id, kind=kind, created_at=now))
    db.session.flush()
    signals.notify_member(user_id=row.owner_id, event="reaction", path=f"/milestones/{row.counter_id}")
    return True
