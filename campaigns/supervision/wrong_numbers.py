"""Debtors whose every number turned out wrong: the manager's list of numbers to find."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..models import CallAttempt, DebtorAccount, Phone, QueueState, User


@dataclass
class NumberToFind:
    debtor_id: int
    customer_code: str | None
    company_name: str | None
    contact_names: str | None
    outstanding_cents: int
    numbers_tried: list[str]
    last_attempt_at: datetime | None
    last_agent: str | None
    last_notes: str | None


def numbers_to_find(session: Session, campaign_id: int, limit: int | None = 200) -> list[NumberToFind]:
    """Debtors waiting for a new number, the biggest balances first, with what was tried and said."""
    query = (sa.select(DebtorAccount.id, DebtorAccount.customer_code, DebtorAccount.company_name,
                       DebtorAccount.contact_names, DebtorAccount.total_outstanding_cents)
             .where(DebtorAccount.campaign_id == campaign_id, DebtorAccount.queue_state == QueueState.WRONG_NUMBER)
             .order_by(DebtorAccount.total_outstanding_cents.desc(), DebtorAccount.id))
    if limit:
        query = query.limit(limit)
    debtors = session.execute(query).all()
    ids = [d.id for d in debtors]
    if not ids:
        return []
    tried: dict[int, list[str]] = {}
    for debtor_id, raw in session.execute(sa.select(Phone.debtor_id, Phone.raw)
                                          .where(Phone.debtor_id.in_(ids)).order_by(Phone.position, Phone.id)):
        tried.setdefault(debtor_id, []).append(raw)
    latest = (sa.select(CallAttempt.debtor_id, sa.func.max(CallAttempt.id).label("id"))
              .where(CallAttempt.debtor_id.in_(ids)).group_by(CallAttempt.debtor_id).subquery())
    last = {row.debtor_id: row for row in session.execute(
        sa.select(CallAttempt.debtor_id, CallAttempt.started_at, CallAttempt.notes, User.name)
        .join(latest, latest.c.id == CallAttempt.id).outerjoin(User, User.id == CallAttempt.agent_id))}
    return [NumberToFind(d.id, d.customer_code, d.company_name, d.contact_names, d.total_outstanding_cents,
                         tried.get(d.id, []),
                         last[d.id].started_at if d.id in last else None,
                         last[d.id].name if d.id in last else None,
                         last[d.id].notes if d.id in last else None)
            for d in debtors]
