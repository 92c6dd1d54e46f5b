"""Update files during the mission: what changed since the last file, then apply it and judge promises."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..models import (Campaign, DebtorAccount, Invoice, InvoiceChange, InvoiceChangeKind, InvoiceStatus, Promise,
                      PromiseStatus, QueueState)
from ..models.calls import promise_invoices
from .checking import CheckResult
from . import loading

@dataclass
class Diff:
    """Invoice changes an update file would make, before anything changes."""
    # (invoice id, kind, old outstanding, new outstanding)
    changes: list[tuple] = field(default_factory=list)
    new: list[tuple] = field(default_factory=list)  # invoice tuples from the check, for new invoices

    def counts(self) -> dict[str, int]:
        counts = {k.value: 0 for k in InvoiceChangeKind}
        for change in self.changes:
            counts[change[1].value] += 1
        counts[InvoiceChangeKind.NEW.value] = len(self.new)
        return counts


def diff(session: Session, campaign_id: int, result: CheckResult) -> Diff:
    """Compare the file with the campaign's open invoices, matched by debtor and invoice number."""
    current = session.execute(
        sa.select(Invoice.id, DebtorAccount.grouping_key, Invoice.number, Invoice.outstanding_cents, Invoice.status)
        .join(DebtorAccount, DebtorAccount.id == Invoice.debtor_id)
        .where(Invoice.campaign_id == campaign_id)).all()
    known = {(key, number): (inv_id, out, status) for inv_id, key, number, out, status in current}
    out = Diff()
    seen = set()
    for inv in result.invoices:
        key, number, new_out = inv[0], inv[1], inv[5]
        match = known.get((key, number))
        if match is None:
            out.new.append(inv)
            continue
        seen.add((key, number))
        inv_id, old, status = match
        if status in (InvoiceStatus.PAID, InvoiceStatus.CANCELLED) and new_out == old:
            continue
        if new_out <= 0 < old:
            kind = InvoiceChangeKind.PAID
        elif new_out < old:
            kind = InvoiceChangeKind.PARTLY_PAID
        elif new_out > old:
            kind = InvoiceChangeKind.INCREASED
        else:
            kind = InvoiceChangeKind.UNCHANGED
        out.changes.append((inv_id, kind, old, new_out))
    for (key, number), (inv_id, old, status) in known.items():
        if (key, number) not in seen and status not in (InvoiceStatus.PAID, InvoiceStatus.CANCELLED) and old > 0:
            out.changes.append((inv_id, InvoiceChangeKind.PAID, old, 0))
    return out


def apply(session: Session, campaign: Campaign, batch_id: int, result: CheckResult, changes: Diff,
          today: date | None = None) -> None:
    """Apply the changes in the caller's transaction, record each in the batch, refresh debtors, judge promises."""
    now = datetime.now(timezone.utc)
    today = today or now.date()
    if changes.changes:  # new rows only: written before any lock an agent's save could wait for
        session.execute(sa.insert(InvoiceChange), [
            {"batch_id": batch_id, "invoice_id": inv_id, "kind": kind, "old_outstanding_cents": old,
             "new_outstanding_cents": new} for inv_id, kind, old, new in changes.changes])
    debtor_ids = _lock_debtors(session, campaign, changes, today)
    paid = [{"id": inv_id, "outstanding_cents": new, "status": InvoiceStatus.PAID, "paid_at": now}
            for inv_id, kind, old, new in changes.changes if kind is InvoiceChangeKind.PAID or new <= 0]
    paid_ids = {row["id"] for row in paid}
    other = [{"id": inv_id, "outstanding_cents": new} for inv_id, kind, old, new in changes.changes
             if kind is not InvoiceChangeKind.UNCHANGED and inv_id not in paid_ids]
    for rows in (paid, other):  # an unchanged invoice is not written (nor row-locked)
        if rows:
            session.execute(sa.update(Invoice), rows)
    if changes.new:
        _insert_new(session, campaign.id, batch_id, result, changes.new)
    session.flush()
    _refresh_debtors(session, campaign.id, debtor_ids | _new_debtors(session, batch_id))
    judge_promises(session, campaign, today)


def _lock_debtors(session: Session, campaign: Campaign, changes: Diff, today: date) -> set[int]:
    """Row-lock, in id order and before anything else, every debtor account this update may write.

    Recording a call locks its debtor first, then that debtor's invoices and promises. Writing the
    invoices first here and their debtors afterwards made the two wait on each other (PostgreSQL then
    aborts one: the agent's save or the whole update file, found by bench/soak.py). Only debtors whose
    invoices change are locked: the others stay free for the agents' claims meanwhile.
    """
    changed = [inv_id for inv_id, kind, _old, _new in changes.changes if kind is not InvoiceChangeKind.UNCHANGED]
    ids: set[int] = set()
    for chunk in _chunks(changed):
        ids.update(session.scalars(sa.select(Invoice.debtor_id).where(Invoice.id.in_(chunk)).distinct()))
    keys = list({inv[0] for inv in changes.new})
    for chunk in _chunks(keys):
        ids.update(session.scalars(sa.select(DebtorAccount.id).where(
            DebtorAccount.campaign_id == campaign.id, DebtorAccount.grouping_key.in_(chunk))))
    grace = timedelta(days=campaign.promise_grace_days or 0)
    ids.update(session.scalars(sa.select(Promise.debtor_id).where(  # promises judge_promises may break
        Promise.campaign_id == campaign.id, Promise.status == PromiseStatus.PENDING,
        Promise.promised_date < today - grace).distinct()))
    for chunk in _chunks(sorted(ids)):
        session.execute(sa.select(DebtorAccount.id).where(DebtorAccount.id.in_(chunk))
                        .order_by(DebtorAccount.id).with_for_update())
    return ids


