"""The rejected rows as a workbook to send back to the client: the original columns plus the reason."""
from __future__ import annotations

import io

import sqlalchemy as sa
import xlsxwriter
from sqlalchemy.orm import Session

from ..models import ImportBatch, ImportRejection
from ..recap.cells import is_risky


def _text_writer(sheet, plain=None, quoted=None):
    """Write text as a string cell; risky text also flagged as literal, so editing it in Excel keeps it text.

    The value stays exactly what the client sent: a leading apostrophe would become part of the text.
    """
    def write(row: int, col: int, value) -> None:
        value = "" if value is None else str(value)
        if is_risky(value):   # "-12" included
            sheet.write_string(row, col, value, quoted)
        elif value:
            sheet.write_string(row, col, value, plain)
    return write


def rejected_rows_xlsx(session: Session, batch: ImportBatch, header: list[str], row_label: str = "Row",
                       column_label: str = "Column", reason_label: str = "Reason") -> bytes:
    """Stream the rejections from the database into an xlsx (constant memory)."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"constant_memory": True, "in_memory": False, "strings_to_numbers": False,
                                     "strings_to_formulas": False})
    sheet = book.add_worksheet("Rejected")
    bold = book.add_format({"bold": True})
    text = _text_writer(sheet, quoted=book.add_format({"quote_prefix": True}))
    title = _text_writer(sheet, bold, book.add_format({"quote_prefix": True, "bold": True}))
    for j, name in enumerate([row_label, column_label, reason_label, *header]):
        title(0, j, name)   # the client's own column names may be hostile too
    rows = session.execute(sa.select(ImportRejection.row_number, ImportRejection.column, ImportRejection.reason,
                                     ImportRejection.raw).where(ImportRejection.batch_id == batch.id)
                           .order_by(ImportRejection.row_number))
    for i, (row, column, reason, raw) in enumerate(rows, start=1):
        sheet.write_number(i, 0, row)
        text(i, 1, column)
        text(i, 2, reason)
        for j, cell in enumerate(raw or []):
            text(i, 3 + j, cell)
    sheet.set_column(2, 2, 45)
    book.close()
    return out.getvalue()
