"""An update file's planned (or applied) changes as a workbook: one row per line of the preview."""
from __future__ import annotations

import io
from typing import Callable, Mapping

import sqlalchemy as sa
import xlsxwriter
from sqlalchemy.orm import Session

from ..models import ImportBatch, UpdateLine
from .rejected_export import _text_writer


def changes_xlsx(session: Session, batch: ImportBatch, headings: list[str], kind_label: Callable[[str], str],
                 promise_label: Mapping[str, str]) -> bytes:
    """Stream the batch's lines from the database (constant memory), labelled in the reader's language.

    ``headings``: row, invoice, debtor, change, before, after, payment, payment date, promise, payment reference.
    """
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"constant_memory": True, "in_memory": False, "strings_to_numbers": False,
                                     "strings_to_formulas": False})
    sheet = book.add_worksheet("Changes")
    bold = book.add_format({"bold": True})
    money = book.add_format({"num_format": "#,##0.00"})
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    text = _text_writer(sheet, quoted=book.add_format({"quote_prefix": True}))
    for j, name in enumerate(headings):
        sheet.write_string(0, j, name, bold)
    rows = session.execute(sa.select(
        UpdateLine.row_number, UpdateLine.invoice_number, UpdateLine.debtor_name, UpdateLine.kind,
        UpdateLine.before_cents, UpdateLine.after_cents, UpdateLine.paid_cents, UpdateLine.paid_on,
        UpdateLine.promise_status, UpdateLine.payment_reference).where(UpdateLine.batch_id == batch.id).order_by(UpdateLine.seq))
    for i, (row, number, debtor, kind, before, after, paid, paid_on, promise, reference) in enumerate(rows, start=1):
        if row is not None:
            sheet.write_number(i, 0, row)
        text(i, 1, number)
        text(i, 2, debtor)
        text(i, 3, kind_label(kind.value))
        for j, cents in ((4, before), (5, after), (6, paid)):
            if cents is not None:
                sheet.write_number(i, j, cents / 100, money)
        if paid_on is not None:
            sheet.write_datetime(i, 7, paid_on, day)
        if promise:
            text(i, 8, promise_label.get(promise, promise))
        if reference:
            text(i, 9, reference)
    sheet.set_column(1, 3, 24)
    sheet.set_column(4, 7, 14)
    sheet.set_column(8, 9, 20)
    book.close()
    return out.getvalue()
