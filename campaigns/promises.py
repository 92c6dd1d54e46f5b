"""Promises of payment: made on a call, judged from the payments recorded since, one rule for every path.

The rule (the console, the job worker and update files all call ``judge_debtors``):

- What counts towards a promise is what the invoices it covers lost in outstanding after the promise was
  made (``promise_invoices.outstanding_cents`` keeps their outstanding at that moment), each loss dated by
  its ``InvoiceChange.paid_on``.
- A single promise is a plan of one instalment. Payments are allocated to a plan's instalments oldest first
  (an overpayment of one counts towards the next). An instalment is kept when fully paid by its date + the
  campaign's grace days; broken (or partly kept, when part of it was paid) once that day has passed.
- The plan is pending while every instalment due so far is kept, broken as soon as one instalment is broken
  with nothing paid on it, partly kept when an instalment is broken after part of it was paid, and kept when
  its last instalment is kept.
- A judged promise (kept, partly kept, broken) is final; a new promise on the same debtor cancels the
  pending one. A broken or partly kept promise brings its debtor back to the queue with a boost.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Iterable, Mapping, Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from . import audit, clock, payment_references, priority
from .models import (Campaign, DebtorAccount, Instalment, Invoice, InvoiceChange, InvoiceStatus, PaymentMethod,
                     Promise, PromiseStatus, QueueState)
from .mail.thanks import thank_for_promise
from .models.calls import promise_invoices

FINAL = (PromiseStatus.KEPT, PromiseStatus.PARTIALLY_KEPT, PromiseStatus.BROKEN)
BROKEN = (PromiseStatus.PARTIALLY_KEPT, PromiseStatus.BROKEN)
CHUNK = 5000


# -- The rule, on plain values ------------------------------------------------------------------------------

@dataclass(frozen=True)
class InstalmentVerdict:
    status: PromiseStatus
    paid_cents: int


@dataclass(frozen=True)
class Verdict:
    """A promise judged on a day: its status, what was paid towards it, each instalment's status."""
    status: PromiseStatus
    paid_cents: int
    instalments: tuple[InstalmentVerdict, ...]
    broken_on: date | None = None       # the due date of the instalment that broke it
    next_deadline: date | None = None   # while pending: the last day the next instalment may be paid


def judge(schedule: Sequence[tuple[date, int]], payments: Iterable[tuple[date, int]], today: date,
          grace_days: int = 0) -> Verdict:
    """Judge a schedule of (due date, cents) against dated payments (date, cents), as known on ``today``."""
    payments = sorted(payments)
    grace = timedelta(days=grace_days or 0)

    def paid_by(day: date) -> int:
        return sum(cents for when, cents in payments if when <= day)

    total_paid = max(paid_by(today), 0)
    verdicts, before, left = [], 0, total_paid
    status, broken_on, next_deadline = None, None, None
    for due, cents in schedule:
        deadline = due + grace
        upto = before + cents
        on_time = paid_by(min(deadline, today))
        if on_time >= upto:
            state = PromiseStatus.KEPT
        elif today > deadline:
            state = PromiseStatus.PARTIALLY_KEPT if on_time > before else PromiseStatus.BROKEN
        else:
            state = PromiseStatus.PENDING
            next_deadline = next_deadline or deadline
        if state in BROKEN and status is None:
            status, broken_on = state, due
        share = min(max(left, 0), cents)
        left -= share
        verdicts.append(InstalmentVerdict(state, share))
        before = upto
    if status is None:
        status = PromiseStatus.KEPT if verdicts and verdicts[-1].status is PromiseStatus.KEPT else PromiseStatus.PENDING
    return Verdict(status, total_paid, tuple(verdicts), broken_on,
                   next_deadline if status is PromiseStatus.PENDING else None)


