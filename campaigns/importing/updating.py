"""Update files during the mission: a complete new balance or a payments list, planned line by line, shown
before anything is written, then applied in one transaction with the promises judged by ``campaigns.promises``.

- A complete balance (``ImportKind.UPDATE``) gives every open invoice's outstanding: invoices it lowers are
  paid or partly paid, invoices it leaves out are taken as paid (after a warning the manager confirms), new
  ones are added. A row the check rejected never means paid: the invoice it names stays as it was.
- A payments list (``ImportKind.PAYMENTS``) names invoices and what was paid on each: only those change. A
  row that names no invoice but carries a promise's payment reference pays that promise's invoices.
  Unknown, ambiguous and already paid invoices are listed and not applied; an overpayment sets the invoice
  to zero and is listed as such.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .. import balances, client_answers, clock, payment_references, promises
from ..models import (Campaign, DebtorAccount, Invoice, InvoiceChange, InvoiceChangeKind, InvoiceStatus, Promise,
                      PromiseStatus, UpdateLine, UpdateLineKind)
from ..models.base import utcnow
from ..models.calls import promise_invoices
from . import loading
from .checking import CheckResult
from .payments import PaymentsCheck

VANISHING_SHARE = 1 / 3   # above this share of the open amount taken as paid, a typed confirmation is asked
CLOSED = (InvoiceStatus.PAID, InvoiceStatus.CANCELLED)
CHUNK = 5000
K = UpdateLineKind


@dataclass
class Line:
    """What the file does to one invoice (or one row that names no invoice we can change)."""
    kind: UpdateLineKind
    invoice_number: str
    row: int | None = None
    invoice_id: int | None = None
    debtor_id: int | None = None
    debtor_name: str | None = None
    before: int | None = None
    after: int | None = None
    paid_cents: int | None = None
    paid_on: date | None = None
    method: str | None = None
    reference: str | None = None
    promise_id: int | None = None
    promise_status: PromiseStatus | None = None

    @property
    def fall(self) -> int:
        """What the invoice loses in outstanding (negative when it rises)."""
        return (self.before or 0) - (self.after or 0)


@dataclass
class Plan:
    """Every line of an update file, the invoices it adds, and what it leaves unchanged."""
    lines: list[Line] = field(default_factory=list)
    new: list = field(default_factory=list)                  # InvoiceDrafts from the check (complete balance)
    unchanged: list[tuple[int, int]] = field(default_factory=list)  # (invoice id, outstanding)
    open_cents: int = 0                                      # the campaign's open outstanding before the file

    @property
    def absent(self) -> list[Line]:
        return [line for line in self.lines if line.kind is K.ABSENT_PAID]

    @property
    def absent_cents(self) -> int:
        return sum(line.before or 0 for line in self.absent)

    @property
    def needs_typed_confirmation(self) -> bool:
        """More than a third of the open amount would be taken as paid because it is absent from the file."""
        return self.open_cents > 0 and self.absent_cents > self.open_cents * VANISHING_SHARE

    def summary(self) -> dict:
        """The counts kept on the batch: lines by kind, unchanged invoices, what absence would mark paid."""
        counts = Counter(line.kind.value for line in self.lines)
        summary = {kind.value: counts.get(kind.value, 0) for kind in UpdateLineKind}
        summary.update(unchanged=len(self.unchanged), absent_cents=self.absent_cents, open_cents=self.open_cents,
                       needs_typed_confirmation=self.needs_typed_confirmation)
        return summary


def _current(session: Session, campaign_id: int):
    """Every invoice of the campaign with its debtor: id, debtor id, key, name, number, outstanding, status."""
    return session.execute(
        sa.select(Invoice.id, Invoice.debtor_id, DebtorAccount.grouping_key,
                  sa.func.coalesce(DebtorAccount.company_name, DebtorAccount.customer_code),
                  DebtorAccount.customer_code, Invoice.number, Invoice.outstanding_cents, Invoice.status)
        .join(DebtorAccount, DebtorAccount.id == Invoice.debtor_id)
        .where(Invoice.campaign_id == campaign_id)).all()


def _open_cents(rows) -> int:
    return sum(out for *_, out, status in rows if status not in CLOSED and out > 0)


def plan_balance(session: Session, campaign: Campaign, result: CheckResult, today: date) -> Plan:
    """Compare a complete balance with the campaign's invoices, matched by debtor and invoice number."""
    rows = _current(session, campaign.id)
    known = {(key, number): row for row in rows for key, number in [(row[2], row[5])]}
    plan = Plan(open_cents=_open_cents(rows))
    seen = set()
    for inv in result.invoices:
        key, number, new_out, source_row = inv.debtor_key, inv.number, inv.outstanding_cents, inv.row
        match = known.get((key, number))
        if match is None:
            draft = result.debtors.get(key)
            plan.new.append(inv)
            plan.lines.append(Line(K.NEW, number, source_row, debtor_name=draft and (draft.company_name or
                                   draft.customer_code), after=new_out))
            continue
        seen.add((key, number))
        inv_id, debtor_id, _key, name, _code, _number, old, status = match
        if new_out == old:
            plan.unchanged.append((inv_id, old))
            continue
        if new_out <= 0 < old:
            kind = K.PAID
        elif new_out < old:
            kind = K.PARTLY_PAID
        else:
            kind = K.INCREASED
        plan.lines.append(Line(kind, number, source_row, inv_id, debtor_id, name, old, max(new_out, 0)
                               if kind is K.PAID else new_out, paid_on=today))
    for settled in result.settled:       # "Payée", a paid flag or a zero balance: the invoice is now paid
        match = known.get((settled.debtor_key, settled.number))
        if match is None or (settled.debtor_key, settled.number) in seen:
            continue
        seen.add((settled.debtor_key, settled.number))
        inv_id, debtor_id, _key, name, _code, number, old, status = match
        if settled.kind == "settled" and old > 0 and status not in CLOSED:   # a voided one is not a payment
            plan.lines.append(Line(K.PAID, number, settled.row, inv_id, debtor_id, name, old, 0, paid_on=today))
        else:
            plan.unchanged.append((inv_id, old))
    matched = result.ledger.matched_invoices if result.ledger is not None else {}
    protected_numbers = {r.number for r in result.rejections if r.number}
    protected_debtors = {r.debtor_key for r in result.rejections if r.debtor_key and not r.number}
    for (key, number), (inv_id, debtor_id, _key, name, _code, _number, old, status) in known.items():
        if (key, number) in seen or status in CLOSED or old <= 0:
            continue
        if number in protected_numbers or key in protected_debtors:
            plan.lines.append(Line(K.KEPT_REJECTED, number, None, inv_id, debtor_id, name, old, old))
        elif (_code, number) in matched:      # the ledger shows its payment: paid on the day it was matched
            plan.lines.append(Line(K.MATCHED, number, None, inv_id, debtor_id, name, old, 0,
                                   paid_on=min(matched[(_code, number)], today)))
        else:
            plan.lines.append(Line(K.ABSENT_PAID, number, None, inv_id, debtor_id, name, old, 0, paid_on=today))
    return plan


