"""Error pages and the translation of domain errors into responses."""
from __future__ import annotations

import logging

from flask import g, render_template, request
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc as sa_exc

from campaigns.errors import N_, DomainError, plain_params

from .extensions import db, htmx, login_manager

log = logging.getLogger(__name__)

# What the driver raises when the database refuses or drops the connection (restarting, unreachable, not
# accepting connections; on SQLite, locked for too long). Integrity errors and the like stay 500s.
UNAVAILABLE = (sa_exc.OperationalError, sa_exc.InterfaceError)


def domain_message(error: DomainError) -> str:
    """A domain error's message in the user's language, placeholders filled."""
    text = gettext(error.message)
    return text.format(**plain_params(error.params, gettext)) if error.params else text


def register_error_handlers(app):
    def database_unavailable(error):
        """503 while the database restarts: nothing was saved, and what the user typed is still in the form."""
        log.warning("database unavailable on %s %s: %s", request.method, request.path, getattr(error, "orig", error))
        # The page must not ask the database who is logged in (it would fail again): anonymous for this answer.
        g._login_user = login_manager.anonymous_user()
        db.discard_session()
        if request.method == "GET":
            message = gettext("The database is momentarily unavailable. Reload the page in a moment.")
        elif htmx:
            message = gettext("The database is momentarily unavailable. What you typed is kept: send it again "
                              "in a moment, it will be recorded only once.")
        else:
            message = gettext("The database is momentarily unavailable. Go back to the previous page, where what "
                              "you typed is kept, and send it again in a moment.")
        template = "errors/_alert.html" if htmx else "errors/error.html"
        return render_template(template, code=503, message=message), 503, {"Retry-After": "5"}

    for exception in UNAVAILABLE:
        app.register_error_handler(exception, database_unavailable)

    @app.errorhandler(sa_exc.DBAPIError)
    def database_refused(error):
        """A value the database refuses (too long for its column, a number out of range) that no form check
        caught: nothing is saved and the user is told, never a 500. A connection lost at that moment is a 503."""
        if error.connection_invalidated:
            return database_unavailable(error)
        log.warning("database refused a value on %s %s: %s", request.method, request.path, error.orig)
        db.discard_session()
        message = gettext("A value you sent is too long or out of the accepted range: nothing was saved. "
                          "Correct it and send it again.")
        template = "errors/_alert.html" if htmx else "errors/error.html"
        return render_template(template, code=422, message=message), 422

    @app.errorhandler(DomainError)
    def input_refused(error):
        """A rule broken by the input that the view did not turn into a message next to its field (say, a text
        past its column's size): nothing was written, and the user reads why."""
        db.discard_session()
        template = "errors/_alert.html" if htmx else "errors/error.html"
        return render_template(template, code=422, message=domain_message(error)), 422

    @app.errorhandler(sa_exc.IntegrityError)
    def database_conflict(error):
        """Two requests creating the same thing at once (the database's unique rules catch the second)."""
        log.warning("integrity error on %s %s: %s", request.method, request.path, error.orig)
        db.discard_session()
        message = gettext("What you sent conflicts with something recorded at the same moment: nothing was "
                          "saved. Reload the page and try again.")
        template = "errors/_alert.html" if htmx else "errors/error.html"
        return render_template(template, code=409, message=message), 409

    @app.errorhandler(sa_exc.PendingRollbackError)
    def connection_lost_earlier(error):
        return database_unavailable(error)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_template("errors/error.html", code=400,
                               message=gettext("Your session form expired or is invalid. Reload the page and try again.")), 400

    for code in (403, 404, 405):
        app.register_error_handler(code, _page(code))

    @app.errorhandler(413)
    def too_large(error):
        """Over MAX_CONTENT_LENGTH (an upload past MAX_UPLOAD_MB), or a form field or part count past Werkzeug's limits.

        Only the headers are read: touching the body again would raise again.
        """
        limit = request.max_content_length  # this request's own cap (see create_app)
        if request.mimetype == "multipart/form-data" and (limit is None or (request.content_length or 0) > limit):
            message = gettext("The file is larger than the limit of {limit} MB.").format(limit=app.config["MAX_UPLOAD_MB"])
        elif limit is not None and (request.content_length or 0) > limit:
            message = gettext("What you sent is too large to be received.")
        else:
            message = gettext("A field of the form is too long: shorten what you typed and send it again.")
        template = "errors/_alert.html" if htmx else "errors/error.html"
        return render_template(template, code=413, message=message), 413

    @app.errorhandler(500)
    def server_error(error):
        return render_template("errors/error.html", code=500,
                               message=gettext("Something went wrong on our side. Nothing was saved by this action.")), 500


def _page(code):
    messages = {
        403: N_("You do not have access to this page."),
        404: N_("This page does not exist."),
        405: N_("This action is not allowed here."),
    }

    def handler(error):
        return render_template("errors/error.html", code=code, message=gettext(messages[code])), code

    return handler
