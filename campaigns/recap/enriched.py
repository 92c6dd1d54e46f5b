"""The client's own file returned enriched: its rows and columns, in order, plus the outcome columns.

The original upload is re-read from ``ImportBatch.stored_path`` with the import's own reader
(``campaigns.importing.reading.read_file``: CSV/TXT as text cells, spreadsheets with python-calamine),
and each row that became an invoice (``Invoice.source_row``, 1-based) gets its outcome appended. Rows that were not invoices (titles, totals, rejected rows) are returned untouched.
"""
from __future__ import annotations

import math
from datetime import date, datetime, time
from itertools import chain, islice
from pathlib import Path

import sqlalchemy as sa
import xlsxwriter
from sqlalchemy.orm import Session

from .. import client_settings, penalties
from ..importing import ledger_cache
from ..errors import N_, NotFound
from ..models import (
    CallAttempt, Campaign, ClientCompany, DebtorAccount, ImportBatch, ImportKind, ImportStatus, Invoice, InvoiceMotive, Motive, MotiveStatus,
    Promise, PromiseStatus, promise_invoices,
)
from . import labels as L
from .cells import WORKBOOK_OPTIONS, Formats, SheetWriter
from .queries import stream

OUTCOME_COLUMNS = [("Relance : statut", "text", 14), ("Relance : date promise", "date", 13),
                   ("Relance : montant promis", "money", 15), ("Relance : moyen de paiement", "text", 16),
                   ("Relance : motif", "text", 26), ("Relance : commentaire", "text", 40),
                   ("Relance : tentatives", "int", 10), ("Relance : indemnité forfaitaire", "money", 15),
                   ("Relance : intérêts de retard", "money", 15)]


def initial_batch(session: Session, campaign_id: int) -> ImportBatch:
    batch = session.scalar(sa.select(ImportBatch).where(
        ImportBatch.campaign_id == campaign_id, ImportBatch.kind == ImportKind.INITIAL,
        ImportBatch.status == ImportStatus.APPLIED).order_by(ImportBatch.id.desc()).limit(1))
    if batch is None or not batch.stored_path or not Path(batch.stored_path).exists():
        raise NotFound(N_("The original file of this campaign is not available."))
    return batch


def read_raw_rows(session: Session, batch: ImportBatch) -> list:
    """The file's rows exactly as the import read them, so that ``Invoice.source_row`` points at the same row
    (a ledger read with the client's own customer accounts, as at the import)."""
    owner = session.get(ClientCompany, session.get(Campaign, batch.campaign_id).client_company_id)
    return ledger_cache.read_stored(batch.stored_path, Path(batch.stored_path).read_bytes(), batch.file_name,
                                    batch.sheet_name, None, client_settings.customer_prefixes(owner)).rows


def _outcomes(session: Session, batch_id: int, owed: dict | None = None):
    """(source_row, outcome cells) for the invoices of a batch, by source row."""
    motive = (sa.select(sa.func.coalesce(InvoiceMotive.label_fr, Motive.label_fr)).select_from(Motive)
              .join(InvoiceMotive, InvoiceMotive.motive_id == Motive.id)
              .where(InvoiceMotive.invoice_id == Invoice.id, InvoiceMotive.status != MotiveStatus.CANCELLED)
              .order_by(InvoiceMotive.created_at.desc()).limit(1).scalar_subquery())
    latest = (sa.select(promise_invoices.c.invoice_id, sa.func.max(Promise.id).label("promise_id"))
              .join(Promise, Promise.id == promise_invoices.c.promise_id)
              .where(Promise.status != PromiseStatus.CANCELLED).group_by(promise_invoices.c.invoice_id)
              .where(promise_invoices.c.invoice_id.in_(
                  sa.select(Invoice.id).where(Invoice.import_batch_id == batch_id))).subquery())
    attempts = sa.select(sa.func.count()).where(CallAttempt.debtor_id == Invoice.debtor_id).scalar_subquery()
    rows = stream(session, sa.select(
        Invoice.source_row, Invoice.status, Promise.promised_date, Promise.amount_cents, Promise.method, motive,
        DebtorAccount.last_note, attempts, Invoice.id,
    ).join(DebtorAccount, DebtorAccount.id == Invoice.debtor_id)
        .outerjoin(latest, latest.c.invoice_id == Invoice.id).outerjoin(Promise, Promise.id == latest.c.promise_id)
        .where(Invoice.import_batch_id == batch_id, Invoice.source_row.is_not(None)).order_by(Invoice.source_row))
    owed = owed or {}
    for source_row, status, p_date, p_amount, p_method, motive_label, note, count, invoice_id in rows:
        pen = owed.get(invoice_id)
        yield source_row, [L.INVOICE.get(status), p_date, p_amount, L.METHOD.get(p_method), motive_label, note, count,
                           pen.indemnity_cents if pen else None, pen.interest_cents if pen else None]


def write_enriched(session: Session, campaign_id: int, target) -> dict:
    """Write the client's original file with the outcome columns appended, as an xlsx workbook."""
    batch = initial_batch(session, campaign_id)
    workbook = xlsxwriter.Workbook(target, WORKBOOK_OPTIONS)
    formats = Formats(workbook)
    rows = iter(read_raw_rows(session, batch))
    header_row = batch.header_row or 1
    head = [list(cells) for cells in islice(rows, header_row)]
    width = max((len(cells) for cells in head), default=0)
    sheet = SheetWriter(workbook, formats, "Fichier enrichi", [("", "text", 16)] * width + OUTCOME_COLUMNS,
                        header_row=header_row - 1)
    sheet.row = 0
    campaign = session.get(Campaign, campaign_id)
    outcomes = _outcomes(session, batch.id, penalties.for_campaign(session, campaign).by_invoice)
    pending = next(outcomes, None)
    matched = 0
    for number, cells in enumerate(chain(head, rows), 1):
        r = sheet.row
        for c, value in enumerate(cells):
            _raw_cell(sheet, formats, r, c, value)
        if number == header_row:
            for i, (title, _, _) in enumerate(OUTCOME_COLUMNS):
                sheet.ws.write_string(r, width + i, title, formats.header)
        while pending is not None and pending[0] < number:
            pending = next(outcomes, None)
        if pending is not None and pending[0] == number:
            for i, value in enumerate(pending[1]):
                sheet.writers[width + i](r, width + i, value)
            matched += 1
            pending = next(outcomes, None)
        sheet.row += 1
    sheet.finish()
    workbook.close()
    return {"rows": sheet.row, "matched": matched, "file_name": batch.file_name}


def _raw_cell(sheet: SheetWriter, formats: Formats, r: int, c: int, value):
    ws = sheet.ws
    if value is None or value == "":
        return
    if isinstance(value, bool):
        ws.write_boolean(r, c, value)
    elif isinstance(value, float) and not math.isfinite(value):
        sheet.text(r, c, str(value))   # a workbook may hold NaN or 1e400, which xlsx numbers cannot
    elif isinstance(value, (int, float)):
        ws.write_number(r, c, value)
    elif isinstance(value, datetime):
        ws.write_datetime(r, c, value.replace(tzinfo=None), formats.datetime)
    elif isinstance(value, date):
        ws.write_datetime(r, c, value, formats.date)
    elif isinstance(value, time):
        ws.write_string(r, c, value.isoformat())
    else:
        sheet.text(r, c, value)
