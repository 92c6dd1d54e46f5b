"""Which column holds which field: suggestions from French and English headers and from contents."""
from __future__ import annotations

import re
import unicodedata

FIELDS = [
    "customer_code", "company_name", "siren", "contact_name", "phone", "email", "invoice_number",
    "invoice_date", "due_date", "amount", "outstanding", "currency", "segment", "comment",
]
# A payments list ("relevé de règlements"): the invoice each payment settles, how much, when, how.
PAYMENT_FIELDS = ["customer_code", "invoice_number", "paid_amount", "payment_date", "payment_method",
                  "payment_reference"]
MULTI = {"phone"}  # fields that may take several columns
REQUIRED_HELP = ["identity (customer_code or company_name)", "invoice_number", "outstanding or amount", "due_date"]

# Normalised header variants (see _norm) for each field; the first match wins, in this order.
VARIANTS = {
    "customer_code": ["code client", "code tiers", "compte auxiliaire", "compte client", "n client", "num client",
                      "no client", "customer code", "customer id", "customer", "client code", "account", "compte",
                      "code", "tiers", "cpte aux", "account number", "customer number"],
    "company_name": ["raison sociale", "nom client", "client", "societe", "nom", "denomination", "intitule",
                     "company", "company name", "customer name", "name", "libelle tiers", "intitule compte"],
    "siren": ["siren", "siret", "n siren", "n siret", "registration number"],
    "contact_name": ["contact", "interlocuteur", "nom contact", "contact name", "responsable"],
    "phone": ["telephone", "tel", "tel portable", "portable", "mobile", "tel fixe", "fixe", "phone", "phone number",
              "mobile phone", "gsm", "tel mobile", "tel 2", "telephone 2", "tel bureau"],
    "email": ["email", "e mail", "mail", "courriel", "adresse mail", "adresse email"],
    "invoice_number": ["n facture", "no facture", "num facture", "numero facture", "facture", "num piece",
                       "n piece", "piece", "numero piece", "reference", "ref facture", "invoice", "invoice number",
                       "invoice no", "invoice", "document", "document number", "doc no"],
    "invoice_date": ["date facture", "date piece", "date", "date emission", "invoice date", "document date"],
    "due_date": ["echeance", "date echeance", "date d echeance", "due date", "due", "date limite", "echeance facture"],
    "amount": ["montant ttc", "montant", "montant facture", "total ttc", "amount", "invoice amount", "ttc",
               "montant initial", "debit"],
    "outstanding": ["reste du", "solde", "restant du", "reste a payer", "montant du", "solde du", "encours",
                    "outstanding", "balance", "amount due", "open amount", "residual", "solde restant"],
    "currency": ["devise", "currency", "monnaie"],
    "segment": ["segment", "typologie", "categorie", "category", "type client", "famille", "typology"],
    "comment": ["commentaire", "commentaires", "remarque", "observation", "note", "notes", "comment"],
}
PAYMENT_VARIANTS = {
    "customer_code": ["code client", "code tiers", "compte auxiliaire", "compte client", "n client", "num client",
                      "customer code", "customer id", "customer number", "account number", "compte", "tiers"],
    "invoice_number": ["n facture", "no facture", "num facture", "numero facture", "facture", "facture reglee",
                       "piece", "n piece", "num piece", "invoice", "invoice number", "invoice no", "document number",
                       "ref facture", "reference facture"],
    "paid_amount": ["montant regle", "montant paye", "montant du reglement", "montant reglement", "reglement",
                    "montant encaisse", "encaissement", "montant recu", "credit", "amount paid", "paid amount",
                    "payment amount", "payment", "amount received", "montant", "amount"],
    "payment_date": ["date reglement", "date de reglement", "date du reglement", "date paiement",
                     "date de paiement", "date encaissement", "date d encaissement", "date valeur",
                     "date operation", "payment date", "paid on", "date paid", "date received", "date"],
    "payment_method": ["mode de reglement", "mode reglement", "moyen de paiement", "mode de paiement",
                       "type de reglement", "type reglement", "payment method", "method", "mode"],
    "payment_reference": ["reference reglement", "reference du reglement", "reference paiement", "ref reglement",
                          "ref paiement", "payment reference", "reference", "ref", "libelle", "n cheque",
                          "numero cheque", "n remise"],
}