def plan_payments(session: Session, campaign: Campaign, result: PaymentsCheck) -> Plan:
    """Match each payment to the invoice it names (by number, and customer code when the row gives one), or,
    when it names none, to the promise whose payment reference it carries: spread over that promise's
    invoices oldest first. A reference whose check digits fail is listed and not applied."""
    rows = _current(session, campaign.id)
    by_number: dict[str, list] = {}
    by_id = {}
    for row in rows:
        by_number.setdefault(row[5], []).append(row)
        by_id[row[0]] = row
    by_reference = _promise_invoices_by_reference(
        session, campaign.id, {p.reference for p in result.payments if not p.number and p.reference})
    plan = Plan(open_cents=_open_cents(rows))
    running: dict[int, int] = {}
    for p in result.payments:
        base = dict(row=p.row, paid_cents=p.cents, paid_on=p.paid_on, method=p.method, reference=p.reference)
        if not p.number:
            plan.lines += _by_reference(p, base, by_reference, by_id, running)
            continue
        candidates = by_number.get(p.number, [])
        if p.customer_code:
            candidates = [c for c in candidates if c[4] == p.customer_code]
        if not candidates:
            plan.lines.append(Line(K.UNKNOWN, p.number, **base))
            continue
        if len(candidates) > 1:
            plan.lines.append(Line(K.AMBIGUOUS, p.number, **base))
            continue
        plan.lines.append(_paying(candidates[0], p.number, p.cents, base, running))
    return plan


