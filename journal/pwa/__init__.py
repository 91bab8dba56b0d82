"""The installable app: manifest, service worker, offline pages, content-hashed static assets, gzip."""
from flask import Blueprint, Flask

bp = Blueprint("pwa", __name__)

from journal.pwa import assets, compression, views  # noqa: E402,F401  (routes register on import)

bp.add_app_template_global(assets.asset_url, "asset_url")


@bp.after_app_request
def _public_assets(response):
    """Cache headers for content-hashed static files, then gzip for public responses."""
    return compression.compress(assets.cache_static(response))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
