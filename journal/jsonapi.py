"""What every JSON API view shares: reading the request's JSON object and writing times."""
from flask import request

from journal.errors import api_error


def json_body():
    """(the request's JSON object, None), or (None, an error response to return): 415 when it is not JSON,
    400 when it is not an object."""
    if not request.is_json:
        return None, api_error(415)
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return None, api_error(400, "invalid_json", "Send a JSON object.")
    return body, None


def iso(value):
    """A date, or an instant in UTC written with a Z; None stays None."""
    return None if value is None else value.isoformat().replace("+00:00", "Z")