def _paying(current, number: str, cents: int, base: dict, running: dict[int, int]) -> Line:
    """The line of ``cents`` paid on one invoice (``current``: a row of ``_current``)."""
    inv_id, debtor_id, _key, name, _code, _number, out, status = current
    before = running.get(inv_id, out)
    where = dict(invoice_id=inv_id, debtor_id=debtor_id, debtor_name=name, before=before)
    if before <= 0 or status is InvoiceStatus.CANCELLED:
        return Line(K.ALREADY_PAID, number, after=before, **where, **base)
    after = max(before - cents, 0)
    kind = K.OVERPAID if cents > before else (K.PAID if after == 0 else K.PARTLY_PAID)
    running[inv_id] = after
    return Line(kind, number, after=after, **where, **base)


def _promise_invoices_by_reference(session: Session, campaign_id: int, references: set[str]) -> dict[str, list[int]]:
    """For each valid reference that names a promise of the campaign: its invoices, oldest first."""
    valid = sorted(r for r in references if payment_references.is_valid(r))
    found: dict[str, list[int]] = {}
    for start in range(0, len(valid), CHUNK):
        for reference, invoice_id in session.execute(
                sa.select(Promise.payment_reference, Invoice.id)
                .join(promise_invoices, promise_invoices.c.promise_id == Promise.id)
                .join(Invoice, Invoice.id == promise_invoices.c.invoice_id)
                .where(Promise.campaign_id == campaign_id, Promise.payment_reference.in_(valid[start:start + CHUNK]))
                .order_by(Promise.payment_reference, Invoice.due_date, Invoice.invoice_date, Invoice.id)):
            found.setdefault(reference, []).append(invoice_id)
    return found


def _by_reference(p, base: dict, by_reference: dict[str, list[int]], by_id: dict, running: dict[int, int]) -> list[Line]:
    """The lines of a payment that names no invoice, only a promise's reference."""
    if not payment_references.is_valid(p.reference):
        return [Line(K.BAD_REFERENCE, "", **base)]
    invoice_ids = [i for i in by_reference.get(p.reference, []) if i in by_id]
    if not invoice_ids:
        return [Line(K.UNKNOWN, "", **base)]
    owing = [i for i in invoice_ids if running.get(i, by_id[i][6]) > 0 and by_id[i][7] is not InvoiceStatus.CANCELLED]
    if not owing:
        last = by_id[invoice_ids[-1]]
        return [_paying(last, last[5], p.cents, base, running)]
    lines, left = [], p.cents
    for n, inv_id in enumerate(owing):
        share = left if n == len(owing) - 1 else min(left, running.get(inv_id, by_id[inv_id][6]))
        if share <= 0:
            break
        lines.append(_paying(by_id[inv_id], by_id[inv_id][5], share, {**base, "paid_cents": share}, running))
        left -= share
    return lines


def _applied(plan: Plan) -> list[Line]:
    return [line for line in plan.lines if line.kind.applied and line.invoice_id is not None]


def _debtors_of(plan: Plan) -> set[int]:
    return {line.debtor_id for line in _applied(plan) if line.debtor_id is not None}


def preview(session: Session, campaign: Campaign, plan: Plan, now: datetime | None = None) -> None:
    """Fill each line with the promise it would judge and that promise's status afterwards (nothing written)."""
    events = [(line.invoice_id, line.paid_on, line.fall) for line in _applied(plan) if line.fall]
    judged = promises.judge_debtors(session, campaign, _debtors_of(plan), now, prospective=events, write=False)
    _attach_promises(session, plan, judged)


def _attach_promises(session: Session, plan: Plan, judged: list[promises.Judged]) -> None:
    if not judged:
        return
    by_id = {j.promise.id: j.verdict.status for j in judged}
    covered: dict[int, int] = {}
    ids = sorted(by_id)
    for start in range(0, len(ids), CHUNK):
        covered.update(session.execute(sa.select(promise_invoices.c.invoice_id, promise_invoices.c.promise_id)
                                       .where(promise_invoices.c.promise_id.in_(ids[start:start + CHUNK]))).all())
    for line in plan.lines:
        promise_id = covered.get(line.invoice_id)
        if promise_id is not None:
            line.promise_id, line.promise_status = promise_id, by_id[promise_id]


