"""Home, /healthz and /api/openapi.json."""
from flask import current_app, jsonify, redirect, render_template, url_for
from flask_login import current_user

from journal import database, openapi
from journal.accounts import PRIVACY_VERSION
from journal.core import bp
from journal.extensions import csrf, limiter
from journal.urls import has_feature


@bp.get("/")
def home():
    if current_user.is_authenticated:
        if current_user.role == "clinician" and has_feature("clinicians"):
            return redirect(url_for("clinicians.index"))
        if current_user.role == "admin":  # keeps no journal: sees only the programme report
            return redirect(url_for("programme.report") if has_feature("programme") else url_for("auth.account"))
        return redirect(url_for("entries.new"))
    return render_template("core/home.html")


@bp.get("/healthz")
@limiter.exempt
@csrf.exempt
def healthz():
    if database.is_healthy():
        return jsonify(status="ok", database="ok")
    return jsonify(status="error", database="unreachable"), 503


@bp.get("/api/openapi.json")
def openapi_document():
    return jsonify(openapi.document())


@bp.get("/help")
def get_help():
    """Crisis lines grouped by country or region, in the configured order (works offline once cached)."""
    regions: dict[str, list] = {}
    for line in current_app.config["CRISIS_LINES"]:
        regions.setdefault(line.get("region") or "Anywhere", []).append(line)
    return render_template("core/help.html", regions=regions)




@bp.get("/privacy")
def privacy():
    """What is stored, what is encrypted, who can see what: in plain words, for everyone."""
    config = current_app.config
    contact = config["PRIVACY_CONTACT"] or config["VAPID_SUBJECT"].removeprefix("mailto:")
    return render_template("core/privacy.html", version=PRIVACY_VERSION, backup_days=config["BACKUP_RETENTION_DAYS"],
                           contact=contact)
