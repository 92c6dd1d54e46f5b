"""Extensions, created here and bound to the app in create_app."""
from __future__ import annotations

import logging

from flask import g
from flask_babel import Babel
from flask_htmx import HTMX
from flask_login import LoginManager
from flask_wtf import CSRFProtect
from sqlalchemy.orm import Session

from campaigns.db import make_engine, make_session_factory


class Database:
    """One engine per app; one session per request (or CLI command), closed at teardown."""

    def init_app(self, app):
        app.extensions["relance_engine"] = make_engine(app.config["DATABASE_URL"])
        app.extensions["relance_sessions"] = make_session_factory(app.extensions["relance_engine"])
        app.teardown_appcontext(self._close)

    @property
    def engine(self):
        from flask import current_app
        return current_app.extensions["relance_engine"]

    @property
    def session(self) -> Session:
        from flask import current_app
        if "db_session" not in g:
            g.db_session = current_app.extensions["relance_sessions"]()
        return g.db_session

    @staticmethod
    def discard_session():
        """Drop this request's session after its connection failed; a later use opens a fresh one."""
        session = g.pop("db_session", None)
        if session is not None:
            try:
                session.close()
            except Exception:  # noqa: BLE001 - the connection is already gone; the pool replaces it
                pass

    @staticmethod
    def _close(_exc=None):
        session = g.pop("db_session", None)
        if session is not None:
            try:
                session.close()  # anything not committed is rolled back
            except Exception:  # noqa: BLE001 - the connection died under the request: the answer is already
                # written (a 503 when the request saw it), the pool drops the connection; nothing to undo.
                logging.getLogger(__name__).warning("closing a session whose connection was lost", exc_info=True)


db = Database()
login_manager = LoginManager()
csrf = CSRFProtect()
htmx = HTMX()
babel = Babel()
