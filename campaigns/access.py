"""Who may see which campaign. The single place where visibility is decided."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .errors import N_, NotFound, PermissionDenied
from .models import Campaign, Role, User, campaign_agents


def visible_campaigns_query(user: User) -> sa.Select:
    """Campaigns this user may see: all for staff, assigned ones for agents, own company's for clients."""
    query = sa.select(Campaign)
    if user.role in (Role.ADMIN, Role.MANAGER):
        return query
    if user.role is Role.AGENT:
        return query.join(campaign_agents, campaign_agents.c.campaign_id == Campaign.id).where(
            campaign_agents.c.user_id == user.id)
    if user.role is Role.CLIENT and user.client_company_id is not None:
        return query.where(Campaign.client_company_id == user.client_company_id)
    return query.where(sa.false())


def get_visible_campaign(session: Session, user: User, campaign_id: int) -> Campaign:
    """The campaign, or NotFound when it does not exist or is not this user's to see.

    Both cases answer the same, so that guessing ids reveals nothing.
    """
    campaign = session.scalar(visible_campaigns_query(user).where(Campaign.id == campaign_id))
    if campaign is None:
        raise NotFound(N_("No such campaign."))
    return campaign


def require_staff(user: User) -> None:
    if user.role not in (Role.ADMIN, Role.MANAGER):
        raise PermissionDenied(N_("Only campaign managers can do this."))
