"""Managers set up campaigns: create one, assign negotiators, load the client's files, start and pause."""
from flask import Blueprint, current_app
from flask_babel import lazy_gettext

from campaigns.models import Role

from ..navigation import campaign_link, page_action

bp = Blueprint("manage", __name__, url_prefix="/manage")
page_action(bp, "home.index", [Role.MANAGER, Role.ADMIN], "manage.new_campaign", lazy_gettext("New campaign"))
campaign_link(bp, [Role.MANAGER, Role.ADMIN], "manage.campaign")


@bp.app_context_processor
def _endpoints():
    """``url_map_endpoints``: lets manage/_campaign_links.html show only links to pages that exist."""
    return {"url_map_endpoints": {rule.endpoint for rule in current_app.url_map.iter_rules()}}


from . import imports, routes  # noqa: E402,F401