def credited(at_promise: Mapping[int, int], events: Iterable[tuple[int, date, int]]) -> list[tuple[date, int]]:
    """Dated amounts credited to a promise: for each invoice it covers, the fall of its outstanding below what
    it was when the promise was made (``at_promise``: invoice id -> cents), from the changes recorded since
    (invoice id, date, fall in cents; a rise is a negative fall). Never more than the invoice owed then."""
    by_invoice: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for invoice_id, when, fall in events:
        if invoice_id in at_promise:
            by_invoice[invoice_id].append((when, fall))
    out: list[tuple[date, int]] = []
    for invoice_id, changes in by_invoice.items():
        cap, running, counted = max(at_promise[invoice_id] or 0, 0), 0, 0
        for when, fall in sorted(changes):
            running += fall
            now_counted = min(max(running, 0), cap)
            if now_counted != counted:
                out.append((when, now_counted - counted))
                counted = now_counted
    return out


# -- Making a promise ------------------------------------------------------------------------------------------

def create(session: Session, campaign: Campaign, debtor: DebtorAccount, call_id: int, agent_id: int,
           invoices: Sequence[Invoice], amount_cents: int, method: PaymentMethod,
           schedule: Sequence[tuple[date, int]] | None, promised_date: date | None,
           waive_penalties_until: date | None = None) -> tuple[Promise, list[int]]:
    """Record a promise (a plan when ``schedule`` is given) on these invoices; it replaces the debtor's pending
    one. ``waive_penalties_until``: the late-payment penalties are waived if the promise is kept (paid by that
    date). Returns the promise and the ids of the promises it cancelled."""
    replaced = list(session.scalars(sa.select(Promise.id).where(Promise.debtor_id == debtor.id,
                                                                Promise.status == PromiseStatus.PENDING)))
    if replaced:
        session.execute(sa.update(Promise).where(Promise.id.in_(replaced)).values(status=PromiseStatus.CANCELLED))
    first = schedule[0][0] if schedule else promised_date
    promise = Promise(campaign_id=campaign.id, debtor_id=debtor.id, call_id=call_id, agent_id=agent_id,
                      promised_date=first, amount_cents=amount_cents, method=method, is_plan=bool(schedule),
                      penalties_waived_if_paid_by=waive_penalties_until,
                      penalty_waiver="offered" if waive_penalties_until else None)
    for seq, (due, cents) in enumerate(schedule or [], start=1):
        promise.instalments.append(Instalment(seq=seq, due_date=due, amount_cents=cents))
    session.add(promise)
    session.flush()
    promise.payment_reference = payment_references.for_promise(campaign.id, promise.id)
    if invoices:
        session.execute(sa.insert(promise_invoices), [
            {"promise_id": promise.id, "invoice_id": inv.id, "outstanding_cents": inv.outstanding_cents}
            for inv in invoices])
    for inv in invoices:
        inv.status = InvoiceStatus.PROMISED
    return promise, replaced


def follow_up_at(campaign: Campaign, deadline: date) -> datetime:
    """When a promise's debtor comes back to the queue: the morning after its deadline, when it can be judged."""
    return clock.morning(campaign, deadline + timedelta(days=1))


def schedule_of(promise: Promise) -> list[tuple[date, int]]:
    """The promise as (due date, cents) instalments: a single promise is a plan of one."""
    if promise.is_plan and promise.instalments:
        return [(i.due_date, i.amount_cents) for i in promise.instalments]
    return [(promise.promised_date, promise.amount_cents)]


# -- Judging promises held in the database ---------------------------------------------------------------------

@dataclass
class Judged:
    """A pending promise and its verdict; ``changed`` when anything would be written."""
    promise: Promise
    before: PromiseStatus
    verdict: Verdict
    changed: bool


