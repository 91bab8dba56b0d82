"""Taking, reading and scheduling questionnaires: domain functions with explicit arguments (never commit)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, select

from journal import crypto, signals
from journal.accounts import User
from journal.domain import DomainError, ValidationError
from journal.extensions import db, utcnow
from journal.keys import key_for, keys_for
from journal.questionnaires.instruments import INSTRUMENTS, Band, Instrument, MissingAnswers, Score, parse, score
from journal.questionnaires.models import QuestionnaireResponse, QuestionnaireSchedule, QuestionnaireSettings
from journal.timekeeping import local_datetime, local_day

TABLE = QuestionnaireResponse.TABLE
MAX_EVERY_WEEKS = 52


class UnknownInstrument(DomainError):
    """No questionnaire has that code."""


@dataclass(frozen=True)
class Result:
    """One response as its owner (or someone they shared it with) reads it."""

    id: uuid.UUID
    instrument: Instrument
    taken_at: datetime  # UTC
    local_at: datetime  # in the owner's zone
    answers: dict[str, int]
    total: float
    band: Band
    flags: tuple[str, ...]
    subscales: dict[str, float]

    @property
    def item9(self) -> bool:
        return "item9" in self.flags

    @property
    def low_wellbeing(self) -> bool:
        return self.instrument.code == "who5" and (self.total < 50 or "low_item" in self.flags)


def instrument(code: str) -> Instrument:
    try:
        return INSTRUMENTS[code]
    except KeyError:
        raise UnknownInstrument("There is no questionnaire with that name.") from None


def submit(user: User, code: str, form, now: datetime) -> Result:
    """Score and store one completed questionnaire, encrypted under the member's data key. Missing or
    unknown answers raise ValidationError (item key -> message) and nothing is stored."""
    chosen = instrument(code)
    try:
        answers = parse(chosen, form)
    except MissingAnswers as exc:
        raise ValidationError(exc.fields, "Some questions still need an answer.") from None
    result = score(chosen, answers)
    row = QuestionnaireResponse(id=uuid.uuid4(), owner_id=user.id, instrument=chosen.code, taken_at=now)
    row.payload_ct = key_for(user).encrypt_json(_payload(answers, result), table=TABLE, row_id=row.id)
    db.session.add(row)
    db.session.flush()
    return _result(chosen, row, _payload(answers, result), user.timezone)


def _payload(answers: dict[str, int], result: Score) -> dict:
    return {"answers": answers, "total": result.total, "raw": result.raw, "band": result.band.name,
            "flags": list(result.flags), "subscales": result.subscales}


def _result(chosen: Instrument, row: QuestionnaireResponse, payload: dict, tz: str) -> Result:
    band = next((b for b in chosen.bands if b.name == payload["band"]), None) or score(chosen, payload["answers"]).band
    return Result(id=row.id, instrument=chosen, taken_at=row.taken_at, local_at=local_datetime(row.taken_at, tz),
                  answers=payload["answers"], total=payload["total"], band=band, flags=tuple(payload["flags"]),
                  subscales=payload.get("subscales") or {})


def _decrypt(owner: User, rows) -> list[Result]:
    key, out = key_for(owner), []
    for row in rows:
        try:
            payload = key.decrypt_json(row.payload_ct, table=TABLE, row_id=row.id)
        except (crypto.DecryptionError, ValueError):
            continue  # a row that does not decrypt is left out of results and trends, never shown as a score
        out.append(_result(INSTRUMENTS[row.instrument], row, payload, owner.timezone))
    return out


def results(owner: User, code: str | None = None, *, since: datetime | None = None) -> list[Result]:
    """The owner's responses, oldest first (one instrument's, or all), decrypted with the owner's key. The
    caller has decided the reader may see them."""
    query = select(QuestionnaireResponse).where(QuestionnaireResponse.owner_id == owner.id)
    if code is not None:
        query = query.where(QuestionnaireResponse.instrument == code)
    if since is not None:
        query = query.where(QuestionnaireResponse.taken_at >= since)
    rows = db.session.scalars(query.order_by(QuestionnaireResponse.taken_at, QuestionnaireResponse.id)).all()
    return _decrypt(owner, [r for r in rows if r.instrument in INSTRUMENTS])


def own_result(owner: User, response_id: uuid.UUID) -> Result | None:
    """One of the owner's own responses, or None (another member's, or none: the caller answers 404)."""
    row = db.session.get(QuestionnaireResponse, response_id)
    if row is None or row.owner_id != owner.id or row.instrument not in INSTRUMENTS:
        return None
    found = _decrypt(owner, [row])
    return found[0] if found else None


def delete_response(owner: User, response_id: uuid.UUID) -> bool:
    """Delete one of the owner's responses; False if it is not theirs."""
    done = db.session.execute(delete(QuestionnaireResponse).where(
        QuestionnaireResponse.id == response_id, QuestionnaireResponse.owner_id == owner.id))
    return bool(done.rowcount)


