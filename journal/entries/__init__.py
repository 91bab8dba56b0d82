"""The journal itself: check-ins, the member's symptoms, tags and medications, the timeline, and the
member's own history: a month calendar, charts and a summary for their next appointment."""
from flask import Blueprint

bp = Blueprint("entries", __name__)

from journal.entries import cli, history_views, views  # noqa: E402,F401  (routes and commands register on import)
