"""Reports, the moderators' queue and their actions: dismiss, hide the content, warn, suspend.

Moderators have no general access to entries. They see reported content only here, decrypted for them,
and each look is written to the content owner's access log ("reviewed reported content"). Every action
records who, when and why; the why is encrypted under the key of the member it concerns, who can read it.
"""
from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select

from journal import audit
from journal.accounts import User
from journal.auth import sign_out_everywhere
from journal.entries import Checkin
from journal.extensions import db, utcnow
from journal.keys import decrypt_or_placeholder, key_for, key_for_owner, keys_for
from journal.peers import comments, connections, notifications, profiles, sharing
from journal.peers.conditions import REPORT_REASONS
from journal.peers.errors import Invalid, NotFound
from journal.peers.models import HiddenEntry, ModerationAction, PeerComment, PeerProfile, PeerReport, Suspension
from journal.security import EntryAccess, entry_access

log = logging.getLogger(__name__)

DETAILS_MAX = 1000
WHY_MAX = 1000
KINDS = ("entry", "comment", "member")
ACTIONS = {
    "dismiss": "Dismiss: no breach",
    "hide": "Hide the content",
    "warn": "Warn the member",
    "suspend": "Suspend the account",
}
ACTIONS_FOR = {"entry": ("dismiss", "hide", "warn", "suspend"), "comment": ("dismiss", "hide", "warn", "suspend"),
               "member": ("dismiss", "warn", "suspend")}
SUSPENSIONS = {"7": timedelta(days=7), "30": timedelta(days=30), "0": None}  # "0": until lifted


# --- Reporting ------------------------------------------------------------------------------------


def _parse(raw) -> uuid.UUID:
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        raise NotFound("There is nothing here.") from None


def report_target(reporter: User, kind: str, raw_id) -> tuple[int, Checkin | None, PeerComment | None]:
    """(subject member, entry, comment) for something the reporter can see, else NotFound."""
    if kind == "entry":
        checkin = db.session.get(Checkin, _parse(raw_id))
        access = entry_access(reporter, checkin) if checkin else None
        if access is None or access.relation != "peer":
            raise NotFound("There is nothing here.")
        return checkin.owner_id, checkin, None
    if kind == "comment":
        comment = db.session.get(PeerComment, _parse(raw_id))
        checkin = db.session.get(Checkin, comment.checkin_id) if comment else None
        if comment is None or comment.hidden_at is not None or comment.author_id == reporter.id:
            raise NotFound("There is nothing here.")
        access = entry_access(reporter, checkin)
        if access is None or access.relation not in ("owner", "peer"):
            raise NotFound("There is nothing here.")
        return comment.author_id, checkin, comment
    if kind == "member":
        target = db.session.get(PeerProfile, _parse(raw_id))
        if target is None or target.user_id == reporter.id or not (
                connections.may_see_member(reporter, target)
                or connections.connection_between(reporter.id, target.user_id) is not None
                or connections.blocked_either_way(reporter.id, target.user_id)):
            raise NotFound("There is nothing here.")
        return target.user_id, None, None
    raise Invalid("Choose what you are reporting.", {"kind": "entry, comment or member"})


def file_report(reporter: User, kind: str, raw_id, reason: str, details: str = "",
                now: datetime | None = None) -> PeerReport:
    """Report an entry, a comment or a member; repeating an open report returns the first one."""
    now = now or utcnow()
    subject_id, checkin, comment = report_target(reporter, kind, raw_id)
    details = (details or "").strip()
    errors = {}
    if reason not in REPORT_REASONS:
        errors["reason"] = "Choose a reason."
    if len(details) > DETAILS_MAX:
        errors["details"] = f"Up to {DETAILS_MAX:,} characters."
    if errors:
        raise Invalid("Some answers need another look.", errors)
    same = select(PeerReport).where(PeerReport.reporter_id == reporter.id, PeerReport.subject_kind == kind,
                                    PeerReport.status == "open", PeerReport.subject_user_id == subject_id)
    if kind == "entry":
        same = same.where(PeerReport.checkin_id == checkin.id)
    elif kind == "comment":
        same = same.where(PeerReport.comment_id == comment.id)
    existing = db.session.scalar(same.limit(1))
    if existing is not None:
        return existing
    report = PeerReport(id=uuid.uuid4(), reporter_id=reporter.id, subject_kind=kind, subject_user_id=subject_id,
                        checkin_id=checkin.id if checkin else None, comment_id=comment.id if comment else None,
                        reason=reason, status="open", created_at=now)
    if details:
        report.details_ct = key_for(reporter).encrypt_text(details, table=f"{PeerReport.TABLE}.details_ct",
                                                                row_id=report.id)
    db.session.add(report)
    db.session.flush()
    return report


# --- The queue ------------------------------------------------------------------------------------


@dataclass
class QueueItem:
    report: PeerReport
    subject_name: str
    reason: str
    reports_about_subject: int


