"""What a clinician reads under a grant: the patient (live grant, given name, "today"), the check-ins its
scope covers, pages of entries with their filters, signals, and the patient list.

Each page decrypts the check-ins it needs once and hands the same views to its charts, signals and
tables. Used by the clinician's pages (views.py) and the JSON API (api.py) alike.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import abort
from sqlalchemy import and_, false, select

from journal import entries, timekeeping
from journal.accounts import User
from journal.checkins import CheckinView
from journal.clinicians import services, trends
from journal.clinicians.models import SCOPE_RANGE, SCOPE_SHARED, ClinicianGrant
from journal.entries import Checkin, CheckinSymptom, CheckinTag
from journal.extensions import db
from journal.security import parse_id

ENTRIES_PAGE = 30
SIGNAL_DAYS = trends.RECENT_DAYS + trends.BASELINE_DAYS  # signals compare the last week with the 4 before


@dataclass
class Patient:
    """A clinician's live grant with what every patient page needs."""

    grant: ClinicianGrant
    owner: User
    name: str  # the name this clinician was given
    today: date  # see reference_day


def reference_day(grant: ClinicianGrant, owner: User, now: datetime | None = None) -> date:
    """“Today” for a patient's charts and signals: their local today, or the end of a shared range
    that ended earlier (a range that stopped in May is read as of its last day)."""
    today = timekeeping.today_in(owner.timezone, now)
    if grant.scope == SCOPE_RANGE and grant.range_end is not None and grant.range_end < today:
        return grant.range_end
    return today


def patient_of(grant: ClinicianGrant) -> Patient:
    return Patient(grant, grant.owner, services.shown_name(grant), reference_day(grant, grant.owner))


def patient_or_404(clinician: User, raw_id) -> Patient:
    """The clinician's live grant by id, re-read on every request: unknown, someone else's, revoked or
    ended is a 404."""
    grant = services.active_grant(clinician.id, parse_id(raw_id))
    if grant is None:
        abort(404)
    return patient_of(grant)


ACCESS_REVOKED = "Access ended by the patient: they revoked it, so nothing of theirs can be opened any more."
ACCESS_ENDED = "Access ended on the date the patient chose: nothing of theirs can be opened any more."


def patient_or_gone(clinician: User, raw_id) -> Patient:
    """As patient_or_404, for the clinician's pages: a grant this clinician held that the patient revoked,
    or whose end date passed, is a 410 that says so (not "we couldn't find that"); the rest is a 404."""
    grant_id = parse_id(raw_id)
    grant = services.active_grant(clinician.id, grant_id)
    if grant is not None:
        return patient_of(grant)
    held = db.session.get(ClinicianGrant, grant_id) if grant_id is not None else None
    if held is not None and held.clinician_id == clinician.id and held.redeemed_at is not None:
        abort(410, description=ACCESS_REVOKED if held.revoked_at is not None else ACCESS_ENDED)
    abort(404)


# --- Check-ins in scope ----------------------------------------------------------------------------


def scope_clause(grant: ClinicianGrant):
    """SQL condition for the owner's check-ins inside the grant's scope (mirrors ClinicianGrant.covers)."""
    owned = Checkin.owner_id == grant.owner_id
    if grant.scope == SCOPE_SHARED:
        return and_(owned, Checkin.share_clinicians.is_(True))
    if grant.scope == SCOPE_RANGE and grant.range_start is not None:
        clause = and_(owned, Checkin.local_date >= grant.range_start)
        if grant.range_end is not None:
            clause = and_(clause, Checkin.local_date <= grant.range_end)
        return clause
    return false()


def _between(query, date_from: date | None, date_to: date | None):
    if date_from:
        query = query.where(Checkin.local_date >= date_from)
    if date_to:
        query = query.where(Checkin.local_date <= date_to)
    return query


def _decrypted(owner: User, condition, date_from: date | None, date_to: date | None) -> list[CheckinView]:
    query = _between(select(Checkin).where(condition), date_from, date_to)
    return trends.decrypt_all(owner, list(db.session.scalars(query.order_by(Checkin.occurred_at, Checkin.id))))


