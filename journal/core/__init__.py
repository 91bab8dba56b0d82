"""Pages that belong to no single feature: home, health check, help, privacy, the API description."""
from flask import Blueprint, Flask

bp = Blueprint("core", __name__)

from journal.core import views  # noqa: E402,F401  (routes)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    if app.config["BENCH_ROUTES"]:
        from journal.core import bench

        app.register_blueprint(bench.bp)
