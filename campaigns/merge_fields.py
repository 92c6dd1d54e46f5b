"""Merge fields in call scripts and in the e-mails to debtors: ``{contact}`` and the like.

One engine and one set of names for every template. ``fill`` returns plain text: the page escapes it, so a
debtor named ``<b>Martin</b>`` shows as typed. ``unknown`` lists the names a template uses that do not exist,
for the editor to flag. ``{{`` and ``}}`` write a literal brace.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .errors import N_
from .money import format_eur

FIELD = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class MergeField:
    name: str
    description: str       # English message id, translated in the editor


FIELDS = [
    MergeField("contact", N_("the debtor's contact (the first one when there are several)")),
    MergeField("societe", N_("the debtor's company name")),
    MergeField("montant_du", N_("what the debtor owes now, in euros")),
    MergeField("plus_ancienne_facture", N_("the oldest open invoice: its number and due date")),
    MergeField("nb_factures", N_("the number of open invoices")),
    MergeField("agent", N_("the negotiator's name")),
    MergeField("client", N_("the client company's name (the creditor)")),
]
NAMES = {f.name for f in FIELDS}

# The e-mails to debtors (campaigns.mail.wording): the same engine, with what a promise gives.
MAIL_FIELDS = [
    MergeField("client", N_("the client company's name (the creditor)")),
    MergeField("societe", N_("the debtor's company name")),
    MergeField("contact", N_("the debtor's contact (the first one when there are several)")),
    MergeField("montant", N_("the amount: promised, due tomorrow (reminder) or received (thanks)")),
    MergeField("date", N_("the promised date (reminder: the date due tomorrow)")),
    MergeField("mode", N_("the payment method")),
    MergeField("reference", N_("the promise's payment reference (RF…)")),
    MergeField("engagement", N_("the commitment: amount, date and method, or each instalment of a plan")),
    MergeField("factures", N_("the invoices the promise covers, one per line")),
    MergeField("coordonnees_bancaires", N_("the client's IBAN and BIC (empty when unknown)")),
]
MAIL_NAMES = {f.name for f in MAIL_FIELDS}


def unknown(template: str, names: set[str] = NAMES) -> list[str]:
    """The field names a template uses that are not merge fields, in order of first use."""
    seen: list[str] = []
    for match in FIELD.finditer(template or ""):
        name = match.group(1)
        if name and name not in names and name not in seen:
            seen.append(name)
    return seen


def fill(template: str, values: dict[str, str], names: set[str] = NAMES) -> str:
    """The template with each known field replaced by its value; unknown ones are left as written."""
    def replace(match: re.Match) -> str:
        token = match.group(0)
        if token in ("{{", "}}"):
            return token[0]
        name = match.group(1)
        return values.get(name, "") if name in names else token
    return FIELD.sub(replace, template or "")


def debtor_values(debtor, invoices, agent_name: str | None, client_name: str | None) -> dict[str, str]:
    """The merge values for one debtor's card: its open invoices oldest first."""
    contacts = [c.strip() for c in (debtor.contact_names or "").split(",") if c.strip()]
    open_invoices = sorted((i for i in invoices if i.outstanding_cents > 0), key=lambda i: (i.due_date, i.number))
    oldest = open_invoices[0] if open_invoices else None
    return {
        "contact": contacts[0] if contacts else "",
        "societe": debtor.company_name or debtor.customer_code or "",
        "montant_du": format_eur(sum(i.outstanding_cents for i in open_invoices)),
        "plus_ancienne_facture": f"{oldest.number} ({_day(oldest.due_date)})" if oldest else "",
        "nb_factures": str(len(open_invoices)),
        "agent": agent_name or "",
        "client": client_name or "",
    }


def _day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""
