"""App-level error handling: JSON `{"error": {code, message, fields}}` under /api, a friendly page otherwise."""
import contextlib

from flask import Flask, Response, jsonify, make_response, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException

from journal.extensions import db

MESSAGES = {
    400: ("bad_request", "That request could not be understood."),
    401: ("unauthorized", "Log in to continue."),
    403: ("forbidden", "You do not have access to this."),
    404: ("not_found", "There is nothing here."),
    405: ("method_not_allowed", "That method is not allowed here."),
    410: ("gone", "This is no longer available."),
    409: ("conflict", "That conflicts with the current state; try again."),
    413: ("too_large", "That request is too large."),
    415: ("unsupported_media_type", "Send JSON with Content-Type: application/json."),
    422: ("invalid", "Some fields need another look."),
    429: ("rate_limited", "Too many attempts. Please wait a little and try again."),
    # True because the handler rolls the request back: whatever it would have written is not kept.
    500: ("server_error", "Something went wrong on our side, and what you sent was not saved. Please try again."),
}


def api_error(status: int, code: str | None = None, message: str | None = None, fields: dict | None = None):
    """A JSON error response in the API's one shape."""
    default_code, default_message = MESSAGES.get(status, ("error", "Request failed."))
    body = {"error": {"code": code or default_code, "message": message or default_message,
                      "fields": fields or {}}}
    return jsonify(body), status


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _page(status: int, message: str | None = None):
    return render_template("errors/error.html", status=status,
                           message=message or MESSAGES.get(status, ("", "Something went wrong."))[1]), status


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_failed(error):
        message = "Your session expired or the form was stale. Reload the page and try again."
        if _wants_json():
            # CSRF is checked before the view's login check: a request with no session at all is
            # unauthenticated first, as the API documents (401), not a stale form.
            if not current_user.is_authenticated:
                return api_error(401)
            return api_error(400, "csrf_failed", "Missing or invalid CSRF token (send X-CSRFToken).")
        return _page(400, message)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        # A 410's description is the view's own words (abort(410, description=...)); others may carry
        # Werkzeug's or a parser's (a JSON decoding error), which are never shown.
        message = error.description if status == 410 and error.description != type(error).description else None
        response, status = api_error(status, message=message) if _wants_json() else _page(status, message)
        if not isinstance(response, Response):
            response = make_response(response)
        # What the exception says about the answer (Allow on 405, WWW-Authenticate, Retry-After) stays.
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response, status

    @app.errorhandler(IntegrityError)
    def conflict(error: IntegrityError):
        # A simultaneous request wrote the same unique row first and retrying did not settle it
        # (find-or-create services retry: database.retrying_conflicts). Nothing was half-written: the
        # transaction is rolled back, and doing it again works. SQL parameters are never logged.
        db.session.rollback()
        app.logger.warning("write conflict on %s %s: %s", request.method, request.url_rule,
                           type(error.orig).__name__)
        message = "Something else changed this at the same moment. Please try again."
        if _wants_json():
            return api_error(409, "conflict", message)
        return _page(409, message)

    @app.errorhandler(OperationalError)
    def database_unreachable(error: OperationalError):
        # The database is restarting or out of reach (a failover, a full disk): nothing was written, and the
        # same request will work again shortly. Phones' offline queues retry a 503 after Retry-After.
        with contextlib.suppress(Exception):  # the connection may be gone; nothing left to undo
            db.session.rollback()
        app.logger.warning("database unreachable on %s %s: %s", request.method, request.url_rule,
                           type(error.orig).__name__)
        message = "The journal is briefly out of reach, and what you sent was not saved. Please try again in a moment."
        response, status = api_error(503, "unavailable", message) if _wants_json() else _page(503, message)
        response = make_response(response, status)
        response.headers["Retry-After"] = "5"
        return response

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        # Never echo the exception: it may hold health data. The traceback goes to the server log.
        db.session.rollback()
        app.logger.exception("unhandled error on %s %s", request.method, request.url_rule)
        if _wants_json():
            return api_error(500)
        return _page(500)
