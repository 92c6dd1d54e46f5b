"""One-line figures per campaign, for the lists people start their day on."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from . import queue
from .access import visible_campaigns_query
from .models import Campaign, ClientCompany, DebtorAccount, User


@dataclass
class CampaignRow:
    campaign: Campaign
    client_name: str
    debtors: int
    to_call: int            # what the queue could hand out now (queue.callable_now)
    outstanding_cents: int
    agents: int


def campaign_rows(session: Session, user: User) -> list[CampaignRow]:
    """The campaigns visible to ``user`` with their debtor counts, newest first."""
    visible = visible_campaigns_query(user).subquery()
    counts = (
        sa.select(
            DebtorAccount.campaign_id,
            sa.func.count().label("debtors"),
            sa.func.coalesce(sa.func.sum(DebtorAccount.total_outstanding_cents), 0).label("outstanding"),
        )
        .where(DebtorAccount.campaign_id.in_(sa.select(visible.c.id)))
        .group_by(DebtorAccount.campaign_id)
        .subquery()
    )
    rows = session.execute(
        sa.select(Campaign, ClientCompany.name, counts.c.debtors, counts.c.outstanding)
        .join(ClientCompany, ClientCompany.id == Campaign.client_company_id)
        .outerjoin(counts, counts.c.campaign_id == Campaign.id)
        .where(Campaign.id.in_(sa.select(visible.c.id)))
        .order_by(Campaign.created_at.desc(), Campaign.id.desc())
    ).all()
    return [
        CampaignRow(c, client, debtors or 0, queue.callable_now(session, c) if debtors else 0,
                    int(outstanding or 0), len(c.agents))
        for c, client, debtors, outstanding in rows
    ]
