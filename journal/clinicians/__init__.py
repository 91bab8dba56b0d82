"""Clinician sharing: invitations the member grants and revokes, the clinician's patient list and
dashboards, exports (CSV, FHIR R4, printable report), and the access log members read.

Two page blueprints: `bp` (the clinician's side, /clinician) and `sharing_bp` (the member's side,
/sharing/clinicians); the JSON API lives in `api.py`.
"""
from flask import Blueprint, Flask

bp = Blueprint("clinicians", __name__)
sharing_bp = Blueprint("sharing_clinicians", __name__)

from journal.clinicians import member_views, views  # noqa: E402,F401  (routes: the clinician's side and the member's)


def init_app(app: Flask) -> None:
    from journal import signals
    from journal.clinicians import api, services

    app.register_blueprint(bp, url_prefix="/clinician")
    app.register_blueprint(sharing_bp, url_prefix="/sharing/clinicians")
    app.register_blueprint(api.bp, url_prefix="/api/v1")
    signals.entry_access_requested.connect(services.on_entry_access_requested, app)
    signals.patient_requested.connect(services.on_patient_requested, app)
    signals.live_grants_requested.connect(services.on_live_grants_requested, app)