def views_in_scope(patient: Patient, date_from: date | None = None, date_to: date | None = None,
                   ) -> list[CheckinView]:
    """The patient's check-ins in scope (optionally between two local days), oldest first, decrypted."""
    return _decrypted(patient.owner, scope_clause(patient.grant), date_from, date_to)


def own_views(owner: User, date_from: date | None = None, date_to: date | None = None) -> list[CheckinView]:
    """Everything the member recorded (optionally between two local days), oldest first, decrypted: what
    the member's own exports hold."""
    return _decrypted(owner, Checkin.owner_id == owner.id, date_from, date_to)


def latest_in_scope(grant: ClinicianGrant) -> Checkin | None:
    return db.session.scalar(select(Checkin).where(scope_clause(grant))
                             .order_by(*entries.NEWEST_FIRST).limit(1))


def entries_page(patient: Patient, *, date_from: date | None, date_to: date | None,
                 symptom_id: uuid.UUID | None = None, tag_id: uuid.UUID | None = None, cursor: str | None = None,
                 limit: int = ENTRIES_PAGE, catalog: entries.Catalog | None = None,
                 ) -> tuple[list[CheckinView], str | None]:
    """A newest-first page of in-scope entries with filters (keyset-paginated), decrypted, and the cursor
    of the next page. ValueError if `cursor` was not made by this function."""
    query = _between(select(Checkin).where(scope_clause(patient.grant)), date_from, date_to)
    query = entries.with_items(query, tag_id=tag_id, symptom_id=symptom_id)
    query = entries.older_than(query, cursor)
    rows, next_cursor = entries.split_page(
        db.session.scalars(entries.page_query(query, limit)).all(), limit)
    return trends.decrypt_all(patient.owner, rows, catalog), next_cursor


def filter_options(patient: Patient) -> tuple[list[tuple[uuid.UUID, str]], list[tuple[uuid.UUID, str]],
                                              entries.Catalog]:
    """Symptoms and tags that occur in in-scope entries, never the member's whole catalog (ids from the
    link tables, names from the catalog, which is returned too)."""
    in_scope = select(Checkin.id).where(scope_clause(patient.grant))
    symptom_ids = set(db.session.scalars(select(CheckinSymptom.symptom_id)
                                         .where(CheckinSymptom.checkin_id.in_(in_scope)).distinct()))
    tag_ids = set(db.session.scalars(select(CheckinTag.tag_id).where(CheckinTag.checkin_id.in_(in_scope)).distinct()))
    catalog = entries.load_catalog(patient.owner)
    by_name = lambda item: item[1].casefold()  # noqa: E731
    return (sorted(((i, catalog.name(i)) for i in symptom_ids), key=by_name),
            sorted(((i, catalog.name(i)) for i in tag_ids), key=by_name), catalog)


# --- Signals and the patient list ------------------------------------------------------------------


def signal_start(patient: Patient) -> date:
    """The first day signals need decrypted."""
    return patient.today - timedelta(days=SIGNAL_DAYS - 1)


def signals_for(patient: Patient, views: list[CheckinView], last: Checkin | None) -> list[trends.Signal]:
    """Signals from views covering at least signal_start()..today; `last` is the latest check-in in scope."""
    note = " shared with clinicians" if patient.grant.scope == SCOPE_SHARED else " in the shared range"
    return trends.signals(views, patient.today, scope_note=note, last_day=last.local_date if last else None)


@dataclass
class PatientRow:
    patient: Patient
    last: Checkin | None
    signals: list[trends.Signal]


def patient_rows(clinician: User) -> list[PatientRow]:
    """Each live patient with their last check-in in scope and their signals; those with most signals first."""
    rows = []
    for grant in services.patients_of(clinician):
        patient = patient_of(grant)
        last = latest_in_scope(grant)
        views = views_in_scope(patient, signal_start(patient), patient.today)
        rows.append(PatientRow(patient, last, signals_for(patient, views, last)))
    rows.sort(key=lambda r: (-len(r.signals), r.patient.name.casefold()))
    return rows
