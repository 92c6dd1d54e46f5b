"""Supervision: the live campaign dashboard, open disputes, recap downloads and the purge at close."""
from flask import Blueprint

from campaigns.models import Role

from ..navigation import campaign_link

bp = Blueprint("supervision", __name__, url_prefix="/campaigns/<int:campaign_id>/supervision")
# Client users land on the dashboard of their company's campaign; managers too unless another area
# (registered earlier) already leads them elsewhere.
campaign_link(bp, [Role.CLIENT, Role.MANAGER, Role.ADMIN], "supervision.dashboard")

from . import answers, floor, messages, notices, routes  # noqa: E402,F401
