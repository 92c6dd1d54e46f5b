"""Error pages and the translation of domain errors into responses."""
from __future__ import annotations

from flask import render_template
from flask_babel import gettext
from flask_wtf.csrf import CSRFError

from campaigns.errors import N_, DomainError


def domain_message(error: DomainError) -> str:
    """A domain error's message in the user's language, placeholders filled."""
    text = gettext(error.message)
    return text.format(**error.params) if error.params else text


def register_error_handlers(app):
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_template("errors/error.html", code=400,
                               message=gettext("Your session form expired or is invalid. Reload the page and try again.")), 400

    for code in (403, 404, 405, 413):
        app.register_error_handler(code, _page(code))

    @app.errorhandler(500)
    def server_error(error):
        return render_template("errors/error.html", code=500,
                               message=gettext("Something went wrong on our side. Nothing was saved by this action.")), 500


def _page(code):
    messages = {
        403: N_("You do not have access to this page."),
        404: N_("This page does not exist."),
        405: N_("This action is not allowed here."),
        413: N_("The file is too large."),
    }

    def handler(error):
        return render_template("errors/error.html", code=code, message=gettext(messages[code])), code

    return handler
