"""Peer Journal: an encrypted check-in journal with peer support and clinician sharing."""
import os

from flask import Flask


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: config -> extensions -> blueprints -> errors -> CLI."""
    instance_path = (test_config or {}).get("INSTANCE_PATH") or os.environ.get("JOURNAL_INSTANCE_PATH")
    app = Flask(__name__, instance_path=instance_path or None, instance_relative_config=True)

    from journal import config

    config.load(app, test_config)
    if app.config["PROXY_HOPS"]:
        # The client's address (rate limits) and scheme (Secure cookies, HSTS) as the proxy saw them.
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["PROXY_HOPS"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    from journal import caches, crypto, database, fragments, mail, security, urls
    from journal.extensions import csrf, db, limiter, login_manager, migrate

    database.configure(app)
    db.init_app(app)
    with app.app_context():
        database.attach_sqlite_hooks(db.engine)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"),
                     compare_type=True, render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    # Every limit here is a decorator on its view, and the decorator checks it; Flask-Limiter's
    # before_request hook only adds default and application-wide limits, which are not configured.
    # Dropping it spares every page that work (measured with bench/load.py).
    hooks = app.before_request_funcs.get(None, [])
    if limiter._check_request_limit in hooks and not (
            app.config.get("RATELIMIT_DEFAULT") or app.config.get("RATELIMIT_APPLICATION")):
        hooks.remove(limiter._check_request_limit)
    login_manager.init_app(app)
    caches.init_app(app)
    crypto.init_app(app)
    security.init_app(app)
    urls.init_app(app)
    fragments.init_app(app)
    mail.init_app(app)

    from journal.auth import api as auth_api
    from journal.auth import bp as auth_bp
    from journal.clinicians import api as clinicians_api
    from journal.clinicians import bp as clinicians_bp
    from journal.clinicians import sharing_bp as clinicians_sharing_bp
    from journal.core import bp as core_bp
    from journal.entries import api as entries_api
    from journal.entries import bp as entries_bp
    from journal.peers import api as peers_api
    from journal.peers import bp as peers_bp
    from journal.push import api as push_api
    from journal.push import bp as push_bp
    from journal.pwa import bp as pwa_bp

    app.register_blueprint(core_bp)
    if app.config["BENCH_ROUTES"]:
        from journal.core import bench

        app.register_blueprint(bench.bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(auth_api.bp, url_prefix="/api/v1")
    app.register_blueprint(entries_bp)
    app.register_blueprint(entries_api.bp, url_prefix="/api/v1")
    app.register_blueprint(peers_bp, url_prefix="/peers")
    app.register_blueprint(peers_api.bp, url_prefix="/api/v1")
    app.register_blueprint(clinicians_bp, url_prefix="/clinician")
    app.register_blueprint(clinicians_sharing_bp, url_prefix="/sharing/clinicians")
    app.register_blueprint(clinicians_api.bp, url_prefix="/api/v1")
    app.register_blueprint(pwa_bp)
    app.register_blueprint(push_bp)
    app.register_blueprint(push_api.bp, url_prefix="/api/v1")

    from journal import audit, errors  # noqa: F401  (audit registers its model)

    errors.init_app(app)
    database.owns_transactions(app)  # last: every view is registered by now

    from journal.auth.cli import keys_cli, users_cli

    app.cli.add_command(keys_cli)
    app.cli.add_command(users_cli)
    return app
