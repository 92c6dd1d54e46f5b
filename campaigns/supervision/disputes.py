"""Open disputes (blocking motives awaiting the client), listed for the manager to forward.

``resolve_dispute`` records the client's answer and puts the debtor back in the queue when nothing else blocks it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .. import audit, clock, priority
from ..errors import N_, Conflict, NotFound
from ..models import DebtorAccount, Invoice, InvoiceMotive, InvoiceStatus, Motive, MotiveStatus, QueueState, User


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
    client_decision: str | None = None      # campaigns.client_answers: "credit_note" while the credit note waits
    answered_at: datetime | None = None


def open_disputes(session: Session, campaign_id: int, limit: int | None = 200, language: str = "fr") -> list[DisputeRow]:
    """Open blocking motives (disputes, missing documents...) oldest first: what the client must answer,
    each motive labelled in ``language`` (fr or en)."""
    query = (
        sa.select(InvoiceMotive.id, InvoiceMotive.debtor_id, DebtorAccount.customer_code, DebtorAccount.company_name,
                  DebtorAccount.contact_names, Invoice.number,
                  sa.func.coalesce(InvoiceMotive.disputed_amount_cents, Invoice.initial_outstanding_cents),
                  Motive.label_en if language == "en" else Motive.label_fr, InvoiceMotive.details,
                  InvoiceMotive.documents_requested, User.name,
                  InvoiceMotive.created_at, InvoiceMotive.client_decision, InvoiceMotive.answered_at)
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


def resolve_dispute(session: Session, motive_id: int, user_id: int, resolution: str | None = None,
                    now: datetime | None = None, campaign_id: int | None = None) -> InvoiceMotive:
    """The client answered a motive: it is resolved; the invoice reopens and the debtor returns to the
    queue when nothing else blocks them. ``campaign_id``: refuse a motive of another campaign.
    """
    now = clock.now(now)
    m = session.get(InvoiceMotive, motive_id, with_for_update=True)
    if m is None or (campaign_id is not None and m.campaign_id != campaign_id):
        raise NotFound(N_("No such dispute."))
    if m.status != MotiveStatus.OPEN:
        raise Conflict(N_("This dispute is already closed."))
    m.status, m.resolved_at, m.resolved_by_id = MotiveStatus.RESOLVED, now, user_id
    m.resolution = (resolution or "").strip() or None
    session.flush()

    def still_blocking(**where):
        q = (sa.select(sa.func.count()).select_from(InvoiceMotive).join(Motive, Motive.id == InvoiceMotive.motive_id)
             .where(InvoiceMotive.status == MotiveStatus.OPEN, Motive.blocks_queue.is_(True)))
        for k, v in where.items():
            q = q.where(getattr(InvoiceMotive, k) == v)
        return session.scalar(q) > 0

    inv = m.invoice
    if inv.status == InvoiceStatus.DISPUTED and not still_blocking(invoice_id=inv.id):
        inv.status = InvoiceStatus.OPEN if inv.outstanding_cents > 0 else InvoiceStatus.PAID
    debtor = m.debtor
    back_in_queue = debtor.queue_state == QueueState.DISPUTED and not still_blocking(debtor_id=debtor.id)
    if back_in_queue:
        debtor.queue_state, debtor.next_action_at = QueueState.READY, now
        debtor.version = (debtor.version or 0) + 1
        priority.recompute_debtor(session, debtor, now)
    audit.record(session, user_id, "dispute.resolve", m, invoice=inv.number, resolution=m.resolution,
                 debtor_back_in_queue=back_in_queue)
    session.flush()
    return m
