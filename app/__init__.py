"""The Relance web application: ``create_app(overrides)`` builds everything."""
from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, has_request_context, request, session
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from . import edge, filters, navigation
from .config import ROOT, from_environment
from .extensions import babel, csrf, db, htmx, login_manager


def select_locale() -> str:
    """The user's chosen language, else French (outside a request too: the worker, the commands)."""
    if not has_request_context():
        return "fr"
    lang = session.get("lang")
    if lang in ("fr", "en"):
        return lang
    if current_user and current_user.is_authenticated and current_user.locale in ("fr", "en"):
        return current_user.locale
    return "fr"


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=str(ROOT / "instance"), instance_relative_config=True)
    app.config.update(from_environment(app.instance_path))
    app.config.update(overrides or {})
    if app.config.get("TRUSTED_PROXIES"):
        # The client's address (login throttling per address) and https (secure cookies, redirects)
        # come from the proxies' headers, trusting exactly as many hops as configured.
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    # Uploads: the import's own limit (MAX_UPLOAD_MB, in MB of 10^6 bytes, as its message says) plus room for
    # the form's other fields; every other body (urlencoded forms, htmx posts) is capped much lower below.
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_UPLOAD_MB"] * 1_000_000 + 64 * 1024
    logging.basicConfig(level=app.config["LOG_LEVEL"],
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    for chatty in ("weasyprint", "fontTools"):     # a line per layout step of every letter
        logging.getLogger(chatty).setLevel(logging.WARNING)
    app.config.setdefault(
        "BABEL_TRANSLATION_DIRECTORIES",
        ";".join(str(p) for p in sorted(Path(app.root_path).glob("**/translations"))),
    )

    @app.before_request
    def cap_non_upload_bodies():
        """Only multipart forms carry files: any other body is read whole into memory, so it stays small.

        Registered before CSRF protection, which reads the form.
        """
        if request.mimetype != "multipart/form-data":
            request.max_content_length = min(app.config["MAX_CONTENT_LENGTH"], app.config["MAX_FORM_BYTES"])

    edge.register(app)   # before CSRF protection and before any route is added (the bounded id converter)
    db.init_app(app)
    from .worker import context as worker_context
    worker_context.configure(app)   # tasks run in this app's context: its database, never one in their arguments
    login_manager.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)
    babel.init_app(app, locale_selector=select_locale,
                   timezone_selector=lambda: app.config["BABEL_DEFAULT_TIMEZONE"])
    filters.register(app)
    navigation.register(app)

    from .auth import bp as auth_bp
    from .auth.session import register_session_hooks
    from .errors import register_error_handlers
    from .home import bp as home_bp

    register_session_hooks(app)
    register_error_handlers(app)
    app.register_blueprint(auth_bp)
    app.register_blueprint(home_bp)
    for blueprint in _feature_blueprints():
        app.register_blueprint(blueprint)

    from .cli import register_cli
    register_cli(app)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-ancestors 'none'; form-action 'self'; base-uri 'self'",
        )
        if request.is_secure and app.config["SESSION_COOKIE_SECURE"]:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if request.headers.get("HX-Request") is not None or response.mimetype == "text/html":
            response.vary.add("HX-Request")
        return response

    return app


def _feature_blueprints():
    """Every area package of app/ that defines a blueprint ``bp`` (manage, console, ...)."""
    import importlib
    import pkgutil

    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not module.ispkg or module.name in ("auth", "home", "cli"):
            continue
        package = importlib.import_module(f"{__name__}.{module.name}")
        if hasattr(package, "bp"):
            yield package.bp
