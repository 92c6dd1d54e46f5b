"""The manager's queue settings per campaign: priority weights, calling hours, leases, retries, scripts."""
from flask import Blueprint

bp = Blueprint("rules", __name__, url_prefix="/rules")

from . import routes  # noqa: E402,F401
