"""Navigation by role. Feature blueprints declare their entries; templates list only what exists.

Each declaration is recorded on the blueprint and lands in ``app.extensions['relance_nav']``
when the blueprint is registered, so an area that is not installed shows no link.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, current_app, url_for
from flask_babel import lazy_gettext

from campaigns.models import CampaignStatus, Role

ROLE_LABELS = {
    Role.ADMIN: lazy_gettext("Administrator"),
    Role.MANAGER: lazy_gettext("Campaign manager"),
    Role.AGENT: lazy_gettext("Negotiator"),
    Role.CLIENT: lazy_gettext("Client"),
}
STATUS_LABELS = {
    CampaignStatus.DRAFT: lazy_gettext("Draft"),
    CampaignStatus.ACTIVE: lazy_gettext("Active"),
    CampaignStatus.PAUSED: lazy_gettext("Paused"),
    CampaignStatus.CLOSED: lazy_gettext("Closed"),
}


@dataclass(frozen=True)
class NavItem:
    roles: frozenset[str]
    endpoint: str
    label: object
    key: str | None = None


def _registry(app):
    return app.extensions.setdefault("relance_nav", {"nav": [], "actions": {}, "campaign_links": {}})


def nav_item(bp: Blueprint, roles, endpoint: str, label, key: str | None = None) -> None:
    """Add a top navigation link for ``roles`` once ``bp`` is registered."""
    item = NavItem(frozenset(r.value for r in roles), endpoint, label, key)
    bp.record_once(lambda state: _registry(state.app)["nav"].append(item))


def page_action(bp: Blueprint, page: str, roles, endpoint: str, label) -> None:
    """Add a button to the head of ``page`` (an endpoint) for ``roles``."""
    item = NavItem(frozenset(r.value for r in roles), endpoint, label)
    bp.record_once(lambda state: _registry(state.app)["actions"].setdefault(page, []).append(item))


def campaign_link(bp: Blueprint, roles, endpoint: str) -> None:
    """Where a campaign's name leads for ``roles`` (an endpoint taking ``campaign_id``)."""
    def record(state):
        for role in roles:
            _registry(state.app)["campaign_links"].setdefault(role.value, endpoint)
    bp.record_once(record)


def register(app):
    _registry(app)

    @app.context_processor
    def navigation_helpers():
        registry = _registry(current_app)

        def extra_nav_items(role: str):
            return [i for i in registry["nav"] if role in i.roles]

        def page_actions(page: str, role: str):
            return [i for i in registry["actions"].get(page, []) if role in i.roles]

        def link_for_campaign(campaign, role: str):
            endpoint = registry["campaign_links"].get(role)
            return url_for(endpoint, campaign_id=campaign.id) if endpoint else None

        return {
            "extra_nav_items": extra_nav_items,
            "page_actions": page_actions,
            "campaign_link": link_for_campaign,
            "role_label": lambda role: ROLE_LABELS[Role(role)],
            "status_label": lambda status: STATUS_LABELS[CampaignStatus(status)],
        }