def write_lines(session: Session, batch_id: int, plan: Plan) -> None:
    """Keep the plan's lines on the batch (replacing earlier ones): the preview, then the record."""
    session.execute(sa.delete(UpdateLine).where(UpdateLine.batch_id == batch_id))
    rows = [{"batch_id": batch_id, "seq": seq, "kind": line.kind, "row_number": line.row,
             "invoice_id": line.invoice_id, "invoice_number": line.invoice_number[:80], "debtor_id": line.debtor_id,
             "debtor_name": (line.debtor_name or "")[:300] or None, "before_cents": line.before,
             "after_cents": line.after, "paid_cents": line.paid_cents, "paid_on": line.paid_on,
             "payment_reference": (line.reference or "")[:80] or None, "promise_id": line.promise_id,
             "promise_status": line.promise_status.value if line.promise_status else None}
            for seq, line in enumerate(plan.lines, start=1)]
    for start in range(0, len(rows), CHUNK):
        session.execute(sa.insert(UpdateLine), rows[start:start + CHUNK])


_CHANGE_KIND = {K.PAID: InvoiceChangeKind.PAID, K.OVERPAID: InvoiceChangeKind.PAID,
                K.ABSENT_PAID: InvoiceChangeKind.PAID, K.MATCHED: InvoiceChangeKind.PAID,
                K.PARTLY_PAID: InvoiceChangeKind.PARTLY_PAID,
                K.INCREASED: InvoiceChangeKind.INCREASED}


def apply(session: Session, campaign: Campaign, batch_id: int, plan: Plan, result: CheckResult | None = None,
          now: datetime | None = None) -> list[promises.Judged]:
    """Apply the plan in the caller's transaction: record each change, refresh debtors, judge promises."""
    now = clock.now(now)
    recorded = utcnow()  # the order of records is real time, whatever moment a caller injects
    applied = _applied(plan)
    changes = [{"batch_id": batch_id, "invoice_id": line.invoice_id, "kind": _CHANGE_KIND[line.kind],
                "old_outstanding_cents": line.before, "new_outstanding_cents": line.after, "paid_on": line.paid_on,
                "payment_method": line.method, "payment_reference": line.reference, "created_at": recorded}
               for line in applied] + [
               {"batch_id": batch_id, "invoice_id": inv_id, "kind": InvoiceChangeKind.UNCHANGED,
                "old_outstanding_cents": out, "new_outstanding_cents": out, "paid_on": None, "payment_method": None,
                "payment_reference": None, "created_at": recorded} for inv_id, out in plan.unchanged]
    for start in range(0, len(changes), CHUNK):  # new rows only: written before any lock an agent's save could wait for
        session.execute(sa.insert(InvoiceChange), changes[start:start + CHUNK])
    debtor_ids = _lock_debtors(session, campaign, applied, plan.new, clock.today(campaign, now))
    final = {line.invoice_id: line.after for line in applied}   # the last line of an invoice wins
    paid = [{"id": inv_id, "outstanding_cents": 0, "status": InvoiceStatus.PAID, "paid_at": now}
            for inv_id, after in final.items() if after <= 0]
    other = [{"id": inv_id, "outstanding_cents": after} for inv_id, after in final.items() if after > 0]
    for rows in (paid, other):
        for start in range(0, len(rows), CHUNK):
            session.execute(sa.update(Invoice), rows[start:start + CHUNK])
    raised = [{"id": line.invoice_id, "initial_outstanding_cents": line.after} for line in applied
              if line.kind is K.INCREASED and line.after > (line.before or 0)]
    # An invoice raised is entrusted anew at its higher amount: nobody owes more than was placed.
    for start in range(0, len(raised), CHUNK):
        session.execute(sa.update(Invoice).where(Invoice.id == sa.bindparam("b_id"),
                                                 Invoice.initial_outstanding_cents < sa.bindparam("b_initial"))
                        .values(initial_outstanding_cents=sa.bindparam("b_initial"))
                        .execution_options(synchronize_session=False),
                        [{"b_id": r["id"], "b_initial": r["initial_outstanding_cents"]} for r in raised[start:start + CHUNK]])
    reopened = [row["id"] for row in other]  # a paid invoice the client says is owed again
    for start in range(0, len(reopened), CHUNK):
        session.execute(sa.update(Invoice).where(Invoice.id.in_(reopened[start:start + CHUNK]),
                                                 Invoice.status == InvoiceStatus.PAID)
                        .values(status=InvoiceStatus.OPEN, paid_at=None).execution_options(synchronize_session=False))
    if plan.new:
        _insert_new(session, campaign.id, batch_id, result, plan.new, now)
    session.flush()
    debtor_ids |= _new_debtors(session, batch_id)
    balances.refresh_debtors(session, campaign.id, debtor_ids)
    # A dispute awaiting its credit note closes once the file lowers its invoice.
    client_answers.close_credit_notes(session, campaign.id, {line.invoice_id for line in applied if line.fall > 0},
                                      batch_id, now)
    judged = promises.judge_debtors(session, campaign, _debtors_of(plan), now, batch_id=batch_id)
    judged += promises.judge_debtors(session, campaign, None, now, batch_id=batch_id)
    _attach_promises(session, plan, judged)
    return judged


