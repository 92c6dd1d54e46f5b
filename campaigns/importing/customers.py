"""Customers kept apart from the invoices: a "Clients" sheet beside the invoices, or a customers file beside a
ledger, joined to the invoices by the customer key.

What the customers table says of a debtor (name, phones, e-mails, SIREN, SIRET, address, language, segment,
company size) fills what the invoices leave out: an invoice's own cells win, phones and e-mails add up. The
join counts the invoices whose key names no customer, so that the manager sees them before loading.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .. import debtor_profile, phones
from ..errors import N_
from . import column_plan, header as headers
from .parsing import text

# What a customers table can map (the key first).
FIELDS = ["customer_code", "company_name", "siren", "siret", "contact_name", "phone", "email", "address", "language",
          "segment", "company_size", "comment"]
PREVIEW_ROWS = 5
MAX_UNMATCHED = 20        # keys listed on the page and in the JSON

W_LANGUAGE = N_("language not understood: “{value}” (French is assumed)")
W_SIZE = N_("company size not understood: “{value}” (write TPE, PME, ETI, grand compte or a headcount)")
W_SIRET = N_("not a valid SIRET: “{value}” (14 digits with their check key)")


def key_of(code) -> str:
    """The join key of a customer code: spaces and case ignored, and leading zeros of an all-digit code (one
    file writes "0000103352" as text, the other 103352 as a number)."""
    k = re.sub(r"\s+", "", text(code)).upper()
    if k.endswith(".0") and k[:-2].isdigit():
        k = k[:-2]
    return (k.lstrip("0") or k) if k.isdigit() else k


@dataclass
class Customer:
    code: str
    row: int
    values: dict = field(default_factory=dict)     # field -> text (address: its lines)
    phones: list = field(default_factory=list)     # (raw, column)


@dataclass
class CustomerTable:
    """The customers sheet or file as the mapping page shows it."""
    source: str                 # "sheet" (of the invoices' workbook) or "file"
    name: str                   # the sheet's name, or the file's
    header_index: int
    header: list[str]
    body: list                  # the rows under the header, cells as read
    plan: column_plan.ColumnPlan
    sheet: str | None = None    # the sheet read, when the table is a workbook's

    @property
    def suggested(self) -> dict[str, list[str]]:
        return self.plan.mapping()

    @property
    def preview(self) -> list[list[str]]:
        rows = ([text(c) for c in row] for row in self.body)
        return [row for row in rows if any(row)][:PREVIEW_ROWS]


def table(rows: list, source: str, name: str, remembered: dict | None = None,
          remembered_columns: list | None = None, sheet: str | None = None) -> CustomerTable:
    """The customers table of a grid: its header, and the plan of its columns (customer fields only)."""
    from .service import unique_names
    index = headers.find_header(rows)
    names = unique_names([text(c) for c in rows[index]])
    body = rows[index + 1:]
    sample = [[text(c) for c in row] for row in body[:column_plan.PROFILE_ROWS]]
    plan = column_plan.plan(names, sample, remembered, remembered_columns)
    plan.choices = {f: c for f, c in plan.choices.items() if f in FIELDS}
    if "customer_code" not in plan.choices and "company_name" in plan.choices:
        # A customers table is keyed: a "Client" column of codes, not of names, is the key.
        choice = plan.choices["company_name"]
        if plan.profiles[choice.columns[0]].names < 0.5:
            plan.choices["customer_code"] = plan.choices.pop("company_name")
            plan.choices["customer_code"].field = "customer_code"
    return CustomerTable(source, name, index, names, body, plan, sheet)


@dataclass
class Join:
    """How the invoices met their customers."""
    source: str
    name: str
    customers: int = 0              # customers read (one per key)
    repeated_keys: int = 0          # rows repeating a key already read (the first one is kept)
    without_key: int = 0            # rows with no key, not read
    matched_debtors: int = 0
    unmatched_debtors: int = 0
    unmatched_invoices: int = 0     # invoices whose key names no customer
    unmatched_keys: list = field(default_factory=list)
    unused: int = 0                 # customers with no invoice in the file
    phone_region: str = "FR"        # the region its phone numbers are written for (phones.region_of)

    def as_dict(self) -> dict:
        return {"source": self.source, "name": self.name, "customers": self.customers,
                "repeated_keys": self.repeated_keys, "rows_without_key": self.without_key,
                "matched_debtors": self.matched_debtors, "unmatched_debtors": self.unmatched_debtors,
                "unmatched_invoices": self.unmatched_invoices, "unmatched_keys": self.unmatched_keys,
                "customers_without_invoices": self.unused}


def read(customer_table: CustomerTable, mapping: dict[str, list[str]]) -> tuple[dict[str, Customer], Join]:
    """The customers of the table by join key (the first row of a key wins)."""
    index = {name: i for i, name in enumerate(customer_table.header)}
    at = {f: [index[c] for c in cols if c in index] for f, cols in mapping.items() if f in FIELDS}
    summary = Join(customer_table.source, customer_table.name)
    found: dict[str, Customer] = {}
    key_columns = at.get("customer_code") or []
    if not key_columns:
        return found, summary
    first = customer_table.header_index + 2
    for offset, row in enumerate(customer_table.body):
        cells = [text(c) for c in row]
        if not any(cells) or headers.is_total(row):
            continue
        code = cells[key_columns[0]] if key_columns[0] < len(cells) else ""
        if not code:
            summary.without_key += 1
            continue
        k = key_of(code)
        if k in found:
            summary.repeated_keys += 1
            continue
        customer = found[k] = Customer(code, first + offset)
        for f, columns in at.items():
            values = [cells[i] for i in columns if i < len(cells) and cells[i]]
            if not values or f == "customer_code":
                continue
            if f == "phone":
                customer.phones = [(cells[i], customer_table.header[i]) for i in columns if i < len(cells) and cells[i]]
            elif f == "address":
                customer.values[f] = [cells[i] if i < len(cells) else "" for i in columns]
            else:
                customer.values[f] = values[0]
    summary.customers = len(found)
    summary.phone_region = phones.region_of([raw for c in found.values() for raw, _label in c.phones])
    return found, summary


def preview_join(invoice_codes: list[str], customers: dict[str, Customer], summary: Join) -> Join:
    """The join as the mapping page shows it, from the invoices' customer codes (one per invoice row)."""
    seen, unmatched = set(), []
    for code in invoice_codes:
        if not code:
            continue
        k = key_of(code)
        seen.add(k)
        if k not in customers:
            summary.unmatched_invoices += 1
            if code not in unmatched and len(unmatched) < MAX_UNMATCHED:
                unmatched.append(code)
    summary.unmatched_keys = unmatched
    summary.matched_debtors = len(seen & customers.keys())
    summary.unmatched_debtors = len(seen - customers.keys())
    summary.unused = len(customers.keys() - seen)
    return summary