def queue(limit: int = 100) -> list[QueueItem]:
    """Open reports, oldest first, with how many open reports each member has against them."""
    counts = dict(db.session.execute(select(PeerReport.subject_user_id, func.count())
                                     .where(PeerReport.status == "open").group_by(PeerReport.subject_user_id)).all())
    rows = db.session.execute(select(PeerReport, User.display_name).join(User, User.id == PeerReport.subject_user_id)
                              .where(PeerReport.status == "open")
                              .order_by(PeerReport.created_at, PeerReport.id).limit(limit))
    return [QueueItem(report, name, REPORT_REASONS.get(report.reason, report.reason),
                      counts.get(report.subject_user_id, 0)) for report, name in rows]


@dataclass
class ReportDetail:
    report: PeerReport
    reason: str
    reporter_name: str
    details: str
    subject_card: profiles.PeerCard
    entry: sharing.PeerEntry | None = None
    comment: str | None = None
    profile: profiles.ProfileView | None = None
    content_gone: bool = False
    history: list[ActionView] = field(default_factory=list)
    suspended_until: str | None = None
    actions: tuple[str, ...] = ()


def get_report(raw_id) -> PeerReport:
    report = db.session.get(PeerReport, _parse(raw_id))
    if report is None:
        raise NotFound("There is nothing here.")
    return report


def detail(moderator: User, report: PeerReport, now: datetime | None = None) -> ReportDetail:
    """The reported content, decrypted for the moderator; the look goes into the owner's access log
    (a GET view that calls this is declared @journal.database.writes)."""
    now = now or utcnow()
    subject = db.session.get(User, report.subject_user_id)
    subject_profile = profiles.profile_of(subject.id)
    reporter = db.session.get(User, report.reporter_id) if report.reporter_id else None
    view = ReportDetail(
        report=report, reason=REPORT_REASONS.get(report.reason, report.reason),
        reporter_name=reporter.display_name if reporter else "A former member",
        details=decrypt_or_placeholder(key_for(reporter) if reporter else None, report.details_ct,
                                       table=PeerReport.TABLE, column="details_ct", row_id=report.id) or "",
        subject_card=profiles.card(subject, subject_profile) if subject_profile else sharing.placeholder_card(subject),
        history=history(subject.id), actions=ACTIONS_FOR[report.subject_kind],
    )
    suspension = db.session.get(Suspension, subject.id)
    if suspension and (suspension.until is None or suspension.until > now):
        view.suspended_until = "until lifted" if suspension.until is None else f"until {suspension.until:%d %b %Y}"
    checkin = db.session.get(Checkin, report.checkin_id) if report.checkin_id else None
    entry_count, day = 0, None
    if report.subject_kind == "entry":
        if checkin is None:
            view.content_gone = True
        else:
            # What the reporter could see: a hidden note stays hidden from the moderator too.
            view.entry = sharing.entry_for(moderator, checkin,
                                           EntryAccess("peer", see_note=not checkin.hide_note_from_peers))
            entry_count, day = 1, checkin.local_date
    elif report.subject_kind == "comment":
        comment = db.session.get(PeerComment, report.comment_id) if report.comment_id else None
        if comment is None:
            view.content_gone = True
        else:
            view.comment = comments.decrypt(comment) or comments.UNREADABLE
            entry_count = 1
    elif subject_profile is not None:
        view.profile = profiles.view_of(subject, subject_profile)
    if not view.content_gone:
        audit.record_access(owner_id=subject.id, viewer=moderator, action="moderation", entry_count=entry_count,
                            first_day=day, last_day=day, now=now)
    return view


# --- Acting ---------------------------------------------------------------------------------------


def _hide(report: PeerReport, action: ModerationAction, now: datetime) -> None:
    if report.subject_kind == "comment" and report.comment_id:
        comment = db.session.get(PeerComment, report.comment_id)
        if comment is not None:
            comment.hidden_at = now
    elif (report.subject_kind == "entry" and report.checkin_id
          and db.session.get(HiddenEntry, report.checkin_id) is None):
        db.session.add(HiddenEntry(checkin_id=report.checkin_id, action_id=action.id, hidden_at=now))
    notifications.create(report.subject_user_id, "content_hidden", action_id=action.id, now=now)


def _suspend(subject: User, action: ModerationAction, length: timedelta | None, now: datetime) -> None:
    row = db.session.get(Suspension, subject.id)
    if row is None:
        row = Suspension(user_id=subject.id)
        db.session.add(row)
    row.until = None if length is None else now + length
    row.action_id = action.id
    row.created_at = now
    sign_out_everywhere(subject)  # live sessions end on their next request


def _record(moderator: User, subject_id: int, action: str, why: str, report_id, now: datetime) -> ModerationAction:
    why = (why or "").strip()
    if not why:
        raise Invalid("Say why: it is kept with the action.", {"why": "Say why."})
    if len(why) > WHY_MAX:
        raise Invalid("Keep it shorter.", {"why": f"Up to {WHY_MAX:,} characters."})
    row = ModerationAction(id=uuid.uuid4(), report_id=report_id, moderator_id=moderator.id,
                           moderator_name=moderator.display_name, subject_user_id=subject_id, action=action,
                           created_at=now)
    row.why_ct = key_for_owner(subject_id).encrypt_text(why, table=f"{ModerationAction.TABLE}.why_ct",
                                                             row_id=row.id)
    db.session.add(row)
    db.session.flush()
    return row


