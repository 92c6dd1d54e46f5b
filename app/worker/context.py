"""Tasks run inside the Flask app: its configuration, its database session, its translations.

``create_app`` registers itself here (``configure``); a worker process builds its app from the environment
(``python -m app.worker``). Each task gets its own app context, so its session is its own even when huey's
immediate mode (the tests) runs it inside a web request, and messages it stores for people are French, the
product's default language, through Flask-Babel's ``force_locale``.
"""
from __future__ import annotations

import functools

_app = {"app": None}


def configure(app) -> None:
    _app["app"] = app


def task_app():
    if _app["app"] is None:
        from app import create_app
        configure(create_app())
    return _app["app"]


def in_app(func):
    """Run ``func`` in a fresh app context of the configured app, in French."""
    @functools.wraps(func)
    def run(*args, **kwargs):
        from flask_babel import force_locale
        with task_app().app_context(), force_locale("fr"):
            return func(*args, **kwargs)
    return run
