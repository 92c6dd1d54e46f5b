"""The fields a file can map, and the header names real exports give them (French and English, any style).

What the contents say of a column, and the plan that weighs both, live in ``column_plan``."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ..errors import N_

FIELDS = [
    "customer_code", "company_name", "siren", "contact_name", "phone", "email", "invoice_number",
    "invoice_date", "due_date", "amount", "outstanding", "currency", "segment", "comment", "status",
    "siret", "address", "language", "company_size",
]
# A payments list ("relevé de règlements"): the invoice each payment settles, how much, when, how.
PAYMENT_FIELDS = ["customer_code", "invoice_number", "paid_amount", "payment_date", "payment_method",
                  "payment_reference"]
MULTI = {"phone", "address"}  # fields that may take several columns (an address: street, postal code, city)
REQUIRED_HELP = ["identity (customer_code or company_name)", "invoice_number", "outstanding or amount", "due_date"]

# Normalised header variants (see norm) for each field; the first match wins, in this order.
VARIANTS = {
    "customer_code": ["code client", "code tiers", "compte auxiliaire", "compte client", "n client", "num client",
                      "no client", "customer code", "customer id", "customer", "client code", "account", "compte",
                      "code", "tiers", "cpte aux", "account number", "customer number", "compte tiers", "customer id",
                      "cust number", "cust id", "client id", "id client", "socid", "partner code", "debtor code",
                      "code debiteur", "numero client", "n compte", "customer account"],
    "company_name": ["raison sociale", "nom client", "client", "societe", "nom", "denomination", "intitule",
                     "company", "company name", "customer name", "name", "libelle tiers", "intitule compte", "name 1",
                     "partner", "partner name", "account name", "nom tiers", "nom du client", "raison sociale client",
                     "client name", "debtor", "debiteur", "organization", "organisation", "business name",
                     "organization name", "client organization"],
    "siren": ["siren", "n siren", "numero siren", "registration number", "company registration number"],
    "siret": ["siret", "n siret", "numero siret", "siret client", "code siret"],
    "address": ["adresse", "adresse 1", "adresse 2", "adresse 3", "adresse ligne 1", "adresse ligne 2", "rue",
                "complement d adresse", "complement adresse", "adresse de facturation", "adresse facturation",
                "code postal", "cp", "ville", "commune", "localite", "address", "address 1", "address 2",
                "address line 1", "address line 2", "street", "street address", "billing address", "postal code",
                "postcode", "zip", "zip code", "city", "town", "billing street", "billing city",
                "billing postal code", "billing zip"],
    "language": ["langue", "language", "lang", "langue client", "langue du client", "code langue",
                 "preferred language", "language code", "langue de correspondance", "locale"],
    "company_size": ["taille", "taille entreprise", "taille de l entreprise", "categorie entreprise",
                     "categorie d entreprise", "effectif", "effectifs", "tranche effectif", "tranche d effectif",
                     "tranche effectif salarie", "nombre de salaries", "nb salaries", "company size", "size",
                     "headcount", "employees", "number of employees", "employee count"],
    "contact_name": ["contact", "interlocuteur", "nom contact", "contact name", "responsable"],
    "phone": ["telephone", "tel", "tel portable", "portable", "mobile", "tel fixe", "fixe", "phone", "phone number",
              "mobile phone", "gsm", "tel mobile", "tel 2", "telephone 2", "tel bureau"],
    "email": ["email", "e mail", "mail", "courriel", "adresse mail", "adresse email", "adresse e mail",
              "adresse electronique", "adresse courriel", "email address", "e mail address", "mail address",
              "email de facturation", "billing email", "contact email", "email contact"],
    "invoice_number": ["n facture", "no facture", "num facture", "numero facture", "facture", "num piece",
                       "n piece", "piece", "numero piece", "reference", "ref facture", "invoice", "invoice number",
                       "invoice no", "invoice", "document", "document number", "doc no", "num", "number", "ref",
                       "invoice num", "invoice id", "doc id", "bill number", "numero", "n document",
                       "invoice reference"],
    "invoice_date": ["date facture", "date piece", "date", "date emission", "invoice date", "document date",
                     "invoice bill date", "datef", "date de facture", "date d emission", "issue date",
                     "bill date", "posting date", "date document", "date issued", "issued", "issued on"],
    "due_date": ["echeance", "date echeance", "date d echeance", "due date", "due", "date limite", "echeance facture",
                 "net due date", "due in date", "date lim reglement", "date limite de reglement",
                 "date echeance facture", "payment due date", "date due"],
    "amount": ["montant ttc", "montant", "montant facture", "total ttc", "amount", "invoice amount", "ttc",
               "montant initial", "debit", "total", "invoice total", "total amount", "gross amount",
               "montant total", "amount in doc curr", "total ligne ttc"],
    "outstanding": ["reste du", "solde", "restant du", "reste a payer", "montant du", "solde du", "encours",
                    "outstanding", "balance", "amount due", "open amount", "residual", "solde restant",
                    "open balance", "balance due", "total open amount", "amount open", "amount outstanding",
                    "reste a regler", "montant restant", "solde facture", "solde du", "restant a payer",
                    "amount residual", "remaining amount"],
    "currency": ["devise", "currency", "monnaie", "document currency", "doc currency", "currency code",
                 "code devise"],
    "segment": ["segment", "typologie", "categorie", "category", "type client", "famille", "typology",
                "type de client", "typologie client", "typologie payeur", "profil payeur", "customer type",
                "customer segment", "payer type", "segment client", "categorie client", "customer category"],
    "comment": ["commentaire", "commentaires", "remarque", "observation", "note", "notes", "comment"],
    # Whether the invoice is still open: a status word (Payée, Paid, Brouillon...) or a flag (paye = 1, isOpen = 0).
    "status": ["statut", "status", "etat", "paye", "is paid", "payee", "is open", "isopen", "open", "statut facture",
               "invoice status", "etat facture", "statut paiement", "payment status", "lettrage"],
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
# Headers of real exports that name none of our fields, though their words look like one ("Company Code" is
# SAP's company, not the customer's name; "Document Type" is not the invoice number).
_IGNORED = {"company code", "document type", "transaction type", "posting key", "assignment", "local currency",
            "amount in local currency", "amount in lc", "doc type", "type", "paid", "credited", "journal",
            "code journal", "terms", "payment terms", "conditions de paiement"}
_IDENTIFIER = re.compile(r"\b(id|ids|no|n|num|number|numero|code|account|compte|ref|reference|key)\b")
_PAYMENT_LOOKUP = _lookup(PAYMENT_VARIANTS)
_ORDER = {name: (i, f) for i, (name, f) in enumerate(_LOOKUP.items())}
_PAYMENT_ORDER = {name: (i, f) for i, (name, f) in enumerate(_PAYMENT_LOOKUP.items())}
# Last words that name the field whatever comes before them.
_HEAD_WORDS = {"email": "email", "mail": "email", "courriel": "email", "phone": "phone", "telephone": "phone",
               "mobile": "phone", "siret": "siret", "siren": "siren", "city": "address", "ville": "address",
               "zip": "address", "postcode": "address", "address": "address", "language": "language",
               "langue": "language"}

def norm(header: str) -> str:
    """A header as lower-case words: accents, punctuation, camelCase and snake_case all flattened."""
    header = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", header)   # customerID, InvoiceAmount
    s = unicodedata.normalize("NFKD", header).encode("ascii", "ignore").decode().lower()
    s = s.replace("°", " ").replace("#", " ")
    s = re.sub(r"[^a-z0-9]+", " ", s).strip()
    s = re.sub(r"\b(du|de|la|le|des|d)\b", lambda m: "d" if m.group(0) == "d" else m.group(0), s)
    return s


def fields_for(payments: bool = False) -> list[str]:
    """The fields a receivables file (or a payments list) can map."""
    return PAYMENT_FIELDS if payments else FIELDS


@lru_cache(maxsize=20_000)
def field_for_header(header: str, payments: bool = False) -> str | None:
    """The field a header name usually means, or None."""
    lookup = _PAYMENT_LOOKUP if payments else _LOOKUP
    n = norm(header)
    if not n or (not payments and n in _IGNORED and n not in lookup):
        return None
    if n in lookup:
        return lookup[n]
    n2 = re.sub(r"\b(no|n|num|numero)\b", "n", n)
    if n2 in lookup:
        return lookup[n2]
    if not payments and n.split()[-1] in _HEAD_WORDS:    # "customerEmail", "billing city": the last word decides
        return _HEAD_WORDS[n.split()[-1]]
    if not payments:
        for prefix in ("tel", "telephone", "portable", "mobile", "phone"):
            if n.startswith(prefix + " ") or n == prefix:
                return "phone"
    # A known name as the header's first or last words ("montant ttc euros", "total open amount"): the first
    # such name in the lookup's order wins. Each run of leading and trailing words is looked up (a few
    # dictionary lookups instead of a scan of every name: the header search reads hundreds of rows).
    order = _PAYMENT_ORDER if payments else _ORDER
    words = n.split()
    found = [order[part] for k in range(1, len(words))
             for part in (" ".join(words[:k]), " ".join(words[-k:])) if len(part) > 4 and part in order]
    return min(found)[1] if found else None


def closed_to_contents(header: str) -> bool:
    """A header that the contents must not reinterpret: one we know to ignore, or one naming an identifier
    (never a phone column from a "customer number")."""
    n = norm(header)
    return n in _IGNORED or bool(_IDENTIFIER.search(n))


def missing_required(mapping: dict, payments: bool = False, customer_headings: bool = False) -> list[str]:
    """The required fields the mapping leaves out, as English labels (translated where they are shown)."""
    if payments:
        missing = [] if mapping.get("invoice_number") or mapping.get("payment_reference") else [
            N_("Invoice number or payment reference")]
        return missing + [label for name, label in (("paid_amount", N_("Amount paid")),
                                                    ("payment_date", N_("Payment date"))) if not mapping.get(name)]
    missing = []
    if not (mapping.get("customer_code") or mapping.get("company_name") or customer_headings):
        missing.append(N_("Customer code or company name"))
    if not mapping.get("invoice_number"):
        missing.append(N_("Invoice number"))
    if not (mapping.get("outstanding") or mapping.get("amount")):
        missing.append(N_("Outstanding amount or amount"))
    if not mapping.get("due_date") and not mapping.get("invoice_date"):
        # Either will do: without a due date, it is estimated from the invoice date and the payment terms.
        missing.append(N_("Due date or invoice date"))
    return missing