def _chunks(values: list, size: int = 5000):
    for i in range(0, len(values), size):
        yield values[i:i + size]


def _new_debtors(session: Session, batch_id: int) -> set[int]:
    """Debtor accounts created by this update file (for invoices of customers not seen before)."""
    return set(session.scalars(sa.select(Invoice.debtor_id).where(Invoice.import_batch_id == batch_id).distinct()))


def _insert_new(session: Session, campaign_id: int, batch_id: int, result: CheckResult, new: list[tuple]) -> None:
    """New invoices: under their existing debtor, or under a debtor account created for them."""
    keys = {inv[0] for inv in new}
    existing = dict(session.execute(sa.select(DebtorAccount.grouping_key, DebtorAccount.id).where(
        DebtorAccount.campaign_id == campaign_id, DebtorAccount.grouping_key.in_(keys))).all())
    partial = CheckResult(header=result.header, currency=result.currency)
    partial.debtors = {k: result.debtors[k] for k in keys if k not in existing}
    partial.invoices = [inv for inv in new if inv[0] not in existing]
    loading.load(session, campaign_id, batch_id, partial)
    for key, number, inv_date, due, amount, out, cur, row in new:
        if key in existing:
            session.add(Invoice(campaign_id=campaign_id, debtor_id=existing[key], number=number, invoice_date=inv_date,
                                due_date=due, amount_cents=amount, initial_outstanding_cents=out,
                                outstanding_cents=out, currency=cur, import_batch_id=batch_id, source_row=row,
                                status=InvoiceStatus.OPEN if out > 0 else InvoiceStatus.PAID))
    session.flush()
    session.execute(sa.insert(InvoiceChange), [
        {"batch_id": batch_id, "invoice_id": inv_id, "kind": InvoiceChangeKind.NEW, "old_outstanding_cents": None,
         "new_outstanding_cents": out}
        for inv_id, out in session.execute(sa.select(Invoice.id, Invoice.outstanding_cents).where(
            Invoice.import_batch_id == batch_id))])


def _refresh_debtors(session: Session, campaign_id: int, debtor_ids: set[int]) -> None:
    """Totals from the invoices of these debtors; those with nothing left to pay leave the queue."""
    open_filter = Invoice.outstanding_cents > 0
    rows = []
    for chunk in _chunks(sorted(debtor_ids)):
        rows += session.execute(
            sa.select(Invoice.debtor_id, sa.func.sum(Invoice.outstanding_cents),
                      sa.func.sum(sa.case((open_filter, 1), else_=0)),
                      sa.func.min(sa.case((open_filter, Invoice.due_date), else_=None)))
            .where(Invoice.campaign_id == campaign_id, Invoice.debtor_id.in_(chunk))
            .group_by(Invoice.debtor_id)).all()
    values = [{"id": debtor_id, "total_outstanding_cents": total, "open_invoices_count": count,
               "oldest_due_date": oldest} for debtor_id, total, count, oldest in rows]
    for row in values:
        if row["total_outstanding_cents"] <= 0:
            row["queue_state"] = QueueState.PAID
    for group in ([v for v in values if "queue_state" in v], [v for v in values if "queue_state" not in v]):
        if group:
            session.execute(sa.update(DebtorAccount), group)


def judge_promises(session: Session, campaign: Campaign, today: date) -> None:
    """Kept when its invoices are paid; after its date plus the grace days: partly kept or broken."""
    grace = timedelta(days=campaign.promise_grace_days or 0)
    pending = session.scalars(sa.select(Promise).where(
        Promise.campaign_id == campaign.id, Promise.status == PromiseStatus.PENDING)).all()
    now = datetime.now(timezone.utc)
    for promise in pending:
        rows = session.execute(
            sa.select(Invoice.initial_outstanding_cents, Invoice.outstanding_cents)
            .join(promise_invoices, promise_invoices.c.invoice_id == Invoice.id)
            .where(promise_invoices.c.promise_id == promise.id)).all()
        if not rows:
            rows = session.execute(sa.select(Invoice.initial_outstanding_cents, Invoice.outstanding_cents).where(
                Invoice.debtor_id == promise.debtor_id)).all()
        paid = sum(max(initial - out, 0) for initial, out in rows)
        promise.paid_cents = paid
        if rows and all(out <= 0 for _, out in rows) or (promise.amount_cents and paid >= promise.amount_cents):
            promise.status, promise.judged_at = PromiseStatus.KEPT, now
        elif today > promise.promised_date + grace:
            promise.status = PromiseStatus.PARTIALLY_KEPT if paid > 0 else PromiseStatus.BROKEN
            promise.judged_at = now
            if promise.status is PromiseStatus.BROKEN:
                debtor = session.get(DebtorAccount, promise.debtor_id)
                debtor.broken_promises += 1
                debtor.last_broken_promise_on = today
                if debtor.queue_state is QueueState.PROMISED:
                    debtor.queue_state = QueueState.READY
    session.flush()
