"""A debtor's balances (outstanding, open invoices, oldest due date, amount entrusted) from its invoices, for
everything that changes invoices: update files, the client's corrections."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .models import DebtorAccount, Invoice, QueueState

CHUNK = 5000


def refresh_debtors(session: Session, campaign_id: int, debtor_ids: set[int]) -> None:
    """Totals from the invoices of these debtors; those with nothing left to pay leave the queue."""
    open_filter = Invoice.outstanding_cents > 0
    rows = []
    ordered = sorted(debtor_ids)
    for start in range(0, len(ordered), CHUNK):
        rows += session.execute(
            sa.select(Invoice.debtor_id, sa.func.sum(Invoice.outstanding_cents),
                      sa.func.sum(sa.case((open_filter, 1), else_=0)),
                      sa.func.min(sa.case((open_filter, Invoice.due_date), else_=None)),
                      sa.func.sum(Invoice.initial_outstanding_cents))
            .where(Invoice.campaign_id == campaign_id, Invoice.debtor_id.in_(ordered[start:start + CHUNK]))
            .group_by(Invoice.debtor_id)).all()
    # What each debtor was entrusted with: its invoices as placed, those added or raised since included.
    # Sums come back as Decimal on PostgreSQL: ints, as the columns hold (the ORM keeps what it is given).
    values = [{"id": debtor_id, "total_outstanding_cents": int(total or 0), "open_invoices_count": int(count or 0),
               "oldest_due_date": oldest, "initial_outstanding_cents": int(entrusted or 0)}
              for debtor_id, total, count, oldest, entrusted in rows]
    for row in values:
        if row["total_outstanding_cents"] <= 0:
            row["queue_state"] = QueueState.PAID
    for group in ([v for v in values if "queue_state" in v], [v for v in values if "queue_state" not in v]):
        if group:
            session.execute(sa.update(DebtorAccount), group)
