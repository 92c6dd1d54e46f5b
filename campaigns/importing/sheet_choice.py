"""Which sheet of a workbook holds the invoices, and which one its customers: told by their contents, never
by their position (exports put a cover sheet, notes or the customers first as often as last)."""
from __future__ import annotations

from .header import find_header
from .mapping import field_for_header
from .parsing import text

SCAN_ROWS = 60        # a sheet's header is looked for in its first rows here (the full search runs on the chosen one)
INVOICE_FIELDS = {"invoice_number", "amount", "outstanding", "due_date", "invoice_date"}
CUSTOMER_FIELDS = {"customer_code", "company_name", "phone", "email", "siren", "siret", "address", "contact_name",
                   "language", "segment", "company_size"}


def _fields(rows: list) -> tuple[set[str], int]:
    """The fields a sheet's header names, and its number of data rows."""
    if not rows:
        return set(), 0
    index = find_header(rows, SCAN_ROWS)
    found = {field_for_header(text(c)) for c in rows[index]} - {None}
    filled = sum(1 for row in rows[index + 1:] if any(text(c) for c in row))
    return found, filled


def invoices_sheet(sheets: dict[str, list]) -> str:
    """The sheet naming the most invoice fields (the invoice number weighs most), then the one with the most
    rows; the fullest sheet when none names any."""
    def score(item):
        name, rows = item
        found, filled = _fields(rows)
        invoice = found & INVOICE_FIELDS
        return ("invoice_number" in invoice, len(invoice), filled, -list(sheets).index(name))
    best = max(sheets.items(), key=score)
    if not _fields(best[1])[0] & INVOICE_FIELDS:
        return max(sheets, key=lambda n: (len(sheets[n]) * max(map(len, sheets[n]), default=0), -list(sheets).index(n)))
    return best[0]


def customers_sheet(sheets: dict[str, list], invoices: str) -> str | None:
    """Another sheet that lists customers: a customer code and something to reach or name them by, and no
    invoice number; None when there is none."""
    best, best_score = None, 0
    for name, rows in sheets.items():
        if name == invoices:
            continue
        found, filled = _fields(rows)
        if "customer_code" not in found or "invoice_number" in found or not filled:
            continue
        score = len(found & CUSTOMER_FIELDS)
        if score >= 2 and score > best_score:
            best, best_score = name, score
    return best
