"""The written confirmation of a promise: queued when the agent saves it, in the debtor's language, to
every address of the debtor a server has not refused, with the promise's payment reference."""
from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from ..models import Campaign, DebtorAccount, Invoice, Promise
from . import outbox, wording


def confirm_promise(session: Session, campaign: Campaign, debtor: DebtorAccount, promise: Promise,
                    invoices: list[Invoice], schedule: list[tuple[date, int]]):
    """Queue the confirmation in the transaction that records the promise; none without an address."""
    recipients = outbox.deliverable_addresses(debtor)
    if not recipients:
        return None
    language = wording.language_of(debtor)
    company = campaign.client_company
    values = wording.promise_values(
        company, debtor, language, reference=promise.payment_reference, method=promise.method.value,
        total_cents=promise.amount_cents, schedule=schedule,
        invoices=[(inv.number, inv.outstanding_cents) for inv in invoices], currency=debtor.currency or "EUR")
    subject, body = wording.render(wording.of(company, "promise_confirmation", language), values)
    return outbox.queue(session, kind="promise_confirmation", about=f"promise:{promise.id}", recipients=recipients,
                        subject=subject, body=body, campaign_id=campaign.id, debtor_id=debtor.id,
                        language=language, reply_to=company.reply_to_email)
