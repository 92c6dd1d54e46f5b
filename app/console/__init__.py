"""The agent console: the campaigns to work, the debtor card, the outcome panel, the next debtor."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from campaigns.models import Role

from ..navigation import campaign_link, nav_item

bp = Blueprint("console", __name__, url_prefix="/console")

nav_item(bp, [Role.AGENT], "console.index", _l("Calling console"))
campaign_link(bp, [Role.AGENT], "console.campaign")

from . import routes  # noqa: E402,F401