# --- Schedules ---------------------------------------------------------------------------------------------


def schedules(owner_id: int) -> dict[str, int]:
    """Every instrument's interval in weeks for this member (0: off), defaults filled in."""
    chosen = dict(db.session.execute(select(QuestionnaireSchedule.instrument, QuestionnaireSchedule.every_weeks)
                                     .where(QuestionnaireSchedule.owner_id == owner_id)).all())
    return {code: chosen.get(code, inst.default_every_weeks) for code, inst in INSTRUMENTS.items()}


def set_schedule(owner: User, code: str, every_weeks) -> int:
    """Offer this instrument every N weeks (0: never). Raises ValidationError for anything else."""
    instrument(code)
    try:
        weeks = int(str(every_weeks).strip())
    except ValueError:
        weeks = -1
    if not 0 <= weeks <= MAX_EVERY_WEEKS:
        raise ValidationError({"every_weeks": f"Choose a number of weeks from 1 to {MAX_EVERY_WEEKS}, or off."})
    row = db.session.get(QuestionnaireSchedule, (owner.id, code))
    if row is None:
        db.session.add(QuestionnaireSchedule(owner_id=owner.id, instrument=code, every_weeks=weeks))
    else:
        row.every_weeks = weeks
    db.session.flush()
    return weeks


@dataclass(frozen=True)
class Offer:
    """One instrument on the member's list: how often, when it was last taken, when it is next due."""

    instrument: Instrument
    every_weeks: int
    last_taken: date | None  # local day
    next_due: date | None  # None: not scheduled
    due: bool
    count: int


def offers(owner: User, now: datetime) -> list[Offer]:
    """The member's questionnaires with their schedule: due when scheduled and never taken, or when the
    interval has passed since the last time (local days)."""
    every = schedules(owner.id)
    last = dict(db.session.execute(
        select(QuestionnaireResponse.instrument, func.max(QuestionnaireResponse.taken_at))
        .where(QuestionnaireResponse.owner_id == owner.id).group_by(QuestionnaireResponse.instrument)).all())
    counts = dict(db.session.execute(
        select(QuestionnaireResponse.instrument, func.count())
        .where(QuestionnaireResponse.owner_id == owner.id).group_by(QuestionnaireResponse.instrument)).all())
    today = local_day(now, owner.timezone)
    out = []
    for code, inst in INSTRUMENTS.items():
        taken = local_day(last[code], owner.timezone) if code in last else None
        weeks = every[code]
        next_due = None if not weeks else today if taken is None else taken + timedelta(weeks=weeks)
        out.append(Offer(inst, weeks, taken, next_due, next_due is not None and next_due <= today,
                         counts.get(code, 0)))
    return out


# --- The member's choices: sharing with clinicians, reminders ----------------------------------------------


def settings_of(owner_id: int) -> QuestionnaireSettings | None:
    return db.session.get(QuestionnaireSettings, owner_id)


def shared_with_clinicians(owner_id: int) -> bool:
    row = settings_of(owner_id)
    return bool(row and row.with_clinicians)


def _settings_for_change(owner: User) -> QuestionnaireSettings:
    row = settings_of(owner.id)
    if row is None:
        row = QuestionnaireSettings(owner_id=owner.id, with_clinicians=False, remind=False)
        db.session.add(row)
    return row


