"""An agent's agenda for today in a campaign: its personal callbacks, the team's callbacks and the promises
broken today whose debtors wait to be called back, in time order. The console warns a few minutes before a
personal callback is due and opens it with one key."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from . import clock, states
from .models import Callback, CallbackStatus, Campaign, DebtorAccount, Promise, PromiseStatus

WARN_BEFORE = timedelta(minutes=5)
PERSONAL, TEAM, BROKEN = "personal", "team", "broken_promise"


@dataclass(frozen=True)
class Entry:
    kind: str                 # personal | team | broken_promise
    at: datetime              # when it is due (a broken promise: when it was judged)
    debtor_id: int
    debtor_name: str
    note: str | None
    outstanding_cents: int
    currency: str

    def soon(self, now: datetime) -> bool:
        """A personal callback due within the warning time (or overdue)."""
        return self.kind == PERSONAL and self.at - now <= WARN_BEFORE


def today(session: Session, campaign: Campaign, agent_id: int, now: datetime | None = None) -> list[Entry]:
    now = clock.now(now)
    day = clock.today(campaign, now)
    start, end = clock.morning(campaign, day, 0), clock.morning(campaign, day + timedelta(days=1), 0)
    name = sa.func.coalesce(DebtorAccount.company_name, DebtorAccount.customer_code)
    entries = [
        Entry(PERSONAL if agent == agent_id else TEAM, due, debtor_id, who or "", note, int(owed or 0), currency)
        for due, agent, debtor_id, who, note, owed, currency in session.execute(
            sa.select(Callback.due_at, Callback.agent_id, DebtorAccount.id, name, Callback.note,
                      DebtorAccount.total_outstanding_cents, DebtorAccount.currency)
            .join(DebtorAccount, DebtorAccount.id == Callback.debtor_id)
            .where(Callback.campaign_id == campaign.id, Callback.status == CallbackStatus.PENDING,
                   Callback.due_at < end, sa.or_(Callback.agent_id == agent_id, Callback.agent_id.is_(None)),
                   DebtorAccount.queue_state.in_(states.CALLABLE)))]
    entries += [
        Entry(BROKEN, judged, debtor_id, who or "", None, int(owed or 0), currency)
        for judged, debtor_id, who, owed, currency in session.execute(
            sa.select(Promise.judged_at, DebtorAccount.id, name, DebtorAccount.total_outstanding_cents,
                      DebtorAccount.currency)
            .join(DebtorAccount, DebtorAccount.id == Promise.debtor_id)
            .where(Promise.campaign_id == campaign.id,
                   Promise.status.in_([PromiseStatus.BROKEN, PromiseStatus.PARTIALLY_KEPT]),
                   Promise.judged_at >= start, Promise.judged_at < end,
                   DebtorAccount.queue_state.in_(states.CALLABLE)))]
    return sorted(entries, key=lambda e: (e.at, e.debtor_name))
