"""Debtors whose every number turned out wrong: the manager's list of numbers to find."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .. import audit, clock, phones, priority
from ..errors import N_, DomainError, NotFound, ValidationError
from ..models import CallAttempt, DebtorAccount, Phone, PhoneStatus, QueueState, User


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


def to_find():
    """A number to find: every number failed, and the client has not said it knows no other."""
    return sa.and_(DebtorAccount.queue_state == QueueState.WRONG_NUMBER, DebtorAccount.no_number_known.is_(False))


def numbers_to_find(session: Session, campaign_id: int, limit: int | None = 200) -> list[NumberToFind]:
    """Debtors waiting for a new number, the biggest balances first, with what was tried and said."""
    query = (sa.select(DebtorAccount.id, DebtorAccount.customer_code, DebtorAccount.company_name,
                       DebtorAccount.contact_names, DebtorAccount.total_outstanding_cents)
             .where(DebtorAccount.campaign_id == campaign_id, to_find())
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


def mark_wrong(session: Session, debtor: DebtorAccount, dialled: str | None, new_phone: str | None,
               user_id: int) -> None:
    """A call found the number wrong: mark the one dialled (or the only working one), add the new one given."""
    numbers = list(debtor.phones)
    if dialled:
        for ph in numbers:
            if dialled in (ph.raw, ph.e164):
                ph.status = PhoneStatus.WRONG
    elif len([p for p in numbers if p.status == PhoneStatus.OK]) == 1:
        for ph in numbers:
            ph.status = PhoneStatus.WRONG
    if new_phone:
        add_phone(session, debtor, new_phone, user_id)
    debtor.has_valid_phone = any(p.status == PhoneStatus.OK for p in debtor.phones)


def add_phone(session: Session, debtor: DebtorAccount, raw: str, user_id: int | None) -> Phone:
    """Give the debtor a number (a known one given again works after all)."""
    e164, kind = phones.normalise(raw)
    for known in debtor.phones:
        if e164 and known.e164 == e164:  # a number already on file, given again: it works after all
            known.status = PhoneStatus.OK
            return known
    phone = Phone(raw=raw.strip(), e164=e164, kind=kind, label="ajouté", status=PhoneStatus.OK, added_by_id=user_id,
                  position=1 + max((p.position for p in debtor.phones), default=0))
    debtor.phones.append(phone)
    session.flush()
    return phone


def set_new_phone(session: Session, debtor_id: int, user_id: int, phone: str, now: datetime | None = None,
                  campaign_id: int | None = None) -> Phone:
    """The manager's wrong-number list: give the debtor a new number and put it back in the queue."""
    now = clock.now(now)
    if phones.normalise(phone or "")[0] is None:
        raise ValidationError({"phone": DomainError(N_("This phone number does not look valid."), field="phone")})
    debtor = session.get(DebtorAccount, debtor_id)
    if debtor is None or (campaign_id is not None and debtor.campaign_id != campaign_id):
        raise NotFound(N_("This debtor does not exist."))
    added = add_phone(session, debtor, phone, user_id)
    debtor.has_valid_phone = True
    if debtor.queue_state == QueueState.WRONG_NUMBER:
        debtor.queue_state, debtor.next_action_at = QueueState.READY, None
        debtor.version = (debtor.version or 0) + 1
    priority.recompute_debtor(session, debtor, now)
    # The phone's id, not the number: personal data must go when the campaign is purged, the audit stays.
    audit.record(session, user_id, "debtor.phone_added", debtor, phone_id=added.id)
    session.flush()
    return added