def set_shared_with_clinicians(owner: User, shared: bool) -> None:
    """Let (or stop letting) the clinicians with live access see questionnaire results."""
    _settings_for_change(owner).with_clinicians = shared
    db.session.flush()


def set_reminders(owner: User, on: bool) -> None:
    """Send (or stop sending) a generic reminder to the member's devices when a questionnaire is due."""
    _settings_for_change(owner).remind = on
    db.session.flush()


def needs_reminder(owner: User, reminded_at: datetime | None, now: datetime) -> bool:
    """Whether a questionnaire has come due since the last reminder: one never taken reminds once; one taken
    before reminds again when its next due day comes."""
    due = [o for o in offers(owner, now) if o.due]
    if not due:
        return False
    if reminded_at is None:
        return True
    latest = max((o.next_due for o in due if o.last_taken is not None), default=None)
    return latest is not None and local_day(reminded_at, owner.timezone) < latest


def send_due_reminders(now: datetime) -> int:
    """For each member who asked for reminders and has a questionnaire due, queue one generic notification
    (no instrument, no score: signals.notify_member carries only an event name and a path) and note when.
    Without the push feature nobody listens. Commits per member (a batch job)."""
    sent = 0
    owner_ids = db.session.scalars(select(QuestionnaireSettings.owner_id).where(
        QuestionnaireSettings.remind.is_(True))).all()
    for owner_id in owner_ids:
        owner = db.session.get(User, owner_id)
        row = settings_of(owner_id)
        if owner is None or row is None or not needs_reminder(owner, row.reminded_at, now):
            continue
        signals.notify_member(user_id=owner_id, event="questionnaire_due", path="/questionnaires/")
        row.reminded_at = now
        db.session.commit()
        sent += 1
    return sent


# The programme report's codes (signals.programme_outcomes_requested) for the instruments it asks about.
PROGRAMME_CODES = {"WHO-5": "who5", "UCLA-3": "ucla3", "MSPSS": "mspss"}


def outcome_pairs(member_ids, code: str, window: signals.OutcomeWindow, now: datetime) -> dict[int, tuple]:
    """Per member, (baseline, follow-up) totals of one instrument as the programme report defines them
    (signals.OutcomeWindow): the first response, and the later one taken closest to baseline +
    follow_up_days within tolerance_days (ties: the earlier), both by `window.until`. Scores are the ones the
    member sees (WHO-5 as a percentage). Decrypted here and dropped at once: only the two numbers leave."""
    until = window.until or now
    rows = db.session.execute(
        select(QuestionnaireResponse.id, QuestionnaireResponse.owner_id, QuestionnaireResponse.taken_at,
               QuestionnaireResponse.payload_ct)
        .where(QuestionnaireResponse.owner_id.in_(set(member_ids)), QuestionnaireResponse.instrument == code,
               QuestionnaireResponse.taken_at <= until)
        .order_by(QuestionnaireResponse.owner_id, QuestionnaireResponse.taken_at, QuestionnaireResponse.id)).all()
    keys = keys_for({row.owner_id for row in rows})
    taken: dict[int, list[tuple[datetime, float]]] = {}
    for row in rows:
        key = keys.get(row.owner_id)
        try:
            total = key.decrypt_json(row.payload_ct, table=TABLE, row_id=row.id)["total"] if key else None
        except (crypto.DecryptionError, ValueError, KeyError, TypeError):
            total = None
        if total is not None:
            taken.setdefault(row.owner_id, []).append((row.taken_at, float(total)))
    target, slack = timedelta(days=window.follow_up_days), timedelta(days=window.tolerance_days)
    pairs = {}
    for owner_id, series in taken.items():
        (first_at, baseline), later = series[0], series[1:]
        near = [(abs(at - first_at - target), at, total) for at, total in later if abs(at - first_at - target) <= slack]
        if near:
            pairs[owner_id] = (baseline, min(near)[2])
    return pairs


def on_programme_outcomes_requested(app, *, member_ids, instrument: str, window, **_) -> dict | None:
    code = PROGRAMME_CODES.get(instrument)
    if code is None:
        return None
    return outcome_pairs(member_ids, code, window, utcnow())
