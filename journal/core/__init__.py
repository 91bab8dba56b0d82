"""Pages that belong to no single feature: home, health check, the API description."""
from flask import Blueprint

bp = Blueprint("core", __name__)

from journal.core import views  # noqa: E402,F401  (routes register on import)
