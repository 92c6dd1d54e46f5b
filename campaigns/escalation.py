"""Who goes to formal notice (mise en demeure): the campaign's rules, and the client company's decision.

A debtor is proposed when any enabled rule holds:
- ``refusal``: it refused to pay on a call;
- ``broken_promises``: at least N of its promises were judged broken or partly kept (default 2);
- ``unreachable``: the maximum attempts were made without reaching it;
- ``overdue``: its oldest open invoice is more than X days past due (default 60), with no pending promise.
Never a debtor that owes nothing, has an open dispute (any open blocking motive: a dispute, an "already paid"
claim waiting for proof) or is under collective proceedings (motive "insolvency proceedings").

The creditor decides: a user of the client company approves or declines each proposed debtor, with a comment
(``NoticeDecision``, one per debtor, every decision audited). A declined debtor stays in the call queue; the
queue is not changed by either decision (calls go on until the letter is sent).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from . import audit, clock, penalties
from .errors import N_, Conflict, DomainError, NotFound, PermissionDenied, ValidationError
from .models import (CallAttempt, Campaign, ContactResult, DebtorAccount, Invoice, InvoiceMotive, InvoiceStatus,
                     FormalNotice, Motive, MotiveStatus, NoticeDecision, Promise, PromiseStatus, QueueState, Role, User)

REFUSAL, BROKEN_PROMISES, UNREACHABLE, OVERDUE = "refusal", "broken_promises", "unreachable", "overdue"
REASONS = (REFUSAL, BROKEN_PROMISES, UNREACHABLE, OVERDUE)
PENDING, APPROVED, DECLINED = "pending", NoticeDecision.APPROVED, NoticeDecision.DECLINED
DEFAULT_RULES = {"refusal": True, "broken_promises": 2, "unreachable": True, "overdue_days": 60}
MAX_COMMENT = 2_000


@dataclass(frozen=True)
class Rules:
    refusal: bool = True
    broken_promises: int | None = 2     # None: rule off
    unreachable: bool = True
    overdue_days: int | None = 60       # None: rule off


def rules_of(campaign: Campaign) -> Rules:
    values = {**DEFAULT_RULES, **(campaign.escalation_rules or {})}
    return Rules(refusal=bool(values["refusal"]), broken_promises=values["broken_promises"] or None,
                 unreachable=bool(values["unreachable"]), overdue_days=values["overdue_days"] or None)


def clean_rules(*, refusal: bool, unreachable: bool, broken_promises, overdue_days) -> dict:
    """The rules as stored on the campaign, or ``ValidationError`` naming the field."""
    errors = {}
    out = {"refusal": bool(refusal), "unreachable": bool(unreachable)}
    for name, value, low, high, message in (
            ("broken_promises", broken_promises, 1, 20,
             N_("The number of broken promises is a whole number from 1 to 20, or empty to turn the rule off.")),
            ("overdue_days", overdue_days, 1, 3650,
             N_("The number of days past due is a whole number from 1 to 3650, or empty to turn the rule off."))):
        text = str(value if value is not None else "").strip()
        if not text:
            out[name] = None
            continue
        try:
            number = int(text)
        except ValueError:
            number = None
        if number is None or not low <= number <= high:
            errors[f"escalation_{name}"] = DomainError(message, field=f"escalation_{name}")
        else:
            out[name] = number
    if errors:
        raise ValidationError(errors)
    return out


def save_rules(session: Session, campaign: Campaign, user_id: int, rules: dict) -> None:
    before = campaign.escalation_rules
    if before != rules:
        campaign.escalation_rules = rules
        audit.record(session, user_id, "campaign.escalation_rules", campaign, before=before, after=rules)


@dataclass
class Candidate:
    debtor_id: int
    customer_code: str | None
    company_name: str | None
    reasons: list[str]
    outstanding_cents: int
    currency: str
    oldest_due_date: date | None
    indemnity_cents: int = 0
    interest_cents: int = 0
    estimated: bool = False
    approval: str = PENDING
    comment: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    penalties: penalties.DebtorPenalties | None = field(default=None, repr=False)

    def as_json(self) -> dict:
        return {"debtor_id": self.debtor_id, "customer_code": self.customer_code, "company_name": self.company_name,
                "reasons": self.reasons, "outstanding": penalties.euros(self.outstanding_cents),
                "currency": self.currency, "indemnity": penalties.euros(self.indemnity_cents),
                "interest": penalties.euros(self.interest_cents), "interest_estimated": self.estimated,
                "approval": self.approval, "comment": self.comment, "decided_by": self.decided_by,
                "decided_at": self.decided_at.isoformat() if self.decided_at else None}


def _ids(session: Session, query) -> set[int]:
    return set(session.scalars(query))


def candidates(session: Session, campaign: Campaign, now: datetime | None = None,
               only: set[int] | None = None) -> list[Candidate]:
    """The debtors due for a formal notice under the campaign's rules, largest balance first, with their
    penalties to date and the client's decision; ``only``: just these debtors.

    A debtor whose formal notice was issued stays listed whatever happened since (the letter exists)."""
    now = clock.now(now)
    today = clock.today(campaign, now)
    rules = rules_of(campaign)
    of_campaign = DebtorAccount.campaign_id == campaign.id
    reasons: dict[int, list[str]] = {}

    def add(ids: set[int], reason: str) -> None:
        for debtor_id in ids:
            reasons.setdefault(debtor_id, []).append(reason)

    # Asked about a few debtors (issuing one letter, one decision), every query reads only theirs.
    few = only is not None and len(only) <= penalties.CHUNK

    def scope(column):
        return column.in_(sorted(only)) if few else sa.true()

    if rules.refusal:
        add(_ids(session, sa.select(CallAttempt.debtor_id).where(
            CallAttempt.campaign_id == campaign.id, CallAttempt.result == ContactResult.REFUSAL,
            scope(CallAttempt.debtor_id)).distinct())
            | _ids(session, sa.select(DebtorAccount.id).where(of_campaign, scope(DebtorAccount.id),
                                                              DebtorAccount.queue_state == QueueState.REFUSED)),
            REFUSAL)
    if rules.broken_promises:
        add(_ids(session, sa.select(Promise.debtor_id).where(
            Promise.campaign_id == campaign.id, scope(Promise.debtor_id),
            Promise.status.in_([PromiseStatus.BROKEN, PromiseStatus.PARTIALLY_KEPT]))
            .group_by(Promise.debtor_id).having(sa.func.count() >= rules.broken_promises)), BROKEN_PROMISES)
    if rules.unreachable:
        add(_ids(session, sa.select(DebtorAccount.id).where(of_campaign, scope(DebtorAccount.id),
                                                            DebtorAccount.queue_state == QueueState.UNREACHABLE)),
            UNREACHABLE)
    if rules.overdue_days:
        limit = today - timedelta(days=rules.overdue_days)
        oldest = (sa.select(Invoice.debtor_id).where(
            Invoice.campaign_id == campaign.id, scope(Invoice.debtor_id), Invoice.outstanding_cents > 0,
            Invoice.status.in_([InvoiceStatus.OPEN, InvoiceStatus.PROMISED, InvoiceStatus.DISPUTED]),
            Invoice.due_date < limit).distinct())
        pending = _ids(session, sa.select(Promise.debtor_id).where(Promise.campaign_id == campaign.id,
                                                                   scope(Promise.debtor_id),
                                                                   Promise.status == PromiseStatus.PENDING))
        add(_ids(session, oldest) - pending, OVERDUE)
    issued = _ids(session, sa.select(FormalNotice.debtor_id).where(FormalNotice.campaign_id == campaign.id,
                                                                   scope(FormalNotice.debtor_id)))
    for debtor_id in issued:
        reasons.setdefault(debtor_id, [])
    if only is not None:
        reasons = {debtor_id: why for debtor_id, why in reasons.items() if debtor_id in only}
    if not reasons:
        return []
    excluded = _ids(session, sa.select(InvoiceMotive.debtor_id).join(Motive, Motive.id == InvoiceMotive.motive_id)
                    .where(InvoiceMotive.campaign_id == campaign.id, scope(InvoiceMotive.debtor_id), sa.or_(
                        sa.and_(InvoiceMotive.status == MotiveStatus.OPEN, Motive.blocks_queue.is_(True)),
                        sa.and_(Motive.code == penalties.INSOLVENCY,
                                InvoiceMotive.status != MotiveStatus.CANCELLED))))
    ids = sorted((set(reasons) - excluded) | (issued & set(reasons)))
    rows, decisions = [], {}
    for start in range(0, len(ids), penalties.CHUNK):
        chunk = ids[start:start + penalties.CHUNK]
        rows += session.execute(sa.select(
            DebtorAccount.id, DebtorAccount.customer_code, DebtorAccount.company_name,
            DebtorAccount.total_outstanding_cents, DebtorAccount.currency, DebtorAccount.oldest_due_date,
            DebtorAccount.queue_state).where(DebtorAccount.id.in_(chunk)))
        for decision, user_name in session.execute(
                sa.select(NoticeDecision, User.name).outerjoin(User, User.id == NoticeDecision.decided_by_id)
                .where(NoticeDecision.debtor_id.in_(chunk))):
            decisions[decision.debtor_id] = (decision, user_name)
    owed = penalties.for_debtors(session, campaign, [r.id for r in rows], today)
    out = []
    for r in rows:
        if r.id not in issued and ((r.total_outstanding_cents or 0) <= 0
                                   or r.queue_state in (QueueState.PAID, QueueState.DO_NOT_CALL)):
            continue
        debt = owed.get(r.id)
        candidate = Candidate(r.id, r.customer_code, r.company_name,
                              [reason for reason in REASONS if reason in reasons[r.id]],
                              r.total_outstanding_cents, r.currency, r.oldest_due_date,
                              debt.indemnity_cents if debt else 0, debt.interest_cents if debt else 0,
                              bool(debt and debt.estimated), penalties=debt)
        if r.id in decisions:
            decision, name = decisions[r.id]
            candidate.approval, candidate.comment = decision.decision, decision.comment
            candidate.decided_by, candidate.decided_at = name, decision.decided_at
        out.append(candidate)
    out.sort(key=lambda c: (-c.outstanding_cents, c.debtor_id))
    return out


def candidate(session: Session, campaign: Campaign, debtor_id: int, now: datetime | None = None) -> Candidate:
    found = next(iter(candidates(session, campaign, now, only={debtor_id})), None)
    if found is None:
        raise NotFound(N_("This debtor is not proposed for a formal notice in this campaign."))
    return found


def decide(session: Session, campaign: Campaign, debtor_id: int, user: User, approve: bool,
           comment: str | None = None, now: datetime | None = None) -> NoticeDecision:
    """The client company's decision on one proposed debtor, by one of its users; audited."""
    if user.role is not Role.CLIENT or user.client_company_id != campaign.client_company_id:
        raise PermissionDenied(N_("Only a user of the client company decides on a formal notice."))
    comment = (comment or "").strip() or None
    if comment and len(comment) > MAX_COMMENT:
        raise ValidationError({"comment": DomainError(
            N_("The comment is too long (at most {n} characters)."), field="comment", n=MAX_COMMENT)})
    candidate(session, campaign, debtor_id, now)        # refused when the debtor is not proposed
    if session.scalar(sa.select(FormalNotice.id).where(FormalNotice.debtor_id == debtor_id)) is not None:
        raise Conflict(N_("The formal notice of this debtor is already written: the decision can no longer change."))
    decision = session.scalar(sa.select(NoticeDecision).where(NoticeDecision.debtor_id == debtor_id)
                              .with_for_update())
    value = APPROVED if approve else DECLINED
    before = decision.decision if decision else PENDING
    if decision is None:
        decision = NoticeDecision(campaign_id=campaign.id, debtor_id=debtor_id)
        session.add(decision)
    decision.decision, decision.comment = value, comment
    decision.decided_by_id, decision.decided_at = user.id, clock.now(now)
    session.flush()
    audit.record(session, user.id, f"notice.{value}", decision, campaign_id=campaign.id, debtor_id=debtor_id,
                 before=before, comment=comment)
    return decision
