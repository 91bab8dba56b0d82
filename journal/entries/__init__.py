"""The journal itself: check-ins, the member's symptoms, tags and medications, the timeline."""
from flask import Blueprint

bp = Blueprint("entries", __name__)

from journal.entries import cli, views  # noqa: E402,F401  (routes and commands register on import)
