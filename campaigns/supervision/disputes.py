"""Open disputes (blocking motives awaiting the client), listed for the manager to forward.

Resolving one is a queue rule: ``campaigns.outcomes.resolve_dispute``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..models import DebtorAccount, Invoice, InvoiceMotive, Motive, MotiveStatus, User


@dataclass
class DisputeRow:
    id: int
    debtor_id: int
    customer_code: str | None
    company_name: str | None
    contact_names: str | None
    invoice_number: str
    amount_cents: int
    motive: str
    details: str | None
    documents_requested: str | None
    agent_name: str | None
    created_at: datetime


def open_disputes(session: Session, campaign_id: int, limit: int | None = 200) -> list[DisputeRow]:
    """Open blocking motives (disputes, missing documents...) oldest first: what the client must answer."""
    query = (
        sa.select(InvoiceMotive.id, InvoiceMotive.debtor_id, DebtorAccount.customer_code, DebtorAccount.company_name,
                  DebtorAccount.contact_names, Invoice.number,
                  sa.func.coalesce(InvoiceMotive.disputed_amount_cents, Invoice.initial_outstanding_cents),
                  Motive.label_fr, InvoiceMotive.details, InvoiceMotive.documents_requested, User.name,
                  InvoiceMotive.created_at)
        .join(Motive, Motive.id == InvoiceMotive.motive_id)
        .join(Invoice, Invoice.id == InvoiceMotive.invoice_id)
        .join(DebtorAccount, DebtorAccount.id == InvoiceMotive.debtor_id)
        .outerjoin(User, User.id == InvoiceMotive.agent_id)
        .where(InvoiceMotive.campaign_id == campaign_id, InvoiceMotive.status == MotiveStatus.OPEN,
               Motive.blocks_queue.is_(True))
        .order_by(InvoiceMotive.created_at, InvoiceMotive.id)
    )
    if limit:
        query = query.limit(limit)
    return [DisputeRow(*row) for row in session.execute(query)]
