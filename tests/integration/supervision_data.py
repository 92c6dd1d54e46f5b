"""Recording call outcomes directly in the tables, so supervision tests need no other area's code."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa

from campaigns.models import (
    CallAttempt, ContactResult, ImportBatch, ImportKind, ImportStatus, Instalment, Invoice, InvoiceChange,
    InvoiceChangeKind, InvoiceMotive, InvoiceStatus, Motive, MotiveStatus, PaymentMethod, Promise, PromiseStatus,
)

DAY1 = datetime(2026, 11, 16, 9, 0, tzinfo=timezone.utc)  # a Monday, 10:00 in Paris


class Recorder:
    def __init__(self, session):
        self.session = session

    def invoices(self, debtor):
        return list(self.session.scalars(sa.select(Invoice).where(Invoice.debtor_id == debtor.id).order_by(Invoice.id)))

    def attempt(self, debtor, agent, result=ContactResult.RIGHT_PARTY, at=DAY1, seconds=120, notes=None,
                phone="+33142685300"):
        call = CallAttempt(campaign_id=debtor.campaign_id, debtor_id=debtor.id, agent_id=agent.id if agent else None,
                           started_at=at, ended_at=at + timedelta(seconds=seconds), duration_seconds=seconds,
                           result=ContactResult(result), phone_dialled=phone, notes=notes)
        self.session.add(call)
        self.session.flush()
        return call

    def promise(self, debtor, agent, cents, on=date(2026, 11, 25), invoices=None, status=PromiseStatus.PENDING,
                paid=0, plan=None, call=None, method=PaymentMethod.TRANSFER):
        promise = Promise(campaign_id=debtor.campaign_id, debtor_id=debtor.id, agent_id=agent.id if agent else None,
                          call_id=call.id if call else None, promised_date=plan[0][0] if plan else on,
                          amount_cents=cents, method=method, is_plan=bool(plan), status=status, paid_cents=paid)
        promise.invoices = invoices if invoices is not None else self.invoices(debtor)
        self.session.add(promise)
        self.session.flush()
        for seq, (due, amount) in enumerate(plan or [], 1):
            self.session.add(Instalment(promise_id=promise.id, seq=seq, due_date=due, amount_cents=amount,
                                        status=status))
        for invoice in promise.invoices:
            invoice.status = InvoiceStatus.PROMISED
        self.session.flush()
        return promise

    def motive(self, invoice, code, agent=None, disputed=None, details=None, documents=None,
               status=MotiveStatus.OPEN):
        motive = self.session.scalar(sa.select(Motive).where(Motive.code == code, Motive.client_company_id.is_(None)))
        item = InvoiceMotive(campaign_id=invoice.campaign_id, debtor_id=invoice.debtor_id, invoice_id=invoice.id,
                             agent_id=agent.id if agent else None, motive_id=motive.id, details=details,
                             documents_requested=documents, disputed_amount_cents=disputed, status=status)
        self.session.add(item)
        if motive.blocks_queue and status is MotiveStatus.OPEN:
            invoice.status = InvoiceStatus.DISPUTED
        self.session.flush()
        return item

    def payments(self, campaign, changes):
        """An applied update file: (invoice, new outstanding cents) pairs."""
        batch = ImportBatch(campaign_id=campaign.id, kind=ImportKind.UPDATE, status=ImportStatus.APPLIED,
                            file_name="maj.csv", sha256="0" * 64)
        self.session.add(batch)
        self.session.flush()
        for invoice, new in changes:
            kind = InvoiceChangeKind.PAID if new == 0 else InvoiceChangeKind.PARTLY_PAID
            self.session.add(InvoiceChange(batch_id=batch.id, invoice_id=invoice.id, kind=kind,
                                           old_outstanding_cents=invoice.outstanding_cents, new_outstanding_cents=new))
            invoice.debtor.total_outstanding_cents -= invoice.outstanding_cents - new
            invoice.outstanding_cents = new
            if new == 0:
                invoice.status = InvoiceStatus.PAID
        self.session.flush()
        return batch
