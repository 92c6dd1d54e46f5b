"""Find the header row under title lines, and tell totals and blank rows apart from invoices."""
from __future__ import annotations

import re

from .mapping import field_for_header
from .parsing import Unreadable, amount_cents, text

_TOTAL = re.compile(r"^\s*(sous[- ]?)?total|^\s*grand total|^\s*total g[ée]n[ée]ral|^\s*report\b", re.I)


SCAN_ROWS = 500     # a header may sit below a long title block (a report's parameters, a letterhead)


def find_header(rows: list, scan: int = SCAN_ROWS) -> int:
    """Index of the header row: among the first rows, the one whose cells name the most known fields."""
    best, best_score = 0, -1
    for index, row in enumerate(rows[:scan]):
        cells = [text(c) for c in row]
        filled = [c for c in cells if c]
        if len(filled) < 2:
            continue
        known = sum(1 for c in filled if field_for_header(c) or field_for_header(c, payments=True))
        textual = sum(1 for c in filled if not any(ch.isdigit() for ch in c))
        score = known * 10 + textual
        if score > best_score:
            best, best_score = index, score
    return best


def is_heading(row) -> bool:
    """A section heading inside the data (an ageing bucket, a customer's name above its invoices): one text
    cell alone, not an amount."""
    filled = [c for c in row if c is not None and (not isinstance(c, str) or c.strip())]
    if len(filled) != 1 or not isinstance(filled[0], str):
        return False
    try:
        amount_cents(filled[0])
        return False            # an amount alone is a row that lost its customer, not a heading
    except Unreadable:
        return sum(ch.isalpha() for ch in filled[0]) >= 3


def heading_text(row) -> str:
    """The text of a heading row (its one filled cell)."""
    return next(text(c) for c in row if c is not None and (not isinstance(c, str) or c.strip()))


def customer_headings(rows: list) -> bool:
    """Whether the rows are grouped under headings that name their customer (an ageing report by customer:
    "Harbor View Logistics", its invoices, "Total Harbor View Logistics"): at least two headings each followed
    by a row that is neither blank, a heading nor a total."""
    groups = 0
    for row, following in zip(rows, rows[1:]):
        if is_heading(row) and not is_total(row) and not is_blank(following) and not is_heading(following) \
                and not is_total(following):
            groups += 1
            if groups >= 2:
                return True
    return False


def is_blank(row) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in row)


_GRAND = re.compile(r"^\s*(grand total|total g[ée]n[ée]ral|total balance|total\s*:?\s*$)", re.I)


def total_kind(row) -> str | None:
    """"grand" for the file's grand total line, "sub" for a subtotal (per customer...), None otherwise."""
    labels = [c for c in row if isinstance(c, str) and _TOTAL.match(c)]
    if not labels:
        return None
    return "grand" if any(_GRAND.match(c) for c in labels) else "sub"


def is_total(row) -> bool:
    """A subtotal or grand-total line: a cell starting with "Total" and no invoice on it."""
    return any(isinstance(c, str) and _TOTAL.match(c) for c in row)