def act(moderator: User, report: PeerReport, action: str, why: str, suspend_for: str | None = None,
        now: datetime | None = None) -> ModerationAction:
    """Handle a report (and every open report about the same thing); reporters learn it was handled."""
    now = now or utcnow()
    if report.status != "open":
        raise Invalid("That report was already handled.")
    if action not in ACTIONS_FOR[report.subject_kind]:
        raise Invalid("Choose an action.", {"action": "Choose one of the actions offered."})
    if action == "suspend" and suspend_for not in SUSPENSIONS:
        raise Invalid("Choose how long.", {"suspend_for": "7 days, 30 days, or until lifted."})
    subject = db.session.get(User, report.subject_user_id)
    record = _record(moderator, subject.id, action, why, report.id, now)
    if action == "hide":
        _hide(report, record, now)
    elif action == "warn":
        notifications.create(subject.id, "warning", action_id=record.id, now=now)
    elif action == "suspend":
        _suspend(subject, record, SUSPENSIONS[suspend_for], now)
    same = select(PeerReport).where(PeerReport.status == "open", PeerReport.subject_kind == report.subject_kind,
                                    PeerReport.subject_user_id == report.subject_user_id)
    if report.subject_kind == "entry" and report.checkin_id:
        same = same.where(PeerReport.checkin_id == report.checkin_id)
    elif report.subject_kind == "comment" and report.comment_id:
        same = same.where(PeerReport.comment_id == report.comment_id)
    elif report.subject_kind != "member":
        same = same.where(PeerReport.id == report.id)
    handled = set(db.session.scalars(same)) | {report}
    for row in handled:
        row.status = "dismissed" if action == "dismiss" else "actioned"
        row.handled_at = now
        if row.reporter_id is not None:
            notifications.create(row.reporter_id, "report_handled", now=now)
    return record


def lift_suspension(moderator: User, subject_id: int, why: str, now: datetime | None = None) -> ModerationAction:
    now = now or utcnow()
    row = db.session.get(Suspension, subject_id)
    if row is None:
        raise NotFound("That account is not suspended.")
    record = _record(moderator, subject_id, "lift", why, None, now)
    db.session.delete(row)
    return record


@dataclass
class ActionView:
    id: uuid.UUID
    action: str
    moderator: str
    subject: str
    why: str
    created_at: datetime


def _action_views(rows) -> list[ActionView]:
    rows = rows.all()
    keys = keys_for({row.subject_user_id for row, _ in rows if row.subject_user_id is not None})
    return [ActionView(row.id, row.action, row.moderator_name, name or "A former member",
                       decrypt_or_placeholder(keys.get(row.subject_user_id), row.why_ct,
                                              table=ModerationAction.TABLE, column="why_ct", row_id=row.id) or "",
                       row.created_at) for row, name in rows]


def history(subject_id: int, limit: int = 20) -> list[ActionView]:
    return _action_views(db.session.execute(
        select(ModerationAction, User.display_name).outerjoin(User, User.id == ModerationAction.subject_user_id)
        .where(ModerationAction.subject_user_id == subject_id)
        .order_by(ModerationAction.created_at.desc()).limit(limit)))


def action_log(limit: int = 100) -> list[ActionView]:
    """Every moderation action, newest first: who, when, what, about whom and why."""
    return _action_views(db.session.execute(
        select(ModerationAction, User.display_name).outerjoin(User, User.id == ModerationAction.subject_user_id)
        .order_by(ModerationAction.created_at.desc()).limit(limit)))


def reasons_for(user: User, items: list[notifications.NotificationView]) -> dict[int, str]:
    """The moderators' reasons behind a member's notifications, by notification id (one query): each is
    encrypted under the key of the member it concerns, so only theirs can be read."""
    action_ids = {item.action_id for item in items if item.action_id}
    if not action_ids:
        return {}
    key = key_for(user)
    why = {row.id: decrypt_or_placeholder(key, row.why_ct, table=ModerationAction.TABLE, column="why_ct",
                                          row_id=row.id) or ""
           for row in db.session.scalars(select(ModerationAction).where(
               ModerationAction.id.in_(action_ids), ModerationAction.subject_user_id == user.id))}
    return {item.id: why[item.action_id] for item in items if item.action_id in why}


def suspension_refusal(user: User) -> str | None:
    """The session guard: why a suspended account may not sign in now, or None."""
    row = db.session.get(Suspension, user.id)
    if row is None or (row.until is not None and row.until <= utcnow()):
        return None
    until = "until a moderator lifts it" if row.until is None else f"until {row.until:%-d %B %Y}"
    return (f"This account is suspended {until}, because of how it was used with peers. Your journal is safe. "
            "If you need help now, the “Get help now” page lists crisis lines.")


def on_session_requested(app, user: User) -> str | None:
    """Receiver of journal.signals.session_requested: a suspended account gets no session."""
    return suspension_refusal(user)
