"""The rejected rows as a workbook to send back to the client: the original columns plus the reason."""
from __future__ import annotations

import io

import sqlalchemy as sa
import xlsxwriter
from sqlalchemy.orm import Session

from ..models import ImportBatch, ImportRejection


def _safe(value: str) -> str:
    """Cells starting with = + - @ would run as formulas in the client's Excel."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") and not value[1:2].isdigit() else value


def rejected_rows_xlsx(session: Session, batch: ImportBatch, header: list[str], row_label: str = "Row",
                       column_label: str = "Column", reason_label: str = "Reason") -> bytes:
    """Stream the rejections from the database into an xlsx (constant memory)."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"constant_memory": True, "in_memory": False, "strings_to_numbers": False,
                                     "strings_to_formulas": False})
    sheet = book.add_worksheet("Rejected")
    bold = book.add_format({"bold": True})
    sheet.write_row(0, 0, [row_label, column_label, reason_label, *header], bold)
    rows = session.execute(sa.select(ImportRejection.row_number, ImportRejection.column, ImportRejection.reason,
                                     ImportRejection.raw).where(ImportRejection.batch_id == batch.id)
                           .order_by(ImportRejection.row_number))
    for i, (row, column, reason, raw) in enumerate(rows, start=1):
        sheet.write_number(i, 0, row)
        sheet.write_string(i, 1, column or "")
        sheet.write_string(i, 2, reason)
        for j, cell in enumerate(raw or []):
            sheet.write_string(i, 3 + j, _safe(str(cell)))
    sheet.set_column(2, 2, 45)
    book.close()
    return out.getvalue()
