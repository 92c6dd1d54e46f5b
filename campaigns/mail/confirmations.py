"""The written confirmation of a promise: queued when the agent saves it, in the debtor's language, to
every address of the debtor a server has not refused, with the promise's payment reference."""
from __future__ import annotations

from datetime import date

import jinja2
from sqlalchemy.orm import Session

from ..models import Campaign, DebtorAccount, Invoice, Promise
from ..money import format_eur
from ..payment_references import grouped
from . import outbox

templates = jinja2.Environment(loader=jinja2.PackageLoader("campaigns.mail", "templates"), autoescape=False,
                                keep_trailing_newline=True, trim_blocks=True, undefined=jinja2.StrictUndefined)

SUBJECT = {"fr": "Confirmation de votre engagement de paiement · {reference}",
           "en": "Confirmation of your payment commitment · {reference}"}
METHOD = {
    "fr": {"virement": "virement", "cheque": "chèque", "carte": "carte bancaire", "prelevement": "prélèvement",
           "lcr": "LCR", "especes": "espèces"},
    "en": {"virement": "bank transfer", "cheque": "cheque", "carte": "card", "prelevement": "direct debit",
           "lcr": "bill of exchange (LCR)", "especes": "cash"},
}


def money_in(cents: int, currency: str, language: str) -> str:
    if language == "fr":
        return format_eur(cents, currency)
    units, rest = divmod(abs(cents), 100)
    symbol = "€" if currency == "EUR" else f"{currency} "
    return f"{'-' if cents < 0 else ''}{symbol}{units:,}.{rest:02d}"


def day_in(day: date, language: str) -> str:
    return f"{day:%d/%m/%Y}" if language == "fr" else f"{day.day} {day:%B %Y}"


def language_of(debtor: DebtorAccount) -> str:
    """French unless the debtor speaks English."""
    return "en" if (debtor.language or "fr").lower().startswith("en") else "fr"


def confirm_promise(session: Session, campaign: Campaign, debtor: DebtorAccount, promise: Promise,
                    invoices: list[Invoice], schedule: list[tuple[date, int]]):
    """Queue the confirmation in the transaction that records the promise; none without an address."""
    recipients = outbox.deliverable_addresses(debtor)
    if not recipients:
        return None
    language = language_of(debtor)
    company = campaign.client_company
    currency = debtor.currency or "EUR"
    reference = grouped(promise.payment_reference)
    body = templates.get_template(f"promise_confirmation.{language}.txt").render(
        creditor=company.legal_name or company.name, total=money_in(promise.amount_cents, currency, language),
        instalments=[(day_in(due, language), money_in(cents, currency, language)) for due, cents in schedule],
        method=METHOD[language].get(promise.method.value, promise.method.value),
        invoices=[(inv.number, money_in(inv.outstanding_cents, currency, language)) for inv in invoices],
        reference=reference, iban=grouped(company.iban) if company.iban else None, bic=company.bic)
    return outbox.queue(session, kind="promise_confirmation", recipients=recipients,
                        subject=SUBJECT[language].format(reference=reference), body=body,
                        campaign_id=campaign.id, debtor_id=debtor.id, language=language,
                        reply_to=company.reply_to_email)