def join(result, customers: dict[str, Customer], summary: Join, warn) -> Join:
    """Fill the checked debtors from their customers; ``warn(message, row, column, **params)`` is told of values
    that cannot be read."""
    used, unmatched = set(), []
    for debtor in result.debtors.values():
        if not debtor.customer_code:
            continue
        k = key_of(debtor.customer_code)
        customer = customers.get(k)
        if customer is None:
            summary.unmatched_debtors += 1
            summary.unmatched_invoices += len(debtor.numbers)
            if len(unmatched) < MAX_UNMATCHED:
                unmatched.append(debtor.customer_code)
            continue
        used.add(k)
        summary.matched_debtors += 1
        fill(debtor, customer, warn, summary.phone_region)
    summary.unmatched_keys = unmatched
    summary.unused = len(customers.keys() - used)
    return summary


def fill(debtor, customer: Customer, warn, phone_region: str = "FR") -> None:
    """What the customer row adds to a debtor: empty fields filled, contacts, e-mails and phones added."""
    values = customer.values
    if values.get("company_name") and not debtor.company_name:
        debtor.company_name = values["company_name"][:300]
    if values.get("siret") and not debtor.siret:
        debtor.siret = debtor_profile.siret(values["siret"])
        if debtor.siret is None:
            warn(W_SIRET, customer.row, "siret", value=values["siret"][:40])
    if values.get("siren") and not debtor.siren:
        from .parsing import siren
        debtor.siren = siren(values["siren"])
    if not debtor.siren and debtor.siret:
        debtor.siren = debtor.siret[:9]
    for f, size in (("segment", 80), ("comment", 2000)):
        if values.get(f) and not getattr(debtor, f):
            setattr(debtor, f, values[f][:size])
    if values.get("address") and not debtor.address:
        debtor.address = debtor_profile.address(values["address"])
    if values.get("language") and not debtor.language:
        debtor.language = debtor_profile.language(values["language"])
        if debtor.language is None:
            warn(W_LANGUAGE, customer.row, "language", value=values["language"][:40])
    if values.get("company_size") and not debtor.company_size:
        debtor.company_size = debtor_profile.company_size(values["company_size"])
        if debtor.company_size is None:
            warn(W_SIZE, customer.row, "company_size", value=values["company_size"][:40])
    contact = values.get("contact_name")
    if contact and contact not in debtor.contacts:
        debtor.contacts.append(contact)
    email = values.get("email")
    if email and email not in debtor.emails:
        debtor.emails.append(email)
    for raw, label in customer.phones:
        if raw in debtor.phones:
            continue
        e164, kind = phones.normalise(raw, phone_region)
        if e164 and any(p[1] == e164 for p in debtor.phones.values()):
            continue
        debtor.phones[raw] = (raw[:60], e164, label[:80], kind)
