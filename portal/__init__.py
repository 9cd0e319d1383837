"""The service catalog portal: a Flask application built by `create_app`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

from . import base_url, cookie_sessions, input_limits

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = ROOT / "catalog" / "migrations"


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints, commands. Nothing else."""
    app = base_url.Portal(
        __name__,
        instance_path=os.environ.get("PORTAL_INSTANCE_PATH") or str(ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.session_interface = cookie_sessions.CookieSessions()
    from catalog import audit
    from catalog.commitments import breakdown_rollups, rollups

    from .config import load_config, prepare_instance

    load_config(app, test_config)
    prepare_instance(Path(app.instance_path), app.config["SQLALCHEMY_DATABASE_URI"])

    from . import (
        auth,
        commands,
        cors,
        display,
        errors,
        i18n,
        page_cache,
        proxies,
        rate_limits,
        security_headers,
        sqlite,
        templating,
    )
    from .api import bp as api_bp
    from .approvals import bp as approvals_bp
    from .browse import bp as browse_bp
    from .commitments import bp as commitments_bp
    from .extensions import csrf, db, migrate
    from .health import bp as health_bp
    from .intranet import bp as intranet_bp
    from .manage import bp as manage_bp
    from .profile import bp as profile_bp
    from .queue import bp as queue_bp
    from .requests import bp as requests_bp
    from .search import bp as search_bp
    from .search import cards as search_cards
    from .search import facets as search_facets
    from .search import log as search_log

    base_url.init_app(app)  # first: a refused host reaches nothing else
    input_limits.init_app(app)  # before the routes: bounded <int:...> ids
    db.init_app(app)
    with app.app_context():
        sqlite.install(db.engine)  # readers never wait for a writer
    # Every session keeps the adherence and breakdown rollups in step with the requests it
    # changes, in the same flush (installed once per process; later calls do nothing).
    rollups.install()
    breakdown_rollups.install()
    # Every session refuses to change or delete audit entries: the log is append-only.
    audit.install()
    migrate.init_app(app, db, directory=str(MIGRATIONS))
    csrf.init_app(app)
    i18n.init_app(app)
    auth.init_app(app)
    proxies.init_app(app)  # after auth: it reads the parsed PORTAL_TRUSTED_PROXIES
    templating.init_app(app)
    display.init_app(app)
    page_cache.init_app(app)
    search_log.init_app(app)
    search_cards.init_app(app)
    search_facets.init_app(app)
    errors.init_app(app)
    rate_limits.init_app(app)
    security_headers.init_app(app)
    cors.init_app(app)
    commands.init_app(app)
    for blueprint in (browse_bp, search_bp, requests_bp, queue_bp, manage_bp, api_bp,
                      commitments_bp, profile_bp, health_bp, intranet_bp, approvals_bp):
        app.register_blueprint(blueprint)
    return app
