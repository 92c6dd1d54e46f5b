"""The client company's settings, reached from one of its campaigns (managers edit, the client's users read)."""
from flask import Blueprint

bp = Blueprint("clients", __name__, url_prefix="/campaigns/<int:campaign_id>/client")

from . import routes, wording  # noqa: E402,F401