def judge_debtors(session: Session, campaign: Campaign, debtor_ids: Iterable[int] | None = None,
                  now: datetime | None = None, prospective: Iterable[tuple[int, date, int]] = (),
                  write: bool = True, batch_id: int | None = None) -> list[Judged]:
    """Judge the pending promises of these debtors (None: every pending promise of the campaign whose first
    deadline has passed) and, with ``write``, record each verdict that changes something.

    ``prospective``: payments not recorded yet, (invoice id, date, fall in cents), as an update file's preview
    would make them. Verdicts are written by the system (no person judged), once each, audited.
    """
    now = clock.now(now)
    today = clock.today(campaign, now)
    query = (sa.select(Promise).where(Promise.campaign_id == campaign.id, Promise.status == PromiseStatus.PENDING)
             .options(selectinload(Promise.instalments)).order_by(Promise.debtor_id, Promise.id))
    if debtor_ids is None:
        limit = today - timedelta(days=campaign.promise_grace_days or 0)
        pending = list(session.scalars(query.where(Promise.promised_date < limit)))
    else:
        ids, pending = sorted(set(debtor_ids)), []
        for start in range(0, len(ids), CHUNK):
            pending += session.scalars(query.where(Promise.debtor_id.in_(ids[start:start + CHUNK])))
    if not pending:
        return []
    links, events = _payments_towards(session, campaign, pending)
    extra = list(prospective)
    judged = []
    for promise in pending:
        mine = links.get(promise.id, {})
        dated = [(inv, when, fall) for inv, when, fall, at in events if inv in mine and at > promise.created_at]
        verdict = judge(schedule_of(promise), credited(mine, dated + extra), today, campaign.promise_grace_days)
        judged.append(Judged(promise, promise.status, verdict, _differs(promise, verdict)))
    if write:
        _record(session, campaign, [j for j in judged if j.changed], now, batch_id)
    return judged


def _payments_towards(session: Session, campaign: Campaign, pending: list[Promise]):
    """The invoices each promise covers (with their outstanding then) and the dated changes of those invoices."""
    links: dict[int, dict[int, int]] = defaultdict(dict)
    ids = [p.id for p in pending]
    for start in range(0, len(ids), CHUNK):
        for promise_id, invoice_id, then, initial in session.execute(
                sa.select(promise_invoices.c.promise_id, promise_invoices.c.invoice_id,
                          promise_invoices.c.outstanding_cents, Invoice.initial_outstanding_cents)
                .join(Invoice, Invoice.id == promise_invoices.c.invoice_id)
                .where(promise_invoices.c.promise_id.in_(ids[start:start + CHUNK]))):
            links[promise_id][invoice_id] = then if then is not None else initial
    invoice_ids = sorted({i for covered in links.values() for i in covered})
    events = []
    for start in range(0, len(invoice_ids), CHUNK):
        for invoice_id, at, paid_on, old, new in session.execute(
                sa.select(InvoiceChange.invoice_id, InvoiceChange.created_at, InvoiceChange.paid_on,
                          InvoiceChange.old_outstanding_cents, InvoiceChange.new_outstanding_cents)
                .where(InvoiceChange.invoice_id.in_(invoice_ids[start:start + CHUNK]),
                       InvoiceChange.old_outstanding_cents.is_not(None))):
            when = paid_on or at.astimezone(clock.zone(campaign)).date()
            events.append((invoice_id, when, old - new, at))
    return links, events


def _differs(promise: Promise, verdict: Verdict) -> bool:
    if promise.status is not verdict.status or (promise.paid_cents or 0) != verdict.paid_cents:
        return True
    if promise.is_plan:
        return any(i.status is not v.status or (i.paid_cents or 0) != v.paid_cents
                   for i, v in zip(promise.instalments, verdict.instalments))
    return False


def _record(session: Session, campaign: Campaign, changed: list[Judged], now: datetime,
            batch_id: int | None) -> None:
    """Write each changed verdict, audit it, and move its debtor in the queue."""
    if not changed:
        return
    debtor_ids = sorted({j.promise.debtor_id for j in changed})
    debtors = {}
    for start in range(0, len(debtor_ids), CHUNK):
        # In id order, like every writer of debtors, so that two writers never wait on each other.
        debtors.update({d.id: d for d in session.scalars(
            sa.select(DebtorAccount).where(DebtorAccount.id.in_(debtor_ids[start:start + CHUNK]))
            .order_by(DebtorAccount.id).with_for_update().execution_options(populate_existing=True))})
    for j in changed:
        promise, verdict = j.promise, j.verdict
        instalments_changed = [i.seq for i, v in zip(promise.instalments, verdict.instalments)
                               if promise.is_plan and i.status is not v.status]
        promise.paid_cents = verdict.paid_cents
        if promise.is_plan:
            for instalment, v in zip(promise.instalments, verdict.instalments):
                instalment.status, instalment.paid_cents = v.status, v.paid_cents
        debtor = debtors[promise.debtor_id]
        if verdict.status is not j.before:
            promise.status, promise.judged_at = verdict.status, now
            audit.record(session, None, f"promise.{verdict.status.value}", promise, debtor_id=debtor.id,
                         paid_cents=verdict.paid_cents, batch_id=batch_id)
            _settle_waiver(session, promise, debtor.id, batch_id)
            _move_debtor(session, campaign, debtor, promise, verdict, now)
            if verdict.status is PromiseStatus.KEPT:
                thank_for_promise(session, campaign, debtor, promise)
        elif instalments_changed:
            audit.record(session, None, "promise.instalment_kept", promise, debtor_id=debtor.id,
                         instalments=instalments_changed, paid_cents=verdict.paid_cents, batch_id=batch_id)
            if debtor.queue_state is QueueState.PROMISED and verdict.next_deadline:
                debtor.next_action_at = follow_up_at(campaign, verdict.next_deadline)
    session.flush()


