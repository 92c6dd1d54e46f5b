"""Bounds at the edge: what a request may carry before any view or the domain sees it.

Every query parameter and form field (files apart) is refused with a 400 and a message in the user's language
when it holds a NUL byte or a control character (line breaks are allowed in form fields, never in the address),
when it is longer than any field of the product needs, or when a number in it could not be stored; path ids
beyond what the database stores do not match any route (404). Fields with a smaller limit of their own check it
in their form; a value past a column's size that still gets through is answered by the 422 of errors.py.
"""
from __future__ import annotations

import re

from flask import render_template, request
from flask_babel import gettext
from werkzeug.routing import IntegerConverter

from .extensions import htmx

BIGINT_MAX = 2**63 - 1
MAX_KEY_CHARS = 100          # a field's name
MAX_QUERY_CHARS = 2_000      # a query parameter (a search, a ?next= path)
MAX_FIELD_CHARS = 20_000     # a form field (the longest are the agents' notes and the client's answers)
_CONTROL_IN_QUERY = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_IN_FORM = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")   # tabs and line breaks are text
_LONG_NUMBER = re.compile(r"[+-]?\d{19,}")


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` that matches only ids the database can hold (bigint): a larger one is a 404, not a 500."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", BIGINT_MAX)
        super().__init__(map, *args, **kwargs)


def _refusal() -> str | None:
    """Why this request's values are refused (None when they are fine)."""
    for key, value in request.args.items(multi=True):
        if len(key) > MAX_KEY_CHARS or len(value) > MAX_QUERY_CHARS:
            return gettext("The address of this page is too long. Go back and try again.")
        if _CONTROL_IN_QUERY.search(key) or _CONTROL_IN_QUERY.search(value):
            return gettext("The address of this page holds a character that is not allowed (a control character).")
        if _LONG_NUMBER.fullmatch(value.strip()):
            return gettext("A number in the address of this page is too large.")
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        for key, value in request.form.items(multi=True):
            if len(key) > MAX_KEY_CHARS or _CONTROL_IN_QUERY.search(key):
                return gettext("The form sent is not valid. Reload the page and try again.")
            if len(value) > MAX_FIELD_CHARS:
                return gettext("A field of the form is too long (more than {n} characters): shorten what you "
                               "typed and send it again.").format(n=f"{MAX_FIELD_CHARS:,}".replace(",", "\u202f"))
            if _LONG_NUMBER.fullmatch(value.strip()):
                return gettext("A number in the form is too large: correct it and send the form again.")
            if _CONTROL_IN_FORM.search(value):
                return gettext("A field of the form holds a character that is not allowed (a control character, "
                               "often pasted from another program): remove it and send the form again.")
    return None


def register(app) -> None:
    app.url_map.converters["int"] = BoundedIntConverter

    @app.before_request
    def refuse_unbounded_values():
        """Registered before CSRF protection: a value that could not be stored is refused before anything."""
        message = _refusal()
        if message is None:
            return None
        template = "errors/_alert.html" if htmx else "errors/error.html"
        return render_template(template, code=400, message=message), 400
