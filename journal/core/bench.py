"""A bare route for the load benchmark's baseline (registered only when JOURNAL_BENCH_ROUTES=1)."""
from flask import Blueprint

bp = Blueprint("bench", __name__)


@bp.get("/bench/hello")
def hello():
    return "Hello, world!"
