"""Open disputes (blocking motives awaiting the client) and their resolution."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .. import audit
from ..errors import N_, Conflict, NotFound
from ..models import (
    DebtorAccount, Invoice, InvoiceMotive, InvoiceStatus, Motive, MotiveStatus, QueueState, User, utcnow,
)


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


def resolve(session: Session, user: User, campaign_id: int, motive_id: int, resolution: str | None = None,
            now: datetime | None = None) -> InvoiceMotive:
    """Mark an open dispute resolved; when nothing else blocks its debtor, the debtor returns to the queue."""
    now = now or utcnow()
    item = session.get(InvoiceMotive, motive_id, with_for_update=True)
    if item is None or item.campaign_id != campaign_id:
        raise NotFound(N_("No such dispute."))
    if item.status is not MotiveStatus.OPEN:
        raise Conflict(N_("This dispute is already closed."))
    item.status = MotiveStatus.RESOLVED
    item.resolved_at = now
    item.resolved_by_id = user.id
    item.resolution = (resolution or "").strip() or None
    session.flush()

    still_blocking = (
        sa.select(InvoiceMotive.id).join(Motive, Motive.id == InvoiceMotive.motive_id)
        .where(InvoiceMotive.status == MotiveStatus.OPEN, Motive.blocks_queue.is_(True)).limit(1)
    )
    invoice = session.get(Invoice, item.invoice_id)
    if invoice.status is InvoiceStatus.DISPUTED and session.scalar(
            still_blocking.where(InvoiceMotive.invoice_id == invoice.id)) is None:
        invoice.status = InvoiceStatus.OPEN if invoice.outstanding_cents > 0 else InvoiceStatus.PAID
    debtor = session.get(DebtorAccount, item.debtor_id)
    back_to_queue = debtor.queue_state is QueueState.DISPUTED and session.scalar(
        still_blocking.where(InvoiceMotive.debtor_id == debtor.id)) is None
    if back_to_queue:
        debtor.queue_state = QueueState.READY
        debtor.next_action_at = now
        debtor.version += 1
    audit.record(session, user.id, "dispute.resolve", item, campaign_id=campaign_id,
                 invoice=invoice.number, resolution=item.resolution, debtor_back_in_queue=back_to_queue)
    session.flush()
    return item
