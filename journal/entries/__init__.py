"""The journal itself: check-ins, the member's symptoms, tags and medications, the timeline, and the
member's own history: a month calendar, charts and a summary for their next appointment.

The journal stands on the kernel alone and imports no other feature. Its public surface, for the
features that show members' check-ins (peers, clinicians, push), is what this module exports; every
module inside the package is private to it.
"""
from flask import Blueprint, Flask

bp = Blueprint("entries", __name__)

from journal import signals  # noqa: E402
from journal.entries import cli, history_views, import_views, pattern_views, views  # noqa: E402,F401  (routes, commands)
from journal.entries.api import checkin_json  # noqa: E402
from journal.entries.apispec import SCHEMAS as API_SCHEMAS  # noqa: E402
from journal.entries.cards import entry_card  # noqa: E402
from journal.entries.models import Checkin, CheckinSymptom, CheckinTag, Medication, Symptom, Tag  # noqa: E402
from journal.entries.services import (  # noqa: E402
    NEWEST_FIRST,
    UNREADABLE,
    VIEW_COLUMNS,
    older_than,
    page_query,
    split_page,
    view_of,
    with_items,
)
from journal.entries.tracking import EMPTY_CATALOG, Catalog, CatalogItem, load_catalog, seed_catalog  # noqa: E402

__all__ = ["API_SCHEMAS", "EMPTY_CATALOG", "NEWEST_FIRST", "UNREADABLE", "VIEW_COLUMNS", "Catalog", "CatalogItem",
           "Checkin", "CheckinSymptom", "CheckinTag", "Medication", "Symptom", "Tag", "bp", "checkin_json",
           "entry_card", "init_app", "load_catalog", "older_than", "page_query", "split_page", "view_of",
           "with_items"]


def init_app(app: Flask) -> None:
    from journal.entries import api

    app.register_blueprint(bp)
    app.register_blueprint(api.bp, url_prefix="/api/v1")
    app.add_template_global(entry_card)  # every page that shows a check-in shows this card
    signals.member_registered.connect(_first_tags, app)


def _first_tags(app, user) -> None:
    """A new member starts with a few common tags, so the first check-in is not empty."""
    if user.is_member:
        seed_catalog(user)