def _settle_waiver(session: Session, promise: Promise, debtor_id: int, batch_id: int | None) -> None:
    """The penalties waived if paid by a date: a promise kept grants the waiver, a broken one revokes it."""
    from .penalties import WAIVER_GRANTED, WAIVER_OFFERED, WAIVER_REVOKED
    if promise.penalty_waiver != WAIVER_OFFERED:
        return
    if promise.status is PromiseStatus.KEPT:
        promise.penalty_waiver = WAIVER_GRANTED
        audit.record(session, None, "promise.penalties_waived", promise, debtor_id=debtor_id, batch_id=batch_id,
                     until=promise.penalties_waived_if_paid_by)
    elif promise.status in BROKEN:
        promise.penalty_waiver = WAIVER_REVOKED
        audit.record(session, None, "promise.penalties_revived", promise, debtor_id=debtor_id, batch_id=batch_id,
                     until=promise.penalties_waived_if_paid_by)


def _move_debtor(session: Session, campaign: Campaign, debtor: DebtorAccount, promise: Promise, verdict: Verdict,
                 now: datetime) -> None:
    """A judged promise releases its invoices; a broken one brings its debtor back with a boost."""
    session.execute(sa.update(Invoice).where(
        Invoice.id.in_(sa.select(promise_invoices.c.invoice_id).where(promise_invoices.c.promise_id == promise.id)),
        Invoice.status == InvoiceStatus.PROMISED).values(
        status=sa.case((Invoice.outstanding_cents > 0, InvoiceStatus.OPEN.value), else_=InvoiceStatus.PAID.value)))
    if verdict.status in BROKEN:
        debtor.broken_promises = (debtor.broken_promises or 0) + 1
        debtor.last_broken_promise_on = verdict.broken_on
    if debtor.queue_state is QueueState.PROMISED:
        owes = (debtor.total_outstanding_cents or 0) > 0
        debtor.queue_state = QueueState.READY if owes else QueueState.PAID
        debtor.next_action_at = None
        debtor.version = (debtor.version or 0) + 1
    priority.recompute_debtor(session, debtor, now)


def judge_debtor(session: Session, debtor: DebtorAccount, now: datetime | None = None) -> int:
    """Judge one debtor's pending promises (when the queue hands it out); returns how many broke.

    A promise still pending (a plan on track, or a deadline not passed yet) puts the debtor back to wait
    for the morning after its next deadline.
    """
    campaign = session.get(Campaign, debtor.campaign_id)
    judged = judge_debtors(session, campaign, [debtor.id], now)
    for j in judged:
        if j.verdict.status is PromiseStatus.PENDING and j.verdict.next_deadline \
                and debtor.queue_state is QueueState.PROMISED:
            debtor.next_action_at = follow_up_at(campaign, j.verdict.next_deadline)
    session.flush()
    return sum(1 for j in judged if j.changed and j.verdict.status in BROKEN)


def judge_campaign(session: Session, campaign_id: int, now: datetime | None = None) -> int:
    """The job worker's pass: every pending promise past its first deadline; returns how many broke."""
    campaign = session.get(Campaign, campaign_id)
    judged = judge_debtors(session, campaign, None, now)
    return sum(1 for j in judged if j.changed and j.verdict.status in BROKEN)
