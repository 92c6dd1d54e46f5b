"""A payments list ("relevé de règlements"): each row names an invoice, or carries the payment reference of a
promise (ISO 11649, as a bank statement's label does), and gives what was paid, and when.

Checked like a receivables file (every row accepted or rejected with its reason, nothing written here);
``updating.plan_payments`` then matches each accepted payment to the campaign's invoices.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..errors import N_
from ..money import decimal_string
from ..payment_references import find as find_reference
from . import columns, parsing
from .checking import MSG_AMOUNT, Rejection, field_columns
from .header import is_blank, is_total
from .parsing import Unreadable, text

MSG_AMOUNT_MISSING = N_("missing amount paid")
MSG_NOT_POSITIVE = N_("a payment must be above zero: “{value}”")
MSG_DATE_MISSING = N_("missing payment date")
MSG_DATE = N_("invalid payment date: {value}")
MSG_FUTURE = N_("the payment date {value} is in the future")
MSG_NUMBER_OR_REFERENCE = N_("neither an invoice number nor a payment reference (RF…)")


@dataclass
class Payment:
    """One accepted row: a payment of ``cents`` on invoice ``number`` on ``paid_on``; ``number`` is empty when
    the row names no invoice and ``reference`` (a creditor reference) says what it pays."""
    row: int
    number: str
    customer_code: str | None
    cents: int
    paid_on: date
    method: str | None = None
    reference: str | None = None


@dataclass
class PaymentsCheck:
    """What the check of a payments list found: the payments, and the rows refused with their reason."""
    header: list[str]
    rows_read: int = 0
    skipped: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    currency: str = "EUR"

    @property
    def accepted(self) -> int:
        return len(self.payments)

    @property
    def rejected(self) -> int:
        return len(self.rejections)

    @property
    def total_paid_cents(self) -> int:
        return sum(p.cents for p in self.payments)

    def as_dict(self) -> dict:
        return {"rows_read": self.rows_read, "accepted": self.accepted, "rejected": self.rejected,
                "skipped": self.skipped, "payments": len(self.payments),
                "total_paid": decimal_string(self.total_paid_cents), "currency": self.currency,
                "rejections": [{"row": r.row, "column": r.column, "reason": r.reason} for r in self.rejections]}


def check(rows: list, header_index: int, mapping: dict, today: date, currency: str = "EUR",
          translate=lambda s: s) -> PaymentsCheck:
    """Accept or reject every row under the header of a payments list."""
    header = [text(c) for c in rows[header_index]]
    cols = field_columns(header, mapping)
    result = PaymentsCheck(header=header, currency=currency)

    def one(name):
        found = cols.get(name) or []
        return found[0] if found else None

    i_number, i_code, i_amount = one("invoice_number"), one("customer_code"), one("paid_amount")
    i_date, i_method, i_reference = one("payment_date"), one("payment_method"), one("payment_reference")
    width = len(header)
    body = [row if len(row) >= width else list(row) + [""] * (width - len(row)) for row in rows[header_index + 1:]]
    us = i_date is not None and columns.month_first(columns.texts([r[i_date] for r in body]))
    for offset, row in enumerate(body):
        row_number = header_index + 2 + offset
        result.rows_read += 1
        number = text(row[i_number]) if i_number is not None else ""
        if not number and (is_blank(row) or is_total(row)):
            result.skipped += 1
            continue
        reference_cell = text(row[i_reference]) if i_reference is not None else ""
        creditor_reference = find_reference(reference_cell) or (
            None if number else find_reference(" ".join(text(c) for c in row)))

        def reject(column, message, **params):
            result.rejections.append(Rejection(row_number, header[column] if column is not None else None,
                                               translate(message).format(**params), [text(c) for c in row],
                                               number=number or None))

        if not number and not creditor_reference:
            reject(i_number if i_number is not None else i_reference, MSG_NUMBER_OR_REFERENCE)
            continue
        raw_amount = text(row[i_amount])
        if not raw_amount:
            reject(i_amount, MSG_AMOUNT_MISSING)
            continue
        try:
            cents = parsing.amount_cents(row[i_amount])
        except Unreadable:
            reject(i_amount, MSG_AMOUNT, value=raw_amount)
            continue
        if cents <= 0:
            reject(i_amount, MSG_NOT_POSITIVE, value=raw_amount)
            continue
        raw_date = text(row[i_date])
        if not raw_date:
            reject(i_date, MSG_DATE_MISSING)
            continue
        try:
            paid_on = parsing.parse_date(row[i_date], us)
        except Unreadable:
            reject(i_date, MSG_DATE, value=raw_date)
            continue
        if paid_on > today:
            reject(i_date, MSG_FUTURE, value=paid_on.strftime("%d/%m/%Y"))
            continue
        result.payments.append(Payment(
            row_number, number[:80], (text(row[i_code]) or None) if i_code is not None else None, cents, paid_on,
            (text(row[i_method])[:40] or None) if i_method is not None else None,
            (creditor_reference or reference_cell[:80] or None)))
    return result
