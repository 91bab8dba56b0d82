"""Peer Journal: an encrypted check-in journal with peer support and clinician sharing."""
import importlib
import json
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

    from journal import caches, checkins, crypto, database, fragments, mail, security, timekeeping, urls
    from journal.extensions import csrf, db, limiter, login_manager, migrate

    database.configure(app)
    db.init_app(app)
    with app.app_context():
        database.attach_sqlite_hooks(db.engine)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"),
                     compare_type=True, render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    # Every limit here is a decorator on its view, and the decorator checks it; Flask-Limiter's own
    # before_request hook only adds default and application-wide limits, which are not configured.
    # Dropping the hooks bound to the limiter spares every page that work (measured with bench/load.py).
    if not (app.config.get("RATELIMIT_DEFAULT") or app.config.get("RATELIMIT_APPLICATION")):
        hooks = app.before_request_funcs.get(None, [])
        hooks[:] = [hook for hook in hooks if getattr(hook, "__self__", None) is not limiter]
    login_manager.init_app(app)
    caches.init_app(app)
    crypto.init_app(app)
    security.init_app(app)
    urls.init_app(app)
    timekeeping.init_app(app)
    fragments.init_app(app)
    mail.init_app(app)
    # The check-in form, its offline twin and the entry card lay out what the declaration says is measured.
    app.add_template_global(checkins.MEASURES, "checkin_measures")
    app.add_template_global(json.dumps(checkins.words_for_scripts(), ensure_ascii=False), "checkin_measures_json")

    # Each feature registers its blueprints and connects its signals (journal/signals.py) in its own
    # init_app; FEATURES says which the app is built with (all of them, but for tests of the journal alone).
    features = tuple(app.config["FEATURES"])
    app.extensions["journal.features"] = frozenset(features)
    for name in features:
        importlib.import_module(f"journal.{name}").init_app(app)

    from journal import audit, errors  # noqa: F401  (audit registers its model)

    errors.init_app(app)
    database.owns_transactions(app)  # last: every view is registered by now

    return app