def _lookup(variants: dict[str, list[str]]) -> dict[str, str]:
    table: dict[str, str] = {}
    for field_, names in variants.items():
        for name in names:
            table.setdefault(name, field_)
    return table


_LOOKUP = _lookup(VARIANTS)
_PAYMENT_LOOKUP = _lookup(PAYMENT_VARIANTS)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.I)
_PHONE = re.compile(r"^\+?[\d .()-]{9,}$")


def _norm(header: str) -> str:
    s = unicodedata.normalize("NFKD", header).encode("ascii", "ignore").decode().lower()
    s = s.replace("°", " ").replace("#", " ")
    s = re.sub(r"[^a-z0-9]+", " ", s).strip()
    s = re.sub(r"\b(du|de|la|le|des|d)\b", lambda m: "d" if m.group(0) == "d" else m.group(0), s)
    return s


def fields_for(payments: bool = False) -> list[str]:
    """The fields a receivables file (or a payments list) can map."""
    return PAYMENT_FIELDS if payments else FIELDS


def field_for_header(header: str, payments: bool = False) -> str | None:
    """The field a header name usually means, or None."""
    lookup = _PAYMENT_LOOKUP if payments else _LOOKUP
    n = _norm(header)
    if not n:
        return None
    if n in lookup:
        return lookup[n]
    n2 = re.sub(r"\b(no|n|num|numero)\b", "n", n)
    if n2 in lookup:
        return lookup[n2]
    if not payments:
        for prefix in ("tel", "telephone", "portable", "mobile", "phone"):
            if n.startswith(prefix + " ") or n == prefix:
                return "phone"
    for name, field in lookup.items():
        if len(name) > 4 and (n.startswith(name + " ") or n.endswith(" " + name)):
            return field
    return None


def _content_field(values: list[str]) -> str | None:
    values = [v for v in values if v]
    if not values:
        return None
    if sum(bool(_EMAIL.match(v)) for v in values) > len(values) / 2:
        return "email"
    if sum(bool(_PHONE.match(v)) and len(re.sub(r"\D", "", v)) in (9, 10, 11, 12) for v in values) > len(values) / 2:
        return "phone"
    return None


def suggest(headers: list[str], samples: list[list[str]], remembered: dict | None = None,
            payments: bool = False) -> dict[str, list[str]]:
    """{field: [column, ...]}: the remembered mapping first when its columns are all present, else from names and contents."""
    fields = fields_for(payments)
    if remembered and all(c in headers for cols in remembered.values() for c in cols):
        return {f: list(cols) for f, cols in remembered.items() if f in fields and cols}
    mapping: dict[str, list[str]] = {}
    for index, header in enumerate(headers):
        if not header:
            continue
        field = field_for_header(header, payments)
        if field is None and not payments:
            field = _content_field([row[index] for row in samples if index < len(row)])
        if field is None:
            continue
        if field in MULTI:
            mapping.setdefault(field, []).append(header)
        elif field not in mapping:
            mapping[field] = [header]
        elif field == "amount" and "outstanding" not in mapping:
            mapping["outstanding"] = [header]
    return mapping


def missing_required(mapping: dict, payments: bool = False) -> list[str]:
    """The required fields the mapping leaves out, by name."""
    if payments:
        return [f for f in ("invoice_number", "paid_amount", "payment_date") if not mapping.get(f)]
    missing = []
    if not (mapping.get("customer_code") or mapping.get("company_name")):
        missing.append("customer_code / company_name")
    if not mapping.get("invoice_number"):
        missing.append("invoice_number")
    if not (mapping.get("outstanding") or mapping.get("amount")):
        missing.append("outstanding / amount")
    if not mapping.get("due_date"):
        missing.append("due_date")
    return missing