def _lock_debtors(session: Session, campaign: Campaign, applied: list[Line], new: list,
                  today: date) -> set[int]:
    """Row-lock, in id order and before anything else, every debtor account this update may write.

    Recording a call locks its debtor first, then that debtor's invoices and promises. Writing the
    invoices first here and their debtors afterwards made the two wait on each other (PostgreSQL then
    aborts one: the agent's save or the whole update file, found by bench/soak.py). Only debtors whose
    invoices change are locked: the others stay free for the agents' claims meanwhile.
    """
    ids = {line.debtor_id for line in applied if line.debtor_id is not None}
    keys = list({inv.debtor_key for inv in new})
    for start in range(0, len(keys), CHUNK):
        ids.update(session.scalars(sa.select(DebtorAccount.id).where(
            DebtorAccount.campaign_id == campaign.id, DebtorAccount.grouping_key.in_(keys[start:start + CHUNK]))))
    limit = today - timedelta(days=campaign.promise_grace_days or 0)
    ids.update(session.scalars(sa.select(Promise.debtor_id).where(  # promises the campaign pass may judge
        Promise.campaign_id == campaign.id, Promise.status == PromiseStatus.PENDING,
        Promise.promised_date < limit).distinct()))
    ordered = sorted(ids)
    for start in range(0, len(ordered), CHUNK):
        session.execute(sa.select(DebtorAccount.id).where(DebtorAccount.id.in_(ordered[start:start + CHUNK]))
                        .order_by(DebtorAccount.id).with_for_update())
    return ids


def _new_debtors(session: Session, batch_id: int) -> set[int]:
    """Debtor accounts created by this update file (for invoices of customers not seen before)."""
    return set(session.scalars(sa.select(Invoice.debtor_id).where(Invoice.import_batch_id == batch_id).distinct()))


def _insert_new(session: Session, campaign_id: int, batch_id: int, result: CheckResult, new: list,
                now: datetime) -> None:
    """New invoices: under their existing debtor, or under a debtor account created for them."""
    keys = {inv.debtor_key for inv in new}
    existing = dict(session.execute(sa.select(DebtorAccount.grouping_key, DebtorAccount.id).where(
        DebtorAccount.campaign_id == campaign_id, DebtorAccount.grouping_key.in_(keys))).all())
    partial = CheckResult(header=result.header, currency=result.currency)
    partial.debtors = {k: result.debtors[k] for k in keys if k not in existing}
    partial.invoices = [inv for inv in new if inv.debtor_key not in existing]
    loading.load(session, campaign_id, batch_id, partial)
    for inv in new:
        if inv.debtor_key in existing:
            out = inv.outstanding_cents
            session.add(Invoice(campaign_id=campaign_id, debtor_id=existing[inv.debtor_key], number=inv.number,
                                invoice_date=inv.invoice_date, due_date=inv.due_date, amount_cents=inv.amount_cents,
                                initial_outstanding_cents=out, outstanding_cents=out, currency=inv.currency,
                                import_batch_id=batch_id, source_row=inv.row, due_date_estimated=inv.due_estimated,
                                status=InvoiceStatus.OPEN if out > 0 else InvoiceStatus.PAID))
    session.flush()
    session.execute(sa.insert(InvoiceChange), [
        {"batch_id": batch_id, "invoice_id": inv_id, "kind": InvoiceChangeKind.NEW, "old_outstanding_cents": None,
         "new_outstanding_cents": out, "created_at": utcnow()}
        for inv_id, out in session.execute(sa.select(Invoice.id, Invoice.outstanding_cents).where(
            Invoice.import_batch_id == batch_id))])


