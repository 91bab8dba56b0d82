"""SMART Health Links: a member shares a chosen range and measures of their journal with any clinician, as
an encrypted FHIR Bundle behind a `shlink:/` link and its QR code (HL7 SMART Health Cards and Links IG,
STU1). The key is only in the link; the link expires, may need a passcode, can be revoked, and each
opening is written to the member's access log.

Two blueprints: `bp`, the member's pages (/sharing/links), and `public_bp`, what receiving apps reach
(/shl/…). Reached by URL only: it offers other features nothing.
"""
from flask import Blueprint, Flask

bp = Blueprint("healthlinks", __name__)
public_bp = Blueprint("healthlinks_public", __name__)

from journal.healthlinks import public, views  # noqa: E402,F401  (routes)


def init_app(app: Flask) -> None:
    from journal.extensions import csrf

    app.register_blueprint(bp, url_prefix="/sharing/links")
    app.register_blueprint(public_bp)
    csrf.exempt(public_bp)  # receiving apps call it as an API, with no session to forge
