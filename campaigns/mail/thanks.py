"""Thanks when a payments list or an update file shows a promise kept: queued once per promise, in the
transaction that judges it, to the debtor's addresses, in its language."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..models import Campaign, DebtorAccount, Invoice, OutboundMessage, Promise
from ..models.calls import promise_invoices
from . import outbox, wording


def thank_for_promise(session: Session, campaign: Campaign, debtor: DebtorAccount, promise: Promise):
    """Queue the thanks of a promise just judged kept; none without an address or a reference."""
    recipients = outbox.deliverable_addresses(debtor)
    if not recipients or not promise.payment_reference:
        return None
    about = f"promise:{promise.id}"
    if session.scalar(sa.select(sa.func.count()).select_from(OutboundMessage).where(
            OutboundMessage.kind == "thanks", OutboundMessage.about == about)):
        return None
    language = wording.language_of(debtor)
    company = campaign.client_company
    invoices = session.execute(
        sa.select(Invoice.number, sa.func.coalesce(promise_invoices.c.outstanding_cents,
                                                   Invoice.initial_outstanding_cents))
        .join(promise_invoices, promise_invoices.c.invoice_id == Invoice.id)
        .where(promise_invoices.c.promise_id == promise.id).order_by(Invoice.due_date, Invoice.number)).all()
    values = wording.promise_values(
        company, debtor, language, reference=promise.payment_reference, method=promise.method.value,
        total_cents=promise.amount_cents, schedule=[(promise.promised_date, promise.amount_cents)],
        invoices=[tuple(row) for row in invoices], currency=debtor.currency or "EUR",
        amount_cents=promise.paid_cents or promise.amount_cents)
    subject, body = wording.render(wording.of(company, "thanks", language), values)
    return outbox.queue(session, kind="thanks", about=about, recipients=recipients, subject=subject, body=body,
                        campaign_id=campaign.id, debtor_id=debtor.id, language=language,
                        reply_to=company.reply_to_email)
